// The built package from a consumer's point of view: `dist/index.js` serves the bundled SDK, and the
// `tencent-captcha-emulator` bin starts, prints its URLs and credentials, and stops on SIGTERM.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rawRequest } from './testing/http-client.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (file: string) => `${root}dist/${file}`;

describe('dist (run the build first: turbo does, via packages/emulator/turbo.json)', () => {
  it('has the ESM entry, the types, the bin with its shebang and both browser bundles', () => {
    for (const file of ['index.js', 'index.d.ts', 'cli.js', 'browser/tcaptcha.js', 'browser/legacy-capinit.js']) {
      expect(existsSync(dist(file)), `dist/${file}`).toBe(true);
    }
    expect(readFileSync(dist('cli.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(readFileSync(dist('browser/tcaptcha.js'), 'utf8')).toContain('"__TENCENT_CAPTCHA_EMULATOR_BOOT__"');
  });

  it('imports from dist and serves the SDK with its boot object filled in', async () => {
    const mod = (await import(dist('index.js'))) as typeof import('./index.js');
    const emulator = await mod.createEmulator({ port: 0 });
    try {
      const script = await rawRequest(emulator.sdkUrls.TJCaptcha);
      expect(script.status).toBe(200);
      expect(script.text).not.toContain('__TENCENT_CAPTCHA_EMULATOR_BOOT__');
      expect(script.text).toContain(JSON.stringify(emulator.url));
      expect(script.text).toContain('TencentCaptcha');
      expect(emulator.issueTicket().ticket).toMatch(/^tr03/);
    } finally {
      await emulator.close();
    }
  });

  it('the bin prints the URLs and demo credentials and exits on SIGTERM', async () => {
    const child = spawn(process.execPath, [dist('cli.js'), '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const banner = new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        if (out.includes('SecretKey')) resolve(out);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const text = await banner;
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
      expect(url).toBeDefined();
      expect(text).toContain('189990000');
      expect(text).toContain('AKIDemulatorDemoSecretIdNotReal00000');
      expect((await rawRequest(`${url}/__emulator/faults`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
