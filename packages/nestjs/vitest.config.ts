import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';
import { definePackageTestConfig } from '../../vitest.shared.ts';

// Nest's DI reads decorator metadata, which esbuild/oxc do not emit; swc does.
export default defineConfig(definePackageTestConfig(import.meta.dirname, { plugins: [swc.vite({ module: { type: 'es6' } })] }));
