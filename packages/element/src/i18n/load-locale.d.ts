import type { TencentCaptchaStrings } from './types.js';

/**
 * Imports the shipped strings of one of Tencent's `userLanguage` values: `./locales/<tag>.js` next
 * to this module. Plain JavaScript, copied into `dist/` as written, so that a bundler sees the
 * template literal and emits one chunk per language (esbuild would rewrite it when building
 * `dist/`). `dist/bundle.js` replaces it with an import relative to its own URL.
 */
export declare function importLocale(tag: string): Promise<{ default: Required<TencentCaptchaStrings> }>;
