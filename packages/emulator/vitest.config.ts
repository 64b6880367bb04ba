import { defineConfig } from 'vitest/config';
import { definePackageTestConfig } from '../../vitest.shared.ts';

export default defineConfig(definePackageTestConfig(import.meta.dirname));
