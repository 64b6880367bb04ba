// Plain JavaScript, copied into dist/ as written: bundlers (Vite, webpack, Rollup, esbuild) turn this
// template literal into one chunk per file of ./locales/. See load-locale.d.ts.
export const importLocale = (tag) => import(`./locales/${tag}.js`);
