/** The checks the README test relies on catch what they are meant to catch. */
import { describe, expect, it } from 'vitest';
import { FRAGMENT_MARKER, checkHtml, checkShell, loadKnown } from './readme-blocks.js';

const known = loadKnown();

describe('checkShell()', () => {
  it('refuses npx of a name that is not our scoped package (someone else owns tencent-captcha-emulator)', () => {
    expect(checkShell('npx tencent-captcha-emulator', known)).toEqual([expect.stringContaining('tencent-captcha-emulator is not a published package of ours')]);
    expect(checkShell('npx @tencent-captcha/emulator --port 0', known)).toEqual([]);
    expect(checkShell('npx @tencent-captcha/core doctor', known)).toEqual([]);
    // Private apps are not on npm.
    expect(checkShell('npx @tencent-captcha/demo', known)).toHaveLength(1);
  });

  it('refuses installs of unknown packages, missing bins and scripts', () => {
    expect(checkShell('pnpm add @tencent-captcha/koa koa', known)).toEqual([]);
    expect(checkShell('pnpm add -D @nestjs/testing', known)).toEqual([]);
    expect(checkShell('npm i @tencent-captcha/kao', known)).toHaveLength(1);
    expect(checkShell('pnpm exec tencent-captcha-emulator   # installed', known)).toEqual([]);
    expect(checkShell('pnpm exec tencent-captcha-emu', known)).toHaveLength(1);
    expect(checkShell('pnpm install && pnpm start', known)).toEqual([]);
    expect(checkShell('pnpm strat', known)).toHaveLength(1);
    expect(checkShell('pnpm --filter @tencent-captcha/emulator build', known)).toEqual([]);
    expect(checkShell('pnpm --filter @tencent-captcha/emulator biuld', known)).toHaveLength(1);
  });
});

describe('fragments and HTML', () => {
  it('recognises the fragment marker only on the first line', () => {
    expect(FRAGMENT_MARKER.test('// Fragment: inside the controller above')).toBe(true);
    expect(FRAGMENT_MARKER.test('<!-- fragment -->')).toBe(true);
    expect(FRAGMENT_MARKER.test('// app.module.ts')).toBe(false);
    expect(FRAGMENT_MARKER.test('// fragments of a ticket')).toBe(false);
  });

  it('finds unclosed and misnested elements', () => {
    expect(checkHtml('<form><input name="a" /><tencent-captcha></tencent-captcha><button>Go</button></form>')).toEqual([]);
    expect(checkHtml('<form><button>Go</form>')).not.toEqual([]);
    expect(checkHtml('<div>')).toEqual(['never closed: <div>']);
  });
});
