import { defineConfig } from 'vite';

// No React plugin needed: Vite's own transform compiles TSX with React's automatic JSX runtime.
export default defineConfig({
  base: './',
  oxc: { jsx: { runtime: 'automatic' } },
  build: { target: 'es2022', reportCompressedSize: false },
});
