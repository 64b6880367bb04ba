// Lit's css`` is a plain template literal to esbuild, so its text would ship unminified. Collapse it
// at build time (the styles contain no interpolations; spaces that are selector combinators stay).
// Used by tsup.config.ts (dist/index.js, dist/define.js) and scripts/bundle.mjs (dist/bundle.js).
import { readFile } from 'node:fs/promises';

/** @type {import('esbuild').Plugin} */
export const minifyCssTemplates = {
  name: 'minify-css-templates',
  setup(build) {
    build.onLoad({ filter: /\.styles\.ts$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      const contents = source.replace(/css`([^`]*)`/g, (_, text) => {
        const css = text
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\s+/g, ' ')
          .replace(/\s*([{};,])\s*/g, '$1')
          .replace(/:\s+/g, ':')
          .replace(/;}/g, '}')
          // `[part='icon']` → `[part=icon]` (an identifier needs no quotes), `0.5em` → `.5em`.
          .replace(/=(['"])(-?[A-Za-z_][\w-]*)\1\]/g, '=$2]')
          .replace(/([\s:,(])0\.(\d)/g, '$1.$2')
          .trim();
        return `css\`${css}\``;
      });
      return { contents, loader: 'ts' };
    });
  },
};
