import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  // Relative asset URLs: the build can be served from any folder.
  base: './',
  plugins: [
    vue({
      template: {
        // Leave <tencent-captcha> to the browser's custom element registry.
        compilerOptions: { isCustomElement: (tag) => tag === 'tencent-captcha' },
      },
    }),
  ],
  build: { target: 'es2022', reportCompressedSize: false },
});
