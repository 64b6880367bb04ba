import { dirname, resolve } from 'node:path';
import { defineConfig, type Options } from 'tsup';

// The Fetch-only build (`dist/fetch/`, export conditions `workerd`, `worker`, `browser`): the same
// sources with the default transport swapped for the runtime's `fetch`, so neither undici nor any
// Node built-in is in its import graph and wrangler bundles it without `nodejs_compat`.
const fetchOnlyTransport: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'fetch-only-default-transport',
  setup(build) {
    build.onResolve({ filter: /\/default-transport\.js$/ }, (args) => ({
      path: resolve(args.resolveDir, dirname(args.path), 'default-transport.fetch.ts'),
    }));
  },
};

export default defineConfig([
  {
    entry: ['src/index.ts', 'src/cli.ts'],
    format: ['esm', 'cjs'],
    target: 'node20',
    platform: 'node',
    dts: { compilerOptions: { ignoreDeprecations: '6.0', customConditions: [] } },
    sourcemap: true,
    // Everything but the Fetch-only build, which cleans its own folder.
    clean: ['!fetch/**'],
    treeshake: false, // rollup's extra pass appended a second sourceMappingURL to every file; esbuild's bundling already drops unused code
    // No `keepNames`: it wraps every closure the hot path creates in a `__name()` call (~15 % of the
    // CPU with the breaker open, measured). The error classes name themselves instead (config/errors.ts).
  },
  {
    entry: { index: 'src/index.ts' },
    outDir: 'dist/fetch',
    format: ['esm'],
    target: 'es2022',
    platform: 'neutral',
    sourcemap: true,
    clean: true,
    treeshake: false,
    esbuildPlugins: [fetchOnlyTransport],
  },
]);
