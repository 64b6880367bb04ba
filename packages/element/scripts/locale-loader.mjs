import { resolve } from 'node:path';

// src/i18n/load-locale.js imports `./locales/${tag}.js` with a template literal, which a consumer's
// bundler must see as written (one chunk per language). esbuild would replace it with a glob over
// src/, so the builds keep it out:
// - `externalLocaleLoader` (tsup: dist/index.js, dist/define.js) leaves the import of
//   `./load-locale.js` external; scripts/copy-types.mjs copies the file next to them, into dist/.
// - `bundleLocaleLoader` (scripts/bundle.mjs: dist/bundle.js) puts in a loader that imports
//   `./locales/<tag>.js` relative to the bundle's own URL, so a copied dist/ or a CDN needs no setup.

/** @type {import('esbuild').Plugin} */
export const externalLocaleLoader = {
  name: 'external-locale-loader',
  setup(build) {
    build.onResolve({ filter: /\/load-locale\.js$/ }, () => ({ path: './load-locale.js', external: true }));
  },
};

/** @type {import('esbuild').Plugin} */
export const bundleLocaleLoader = {
  name: 'bundle-locale-loader',
  setup(build) {
    // The file's own path (not a virtual namespace), so the bundle's source map names it package-relative.
    build.onResolve({ filter: /\/load-locale\.js$/ }, (args) => ({ path: resolve(args.resolveDir, args.path) }));
    build.onLoad({ filter: /\/load-locale\.js$/ }, () => ({
      contents: 'export const importLocale = (tag) => import(new URL(`./locales/${tag}.js`, import.meta.url).href);',
      loader: 'js',
    }));
  },
};

/**
 * Modules the element imports on demand with a plain `import()`, each in dist/ under this name and
 * self-contained (scripts/bundle.mjs builds them, what they take of @tencent-captcha/protocol
 * inside): `drivers/legacy.js`, the legacy 天御 driver, on the first legacy `show()`, and
 * `preload-visible.js`, the IntersectionObserver of `preload="visible"`. Every build leaves these
 * imports external, so they stay `import("./drivers/legacy.js")`, relative to the importing module's
 * own URL like the language modules: a copied dist/ or a CDN needs no setup.
 */
export const ON_DEMAND = { 'drivers/legacy': 'src/drivers/legacy.ts', 'preload-visible': 'src/preload-visible.ts' };

/** @type {import('esbuild').Plugin} */
export const externalOnDemand = {
  name: 'external-on-demand',
  setup(build) {
    for (const name of Object.keys(ON_DEMAND)) {
      const filter = new RegExp(`/${name.split('/').pop()}\\.js$`);
      build.onResolve({ filter }, (args) => (args.kind === 'dynamic-import' ? { path: `./${name}.js`, external: true } : undefined));
    }
  },
};
