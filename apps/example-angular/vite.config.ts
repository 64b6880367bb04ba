import { defineConfig } from 'vite';

// Angular in JIT mode: Vite compiles the TypeScript (legacy decorators, from tsconfig's
// `experimentalDecorators`), and @angular/compiler compiles the component's template in the browser.
export default defineConfig({
  base: './',
  // The JIT compiler makes the bundle ~1 MB; an AOT build (Angular CLI) would be far smaller.
  build: { target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 1500 },
});
