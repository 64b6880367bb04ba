import { createServer } from 'node:net';
import { createEmulator } from '@tencent-captcha/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRedis } from './checks.js';
import { formatCheckReport, runDoctor } from './doctor.js';
import { type CaptchaCheckReport } from '../types/check.js';
import type { CaptchaVerifierOptions } from '../types/options.js';
import { createCaptchaVerifier } from '../engine/verifier.js';
import { createLegacyCaptchaVerifier } from '../legacy/verifier.js';

type Emulator = Awaited<ReturnType<typeof createEmulator>>;
let emulator: Emulator;
let skewedEmulator: Emulator;
let closedPort: number;
const TEN_MINUTES = 10 * 60_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
  // Tencent's signature clock 10 minutes behind ours: every signature looks expired.
  skewedEmulator = await createEmulator({ port: 0, host: '127.0.0.1', signatureNow: () => Date.now() - TEN_MINUTES });
  closedPort = await freePort();
});
afterAll(async () => {
  await emulator.close();
  await skewedEmulator.close();
});

const credentials = (e: Emulator) => ({ captchaAppId: e.appId, appSecretKey: e.appSecretKey, secretId: e.secretId, secretKey: e.secretKey, endpoint: e.apiUrl });

async function check(options: Partial<CaptchaVerifierOptions>, redisUrl?: string): Promise<CaptchaCheckReport> {
  const verifier = createCaptchaVerifier({ ...credentials(emulator), logger: false, attemptTimeoutMs: 2000, ...options });
  try {
    return await verifier.check({ redisUrl });
  } finally {
    await verifier.close();
  }
}

const statuses = (r: CaptchaCheckReport) => Object.fromEntries(r.checks.map((c) => [c.name, c.status]));
const find = (r: CaptchaCheckReport, name: string) => r.checks.find((c) => c.name === name)!;

describe('verifier.check()', () => {
  it('passes every check for a healthy setup', async () => {
    const report = await check({});
    expect(statuses(report)).toEqual({ credentials: 'pass', transport: 'pass', dns: 'pass', connect: 'pass', clock: 'pass', api_key: 'pass', captcha_app: 'pass', store: 'pass' });
    expect(report.ok).toBe(true);
    // On Node the default transport is undici's pool, and the report says so.
    expect(report.transport).toBe('undici');
    expect(find(report, 'transport').summary).toBe('requests are sent with undici');
    expect(find(report, 'captcha_app').summary).toMatch(/CaptchaCode \d+/);
    expect(find(report, 'credentials').summary).toBe(`present and well formed (CaptchaAppId ${emulator.appId})`);
  });

  it('says SecretId and SecretKey look swapped', async () => {
    const report = await check({ secretId: emulator.secretKey, secretKey: emulator.secretId });
    expect(find(report, 'credentials')).toMatchObject({ status: 'fail', hint: expect.stringContaining('probably swapped') });
    expect(find(report, 'api_key').status).toBe('fail');
  });

  it('blames the SecretKey when the signature does not match (wrong secret)', async () => {
    const report = await check({ secretKey: 'wrong-secret-key-0123456789' });
    expect(report.ok).toBe(false);
    expect(find(report, 'api_key')).toMatchObject({ status: 'fail', summary: expect.stringContaining('AuthFailure.SignatureFailure') });
    expect(find(report, 'api_key').hint).toMatch(/SecretKey \(TENCENTCLOUD_SECRET_KEY\)/);
    expect(find(report, 'captcha_app').status).toBe('skip');
    expect(JSON.stringify(report)).not.toContain('wrong-secret-key-0123456789');
  });

  it('blames the CaptchaAppId/AppSecretKey pair on CaptchaCode 100 (wrong app secret)', async () => {
    const report = await check({ appSecretKey: 'wrong-app-secret-key-012345' });
    expect(statuses(report)).toMatchObject({ api_key: 'pass', captcha_app: 'fail' });
    expect(find(report, 'captcha_app').summary).toContain('CaptchaCode 100');
    expect(find(report, 'captcha_app').hint).toMatch(/AppSecretKey does not belong to this CaptchaAppId/);
    expect(JSON.stringify(report)).not.toContain('wrong-app-secret-key-012345');
  });

  it("sees this server's clock off against the Date header, and Tencent refusing the signature as expired", async () => {
    const report = await check({ now: () => Date.now() + TEN_MINUTES });
    expect(find(report, 'clock')).toMatchObject({ status: 'fail', summary: expect.stringMatching(/is 6\d\d s ahead of/) });
    expect(find(report, 'clock').hint).toMatch(/NTP/);
    expect(find(report, 'api_key')).toMatchObject({ status: 'fail', summary: expect.stringContaining('AuthFailure.SignatureExpire') });
  });

  it('names clock skew when Tencent refuses the signature as expired (skewed signature clock)', async () => {
    const report = await check(credentials(skewedEmulator));
    expect(find(report, 'api_key').hint).toMatch(/clock skew/);
    expect(report.ok).toBe(false);
  });

  it('says the endpoint refuses connections (unreachable), with the error code', async () => {
    const report = await check({ endpoint: `http://127.0.0.1:${closedPort}/` });
    expect(find(report, 'connect')).toMatchObject({ status: 'fail', summary: expect.stringContaining('ECONNREFUSED') });
    expect(find(report, 'connect').hint).toMatch(/refused the connection/);
    expect(find(report, 'clock').status).toBe('skip');
    expect(find(report, 'api_key')).toMatchObject({ status: 'fail', summary: expect.stringContaining('ECONNREFUSED') });
  });

  it('says the host does not resolve (ENOTFOUND) for a wrong endpoint host', async () => {
    const report = await check({ endpoint: 'https://captcha.doctor-test.invalid/' });
    expect(find(report, 'dns')).toMatchObject({ status: 'fail', summary: expect.stringMatching(/ENOTFOUND|EAI_AGAIN/) });
    expect(statuses(report)).toMatchObject({ connect: 'skip', clock: 'skip', api_key: 'fail' });
  });

  it('says Redis is down (closed port) and up (REDIS_URL or 127.0.0.1:6379)', async () => {
    const down = await check({}, `redis://:s3cret-pass@127.0.0.1:${closedPort}`);
    expect(find(down, 'redis')).toMatchObject({ status: 'fail', summary: expect.stringContaining('ECONNREFUSED') });
    expect(find(down, 'redis').hint).toMatch(/store_unavailable/);
    expect(JSON.stringify(down)).not.toContain('s3cret-pass');
    expect(down.ok).toBe(false);
    const up = await checkRedis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', 2000);
    expect(up).toMatchObject({ status: 'pass', summary: expect.stringContaining('answers PING') });
  });
});

