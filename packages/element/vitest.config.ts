import { defineConfig } from 'vitest/config';
import { definePackageTestConfig } from '../../vitest.shared.ts';

export default defineConfig(
  definePackageTestConfig(import.meta.dirname, {
    plugins: [
      {
        // src/i18n/load-locale.js imports `./locales/<tag>.js`, the built names; in src they are .ts.
        name: 'source-locales',
        transform: (code, id) => (id.endsWith('/src/i18n/load-locale.js') ? code.replace('.js`', '.ts`') : undefined),
      },
    ],
  }),
);
