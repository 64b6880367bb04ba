/**
 * The browser scripts (the `TencentCaptcha` SDK and the legacy `capInit` script) are TypeScript
 * under `src/browser/`, bundled by `tsup` into `dist/browser/*.js` as IIFE files. At runtime they
 * are read from the package root's `dist/browser/`, whether the emulator itself runs from `src/`
 * (tests through the `source` condition) or from `dist/` (published).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bundles in `dist/browser/`. */
export const BrowserAsset = {
  /** The `TencentCaptcha` SDK. */
  Sdk: 'tcaptcha.js',
  /** The legacy `capInit` script. */
  Legacy: 'legacy-capinit.js',
} as const;
/** One of {@link BrowserAsset}'s values. */
export type BrowserAsset = (typeof BrowserAsset)[keyof typeof BrowserAsset];

/** The placeholder in the bundles that the server replaces with a JSON boot object. */
export const BOOT_PLACEHOLDER = '"__TENCENT_CAPTCHA_EMULATOR_BOOT__"';

function findPackageRoot(start: string): string | undefined {
  let dir = start;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
        if (name === '@tencent-captcha/emulator') return dir;
      } catch {
        // Not ours; keep walking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

let root: string | undefined;
const cache = new Map<BrowserAsset, { mtimeMs: number; text: string }>();

/** The directory holding the built browser bundles. */
export function browserAssetDir(): string | undefined {
  root ??= findPackageRoot(dirname(fileURLToPath(import.meta.url)));
  return root === undefined ? undefined : join(root, 'dist', 'browser');
}

/** Reads a bundle, or `undefined` when it has not been built. Cached until the file changes. */
export function readBrowserAsset(asset: BrowserAsset): string | undefined {
  const dir = browserAssetDir();
  if (dir === undefined) return undefined;
  const file = join(dir, asset);
  try {
    const { mtimeMs } = statSync(file);
    const hit = cache.get(asset);
    if (hit?.mtimeMs === mtimeMs) return hit.text;
    const text = readFileSync(file, 'utf8');
    cache.set(asset, { mtimeMs, text });
    return text;
  } catch {
    return undefined;
  }
}

/** The bundle with its boot object filled in, or `undefined` when it has not been built. */
export function renderBrowserAsset(asset: BrowserAsset, boot: unknown): string | undefined {
  const text = readBrowserAsset(asset);
  if (text === undefined) return undefined;
  // JSON is a valid JS expression; escape `<` so the text is safe to inline in HTML too.
  return text.replace(BOOT_PLACEHOLDER, () => JSON.stringify(boot).replaceAll('<', '\\u003c'));
}