describe('check() of the legacy verifier', () => {
  const legacy = async (secretKey: string) => {
    const verifier = createLegacyCaptchaVerifier({ captchaAppId: emulator.appId, secretId: emulator.secretId, secretKey, endpoint: emulator.legacyApiUrl, env: {}, logger: false });
    try {
      return await verifier.check();
    } finally {
      await verifier.close();
    }
  };

  it('passes for a healthy setup and blames the key for a wrong secret', async () => {
    const healthy = await legacy(emulator.secretKey);
    expect(healthy.checks.filter((c) => c.status === 'fail')).toEqual([]);
    const broken = await legacy('wrong-legacy-secret-key-0123');
    expect(find(broken, 'api_key').status).toBe('fail');
    expect(JSON.stringify(broken)).not.toContain('wrong-legacy-secret-key-0123');
  });
});

describe('tencent-captcha doctor (runDoctor)', () => {
  const env = (e: Emulator, extra: Record<string, string> = {}) => ({
    TENCENT_CAPTCHA_APP_ID: e.appId,
    TENCENT_CAPTCHA_APP_SECRET_KEY: e.appSecretKey,
    TENCENTCLOUD_SECRET_ID: e.secretId,
    TENCENTCLOUD_SECRET_KEY: e.secretKey,
    TENCENT_CAPTCHA_ENDPOINT: e.apiUrl,
    ...extra,
  });
  const run = async (args: string[], vars: Record<string, string | undefined>) => {
    let out = '';
    const code = await runDoctor(args, { env: vars, write: (t) => (out += t) });
    return { code, out };
  };

  it('exits 0 with a ✓ per check for a healthy setup read from the environment (endpoint too)', async () => {
    const { code, out } = await run(['doctor'], env(emulator));
    expect(code).toBe(0);
    expect(out).toContain(`endpoint ${emulator.apiUrl}`);
    expect(out).toMatch(/✓ api_key/);
    expect(out).toMatch(/✓ captcha_app/);
    expect(out).toContain('All checks passed.');
    expect(out).not.toContain('✗');
  });

  it('exits 1 with ✗ and a hint for a broken setup; --json for scripts; no secret printed', async () => {
    const { code, out } = await run(['doctor', '--json'], env(emulator, { TENCENTCLOUD_SECRET_KEY: 'not-the-secret-key-123456', REDIS_URL: `redis://127.0.0.1:${closedPort}` }));
    expect(code).toBe(1);
    const report = JSON.parse(out) as CaptchaCheckReport;
    expect(report.ok).toBe(false);
    expect(statuses(report)).toMatchObject({ api_key: 'fail', redis: 'fail' });
    expect(out).not.toContain('not-the-secret-key-123456');
    expect(out).not.toContain(emulator.appSecretKey);
    expect(formatCheckReport(report)).toMatch(/✗ api_key .*\n  → .*SecretKey/);
  });

  it('names every missing credential and still checks the network, exit 1', async () => {
    const { code, out } = await run(['doctor'], { TENCENT_CAPTCHA_ENDPOINT: emulator.apiUrl });
    expect(code).toBe(1);
    expect(out).toMatch(/✗ credentials .*TENCENT_CAPTCHA_APP_ID/);
    expect(out).toMatch(/✓ connect/);
  });

  it('exits 2 with the usage for an unknown command', async () => {
    expect((await run(['doctr'], {})).code).toBe(2);
    expect((await run(['--help'], {})).code).toBe(0);
  });
});
