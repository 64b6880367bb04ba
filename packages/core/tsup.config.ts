import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm', 'cjs'],
  target: 'node20',
  platform: 'node',
  dts: { compilerOptions: { ignoreDeprecations: '6.0', customConditions: [] } },
  sourcemap: true,
  clean: true,
  treeshake: false, // rollup's extra pass appended a second sourceMappingURL to every file; esbuild's bundling already drops unused code
  // No `keepNames`: it wraps every closure the hot path creates in a `__name()` call (~15 % of the
  // CPU with the breaker open, measured). The error classes name themselves instead (config/errors.ts).
});
