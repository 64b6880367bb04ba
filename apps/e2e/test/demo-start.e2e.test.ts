/**
 * `pnpm start`'s entry (`apps/demo/dist/start.js`) as a user runs it: it says at start-up which mode it
 * is in, serves the page, and picks real Tencent only when all four credentials are in the environment.
 * Real Tencent is never called: the page and the start-up banner need no request to it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_TENCENT } from './support/http.ts';

const require = createRequire(import.meta.url);
const START = resolve(dirname(require.resolve('@tencent-captcha/demo/package.json')), 'dist/start.js');
let child: ChildProcess | undefined;

afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((done) => child?.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
  child = undefined;
});

/** Starts the entry on a free port; resolves with its banner once it printed its URL (bounded). */
function start(env: Record<string, string>): Promise<{ banner: string; url: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TENCENT')));
  child = spawn(process.execPath, [START], { env: { ...base, PORT: '0', HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolveStart, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no banner within 15 s:\n${out}`)), 15_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /tencent-captcha demo {2}(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (url && out.includes('Ctrl+C')) {
        clearTimeout(timer);
        resolveStart({ banner: out, url });
      }
    };
    child?.stdout?.on('data', onData);
    child?.stderr?.on('data', onData);
    child?.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${out}`));
    });
  });
}

describe('pnpm start (the demo entry)', () => {
  it('without credentials: says it runs on the offline emulator and serves the page with the emulator SDK', async () => {
    const { banner, url } = await start({});
    expect(banner).toMatch(/Mode: OFFLINE EMULATOR/);
    const html = await (await fetch(url)).text();
    const tag = /<tencent-captcha id="captcha"[^>]*>/.exec(html)?.[0] ?? '';
    expect(tag).toContain(' app-id="189990000"');
    expect(tag).toContain(' src="/TCaptcha.js"');
    expect(html).toContain('Offline emulator');
    const sdk = await fetch(`${url}/TCaptcha.js`);
    expect(sdk.status).toBe(200);
    expect(await sdk.text()).toContain('TencentCaptcha');
  });

  it('with Tencent credentials: says it uses real Tencent Cloud, and the page loads Tencent’s own SDK', async () => {
    const { banner, url } = await start(FAKE_TENCENT);
    expect(banner).toMatch(/Mode: REAL TENCENT CLOUD \(CaptchaAppId 190000001/);
    expect(banner).not.toContain(FAKE_TENCENT.TENCENTCLOUD_SECRET_KEY);
    expect(banner).not.toContain(FAKE_TENCENT.TENCENT_CAPTCHA_APP_SECRET_KEY);
    const html = await (await fetch(url)).text();
    const tag = /<tencent-captcha id="captcha"[^>]*>/.exec(html)?.[0] ?? '';
    expect(tag).toContain(' app-id="190000001"');
    expect(tag).toContain(' load-timeout=');
    expect(tag).not.toContain(' src=');
    expect(html).not.toContain('src="/TCaptcha.js"');
    expect(html).toContain('Real Tencent Cloud');
    // No emulator behind it: its paths are not there.
    expect((await fetch(`${url}/__emulator/faults`)).status).toBe(404);
    const state = (await (await fetch(`${url}/api/state`)).json()) as { backend: string; faultsUrl: string | null };
    expect(state).toMatchObject({ backend: 'tencent', faultsUrl: null });
  });
});
