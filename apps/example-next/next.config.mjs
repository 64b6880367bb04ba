import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The monorepo root: workspace packages are symlinked from there.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** @type {import('next').NextConfig} */
export default {
  turbopack: { root },
  outputFileTracingRoot: root,
  // `pnpm typecheck` type-checks this app; the build need not do it again.
  typescript: { ignoreBuildErrors: true },
  // The test builds into a folder of its own, so that it never meets a `next build` that turbo runs
  // at the same time (`lint:pkg` pulls every package's build in, this app's included).
  ...(process.env.NEXT_DIST_DIR ? { distDir: process.env.NEXT_DIST_DIR } : {}),
};
