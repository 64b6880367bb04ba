/**
 * The built package from a consumer's point of view. Bundles core exactly as `tsup.config.ts` does
 * (ESM + CJS, dependencies external) into `.smoke/`, with a stand-in install of protocol next to it,
 * then in separate Node processes:
 * - `import()`s the ESM bundle with `undici` blocked — as in a Fetch-API runtime — and verifies an
 *   emulator ticket with an injected `fetch`;
 * - `require()`s the CJS bundle and verifies with the default transport (undici's pool);
 * - runs the `tencent-captcha doctor` bin against the emulator, configured by environment variables.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createEmulator } from '@tencent-captcha/emulator';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const smoke = join(root, '.smoke');
let emulator: Awaited<ReturnType<typeof createEmulator>>;

beforeAll(async () => {
  await rm(smoke, { recursive: true, force: true });
  const common = { format: ['esm', 'cjs'] as const, target: 'node20', dts: false, sourcemap: false, clean: true, silent: true, config: false, treeshake: true, keepNames: true };
  await build({ ...common, format: [...common.format], entry: { index: join(root, 'src/index.ts'), cli: join(root, 'src/cli.ts') }, outDir: join(smoke, 'dist'), platform: 'node' });
  // `@tencent-captcha/protocol` as an install would provide it (its own dist may not be built yet).
  const protocolDir = join(smoke, 'node_modules/@tencent-captcha/protocol');
  await build({ ...common, format: [...common.format], entry: { index: join(root, '../protocol/src/index.ts') }, outDir: protocolDir, platform: 'neutral' });
  await writeFile(
    join(protocolDir, 'package.json'),
    JSON.stringify({ name: '@tencent-captcha/protocol', type: 'module', exports: { import: './index.js', require: './index.cjs' } }),
  );
  await writeFile(join(smoke, 'package.json'), JSON.stringify({ name: 'smoke', private: true, type: 'module' }));
  await mkdir(join(smoke, 'dist'), { recursive: true });
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
}, 120_000);

afterAll(async () => {
  await emulator?.close();
  await rm(smoke, { recursive: true, force: true });
});

async function node(script: string, kind: 'esm' | 'cjs'): Promise<unknown> {
  const file = join(smoke, kind === 'esm' ? 'consumer.mjs' : 'consumer.cjs');
  await writeFile(file, script);
  const t = emulator.issueTicket();
  const env = {
    PATH: process.env.PATH,
    APP_ID: emulator.appId,
    APP_SECRET_KEY: emulator.appSecretKey,
    SECRET_ID: emulator.secretId,
    SECRET_KEY: emulator.secretKey,
    ENDPOINT: emulator.apiUrl,
    TICKET: t.ticket,
    RANDSTR: t.randstr,
  };
  const { stdout } = await run(process.execPath, [file], { cwd: smoke, env, timeout: 30_000 });
  return JSON.parse(stdout);
}

const verifyAndPrint = (fetchOption: string) => `
const verifier = core.createCaptchaVerifier({
  captchaAppId: process.env.APP_ID, appSecretKey: process.env.APP_SECRET_KEY,
  secretId: process.env.SECRET_ID, secretKey: process.env.SECRET_KEY,
  endpoint: process.env.ENDPOINT, env: {}${fetchOption},
});
const verdict = await verifier.verify({ ticket: process.env.TICKET, randstr: process.env.RANDSTR, userIp: '203.0.113.7' });
await verifier.close();
// The bundler must not rename the class: a config error prints as CaptchaConfigError, not _CaptchaConfigError.
const { inspect } = await import('node:util');
const configError = inspect(new core.CaptchaConfigError('invalid_option', 'deadlineMS', 'unknown option')).split('\\n')[0];
process.stdout.write(JSON.stringify({ exports: Object.keys(core).sort(), verdict, configError }));
`;

describe('the built package', () => {
  it('imports as ESM without undici (Fetch-API runtimes) and verifies with an injected fetch', async () => {
    const out = (await node(
      `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(
  "export async function resolve(s, c, next) { if (s === 'undici' || s.startsWith('undici/')) throw new Error('undici was loaded'); return next(s, c); }"));
const core = await import('./dist/index.js');
${verifyAndPrint(', fetch: globalThis.fetch')}`,
      'esm',
    )) as { exports: string[]; verdict: { status: string }; configError: string };
    expect(out.verdict).toMatchObject({ status: 'verified', reason: 'verified' });
    expect(out.configError).toMatch(/^CaptchaConfigError: unknown option/);
    expect(out.exports).toEqual(expect.arrayContaining(['createCaptchaVerifier', 'httpResponseForVerdict', 'CaptchaConfigError', 'createRedisStore', 'verifyFetchRequest']));
  });

  it('requires as CJS and verifies over the default undici transport', async () => {
    const out = (await node(
      `const core = require('./dist/index.cjs');
(async () => {
${verifyAndPrint('')}
})().catch((e) => { console.error(e); process.exit(1); });`,
      'cjs',
    )) as { exports: string[]; verdict: { status: string }; configError: string };
    expect(out.verdict).toMatchObject({ status: 'verified', attempts: 1 });
    expect(out.configError).toMatch(/^CaptchaConfigError: unknown option/);
    expect(out.exports).toContain('createCaptchaVerifier');
  });

  it('runs the tencent-captcha doctor bin from the environment: exit 0 when healthy, 1 with a wrong secret', async () => {
    const env = {
      PATH: process.env.PATH,
      TENCENT_CAPTCHA_APP_ID: emulator.appId,
      TENCENT_CAPTCHA_APP_SECRET_KEY: emulator.appSecretKey,
      TENCENTCLOUD_SECRET_ID: emulator.secretId,
      TENCENTCLOUD_SECRET_KEY: emulator.secretKey,
      TENCENT_CAPTCHA_ENDPOINT: emulator.apiUrl,
    };
    const healthy = await run(process.execPath, [join(smoke, 'dist/cli.js'), 'doctor'], { cwd: smoke, env, timeout: 30_000 });
    expect(healthy.stdout).toContain('All checks passed.');
    const broken = await run(process.execPath, [join(smoke, 'dist/cli.cjs'), 'doctor', '--json'], {
      cwd: smoke,
      env: { ...env, TENCENTCLOUD_SECRET_KEY: 'wrong-secret-key-0123456789' },
      timeout: 30_000,
    }).then(
      () => undefined,
      (error: { code?: number; stdout?: string }) => error,
    );
    expect(broken?.code).toBe(1);
    expect(JSON.parse(broken?.stdout ?? '{}')).toMatchObject({ ok: false });
    expect(broken?.stdout).not.toContain('wrong-secret-key-0123456789');
  });
});
