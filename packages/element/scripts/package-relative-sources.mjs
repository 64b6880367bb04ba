// Rewrites a source map so that every source stays inside the published package. esbuild names the
// bundled dependencies by their path on the build machine (`../../../node_modules/.pnpm/lit-html@…/
// node_modules/lit-html/src/lit-html.ts`, `../../protocol/src/sdk.ts`), which points outside the
// tarball. Their text is embedded (`sourcesContent`), so each such source becomes
// `../node_modules/<package name>/<path in that package>`: readable in devtools, package-relative.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** The package a file belongs to: its name and the file's path inside it. */
function owningPackage(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name } = JSON.parse(readFileSync(manifest, 'utf8'));
    if (name) return { name, path: relative(dir, file).split(sep).join('/') };
  }
  throw new Error(`no package.json above ${file}`);
}

/**
 * @param {string} mapFile the `.map` file to rewrite in place
 * @param {string} packageRoot the folder that is published
 */
export function packageRelativeSources(mapFile, packageRoot) {
  const map = JSON.parse(readFileSync(mapFile, 'utf8'));
  const base = resolve(dirname(mapFile), map.sourceRoot ?? '');
  map.sources = map.sources.map((source, i) => {
    const file = resolve(base, source);
    if (!relative(packageRoot, file).startsWith('..')) return source;
    if (typeof map.sourcesContent?.[i] !== 'string') throw new Error(`${source}: outside the package and its text is not embedded`);
    const owner = owningPackage(file);
    return relative(base, join(packageRoot, 'node_modules', owner.name, owner.path)).split(sep).join('/');
  });
  writeFileSync(mapFile, JSON.stringify(map));
}
