/**
 * Every name `@tencent-captcha/core` exports keeps its type. The snapshot was printed from main at
 * 2290ba8, before core was reorganised; regenerate it deliberately (an API change) with
 * `UPDATE_API_SNAPSHOT=1 pnpm exec vitest run test/public-api.test.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicApiSurface } from './public-api.js';

const packageDir = resolve(import.meta.dirname, '..');
const snapshotFile = resolve(import.meta.dirname, 'public-api.snapshot.txt');

describe('public API of @tencent-captcha/core', () => {
  it('exports every name of the snapshot with the same type, and nothing else', { timeout: 60_000 }, () => {
    const surface = publicApiSurface(packageDir);
    if (process.env['UPDATE_API_SNAPSHOT'] === '1') writeFileSync(snapshotFile, surface);
    expect(surface).toBe(readFileSync(snapshotFile, 'utf8'));
  });
});
