/**
 * The checks a tarball must pass before it is published. Each returns its problems as sentences (an
 * empty list when the tarball is fine), so a failing test names every problem at once.
 */
import { posix } from 'node:path';
import type { PackageJson, Tarball } from './tarballs.js';

type Files = Tarball['files'];
const decode = (data: Uint8Array) => new TextDecoder().decode(data);

/** The licence every published package carries. */
export const LICENSE_ID = 'MIT';

/** A `LICENSE` file with the MIT text at the root of the package, and `"license": "MIT"`. */
export function checkLicense(files: Files, manifest: PackageJson): string[] {
  const problems: string[] = [];
  if (manifest.license !== LICENSE_ID) problems.push(`package.json "license" is ${JSON.stringify(manifest.license)}, not "${LICENSE_ID}"`);
  const file = [...files.keys()].find((f) => /^licen[cs]e(\.md|\.txt)?$/i.test(f));
  if (file === undefined) problems.push('no LICENSE file at the root of the tarball');
  else if (!/^MIT License\b/.test(decode(files.get(file)!).trim()) || !/Permission is hereby granted, free of charge/.test(decode(files.get(file)!))) {
    problems.push(`${file} is not the MIT licence text`);
  }
  return problems;
}

/**
 * Paths that are test code, fixtures or test-only helpers: `*.test.*`, `*.spec.*`, `*.suite.*`,
 * `*.bench.*`, files named like `test-support` / `test-utils` / `test-helpers`, and anything under a
 * `test`, `tests`, `__tests__`, `__mocks__`, `fixtures` or `testing` folder.
 */
const TEST_FILE = [
  /\.(test|spec|suite|bench)\.[cm]?[jt]sx?(\.map)?$/,
  /\.(test|spec|suite|bench)\.d\.[cm]?ts(\.map)?$/,
  /(^|\/)test[-_]?(support|utils?|helpers?|harness)\.[cm]?[jt]sx?$/,
  /(^|\/)(test|tests|__tests__|__mocks__|fixtures?|testing)\//,
];

export function isTestFile(path: string): boolean {
  return TEST_FILE.some((pattern) => pattern.test(path));
}

export function checkNoTestFiles(files: Files): string[] {
  return [...files.keys()].filter(isTestFile).map((f) => `${f} is test code and does not belong in the tarball`);
}

const SCRIPT = /\.(m?js|cjs|jsx?|css|d\.[cm]?ts)$/;
/** `//# sourceMappingURL=…` or `/*# sourceMappingURL=… *\/` on a line of its own (also the legacy `//@`). */
const MAP_COMMENT = /^[ \t]*(?:\/\/|\/\*)[#@][ \t]+sourceMappingURL=([^\s*]+)/gm;

/** Whether `path` (already normalised, relative to the package root) stays inside the package. */
function inside(path: string): boolean {
  return path !== '..' && !path.startsWith('../') && !posix.isAbsolute(path);
}

/**
 * Source maps work from the tarball alone:
 * - every script has at most one `sourceMappingURL` comment, and exactly one when a `<file>.map` is
 *   packed beside it;
 * - the comment names a map in the tarball (or is an inline `data:` map);
 * - every source of every map resolves inside the package, and is either packed or embedded in
 *   `sourcesContent`.
 */
export function checkSourceMaps(files: Files): string[] {
  const problems: string[] = [];
  const maps = new Map<string, string>();
  for (const [path, data] of files) {
    if (!SCRIPT.test(path)) continue;
    const urls = [...decode(data).matchAll(MAP_COMMENT)].map((m) => m[1]!);
    if (urls.length > 1) problems.push(`${path} has ${urls.length} sourceMappingURL comments (one at most)`);
    if (urls.length === 0 && files.has(`${path}.map`)) problems.push(`${path} has no sourceMappingURL comment but ${path}.map is packed`);
    const url = urls.at(-1);
    if (url === undefined) continue;
    if (url.startsWith('data:')) {
      const base64 = /^data:application\/json(?:;charset=[\w-]+)?;base64,(.*)$/.exec(url)?.[1];
      if (base64 === undefined) problems.push(`${path}: inline source map is not base64 JSON`);
      else maps.set(path, Buffer.from(base64, 'base64').toString('utf8'));
      continue;
    }
    if (/^[a-z][\w+.-]*:/i.test(url)) {
      problems.push(`${path}: sourceMappingURL ${url} points outside the package`);
      continue;
    }
    const mapPath = posix.normalize(posix.join(posix.dirname(path), decodeURIComponent(url)));
    const map = files.get(mapPath);
    if (!inside(mapPath) || map === undefined) problems.push(`${path}: sourceMappingURL ${url} is not in the tarball`);
    else maps.set(mapPath, decode(map));
  }
  for (const [mapPath, json] of maps) problems.push(...checkMapSources(mapPath, json, files));
  return problems;
}

function checkMapSources(mapPath: string, json: string, files: Files): string[] {
  let map: { version?: number; sources?: unknown; sourceRoot?: unknown; sourcesContent?: unknown };
  try {
    map = JSON.parse(json) as typeof map;
  } catch {
    return [`${mapPath} is not JSON`];
  }
  if (map.version !== 3 || !Array.isArray(map.sources)) return [`${mapPath} is not a version 3 source map`];
  const contents = Array.isArray(map.sourcesContent) ? (map.sourcesContent as unknown[]) : [];
  const root = typeof map.sourceRoot === 'string' ? map.sourceRoot : '';
  const problems: string[] = [];
  (map.sources as unknown[]).forEach((source, i) => {
    if (typeof source !== 'string') return void problems.push(`${mapPath}: source ${i} is not a string`);
    if (/^[a-z][\w+.-]*:/i.test(source) || /^[a-z][\w+.-]*:/i.test(root)) return void problems.push(`${mapPath}: source ${root}${source} is a URL, not a package-relative path`);
    const resolved = posix.normalize(posix.join(posix.dirname(mapPath), root, source));
    if (!inside(resolved)) return void problems.push(`${mapPath}: source ${source} resolves outside the package (${resolved})`);
    if (!files.has(resolved) && typeof contents[i] !== 'string') problems.push(`${mapPath}: source ${source} is neither in the tarball nor embedded in sourcesContent`);
  });
  return problems;
}

/** The published package.json names no `workspace:`, `file:` or `link:` range a registry user cannot install. */
export function checkNoLocalRanges(manifest: PackageJson): string[] {
  const problems: string[] = [];
  for (const field of ['dependencies', 'peerDependencies'] as const) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (/^(workspace|file|link|portal):/.test(range)) problems.push(`${field}.${name} is ${range}`);
    }
  }
  return problems;
}
