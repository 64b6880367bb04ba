import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeEmulator, parseCliArgs, runCli } from './cli-main.js';
import { createEmulator, type Emulator } from './emulator.js';
import { EmulatorError } from './errors.js';
import { DEMO_CREDENTIALS } from './options.js';
import { callApi, describeBody, rawRequest } from './testing/http-client.js';

const open: Emulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

async function start(options: Parameters<typeof createEmulator>[0] = {}): Promise<Emulator> {
  const emulator = await createEmulator({ port: 0, ...options });
  open.push(emulator);
  return emulator;
}

describe('createEmulator()', () => {
  it('listens on 127.0.0.1 and exposes its URLs and the demo credentials', async () => {
    const emulator = await start();
    expect(emulator.url).toBe(`http://127.0.0.1:${emulator.port}`);
    expect(emulator.apiUrl).toBe(`${emulator.url}/`);
    expect(emulator.apiEndpoint).toBe(`127.0.0.1:${emulator.port}`);
    expect(emulator.sdkUrl).toBe(`${emulator.url}/TCaptcha.js`);
    expect(emulator.sdkUrls.TJCaptcha).toBe(`${emulator.url}/TJCaptcha.js`);
    expect(emulator.legacyApiUrl).toBe(`${emulator.url}/v2/index.php`);
    expect(emulator.controlUrl).toBe(`${emulator.url}/__emulator`);
    expect({ appId: emulator.appId, appSecretKey: emulator.appSecretKey, secretId: emulator.secretId, secretKey: emulator.secretKey }).toEqual(DEMO_CREDENTIALS);
    const index = await rawRequest(emulator.url);
    expect(index.status).toBe(200);
    expect(index.text).toContain('Tencent Captcha emulator');
  });

  it('accepts only the credentials set in options', async () => {
    const creds = { appId: '200000001', appSecretKey: 'MyAppKey', secretId: 'AKIDmine', secretKey: 'my-secret-key' };
    const emulator = await start(creds);
    expect(emulator).toMatchObject(creds);
    const ticket = emulator.issueTicket();
    const body = describeBody({ ...ticket, ...creds });
    const demo = await callApi({ apiUrl: emulator.apiUrl, secretId: DEMO_CREDENTIALS.secretId, secretKey: DEMO_CREDENTIALS.secretKey, body });
    expect(demo.json.Response.Error.Code).toBe('AuthFailure.SecretIdNotFound');
    const demoApp = await callApi({ apiUrl: emulator.apiUrl, ...creds, body: { ...body, CaptchaAppId: Number(DEMO_CREDENTIALS.appId), AppSecretKey: DEMO_CREDENTIALS.appSecretKey } });
    expect(demoApp.json.Response.CaptchaCode).toBe(100);
    const mine = await callApi({ apiUrl: emulator.apiUrl, ...creds, body });
    expect(mine.json.Response.CaptchaCode).toBe(1);
  });

  it.each([
    [{ port: -1 }],
    [{ port: 1.5 }],
    [{ appId: 'abc' }],
    [{ appId: '0123' }],
    [{ secretKey: '' }],
    [{ appSecretKey: 'has space' }],
    [{ apps: [{ appId: DEMO_CREDENTIALS.appId, appSecretKey: 'x' }] }],
    [{ now: 5 as unknown as () => number }],
  ])('throws EmulatorError invalid_options for %j', async (options) => {
    const error = await createEmulator(options).then(
      async (e) => {
        await e.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(EmulatorError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: 'invalid_options' });
  });

  it('close() is idempotent and the port stops answering', async () => {
    const emulator = await createEmulator({ port: 0 });
    await Promise.all([emulator.close(), emulator.close()]);
    await emulator.close();
    await expect(rawRequest(emulator.url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('close() ends a latency fault early, and nothing is answered after it', async () => {
    const emulator = await createEmulator({ port: 0 });
    emulator.faults.set('api', { kind: 'latency', ms: 60_000 }, { times: 1 });
    const ticket = emulator.issueTicket();
    const call = callApi({ ...emulator, body: describeBody({ ...ticket, ...emulator }) }).then(
      () => 'answered',
      (e: NodeJS.ErrnoException) => e.code,
    );
    // The request has taken the fault: it is now in its 60 s delay, which close() must not wait for.
    await vi.waitFor(() => expect(emulator.faults.state().api).toEqual([]), { interval: 5 });
    const started = performance.now();
    await emulator.close();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(await call).toBe('ECONNRESET');
  });

  it('logs one line per request through the logger, without secrets', async () => {
    const lines: string[] = [];
    const emulator = await start({ logger: (line) => lines.push(line) });
    const ticket = emulator.issueTicket();
    await callApi({ ...emulator, body: describeBody({ ...ticket, ...emulator }) });
    await callApi({ ...emulator, secretKey: 'wrong', body: describeBody({ ...ticket, ...emulator }) });
    expect(lines).toEqual(['POST / → CaptchaCode 1', 'POST / → AuthFailure.SignatureFailure']);
    expect(lines.join('\n')).not.toContain(emulator.appSecretKey);
  });
});

describe('the CLI', () => {
  it('parses flags and environment', () => {
    expect(parseCliArgs(['--port', '0', '--app-id', '123', '--quiet'], { HOST: '0.0.0.0' })).toEqual({
      help: false,
      options: { port: 0, host: '0.0.0.0', appId: '123' },
      quiet: true,
    });
    expect(parseCliArgs([], { PORT: '9000' })).toMatchObject({ options: { port: 9000, host: '127.0.0.1' } });
    expect(parseCliArgs(['-h'])).toEqual({ help: true });
    expect(() => parseCliArgs(['--nope'])).toThrow();
  });

  it('starts an emulator and prints its URLs and credentials', async () => {
    const out: string[] = [];
    const emulator = await runCli(['--port', '0', '--quiet'], { out: (l) => out.push(l), err: (l) => out.push(l), env: {} });
    expect(emulator).toBeDefined();
    open.push(emulator!);
    const text = out.join('\n');
    expect(text).toBe(describeEmulator(emulator!));
    for (const value of [emulator!.url, emulator!.apiEndpoint, ...Object.values(DEMO_CREDENTIALS)]) expect(text).toContain(value);
  });

  it('prints the five environment variables @tencent-captcha/core reads, ready to paste', async () => {
    const out: string[] = [];
    const emulator = await runCli(['--port', '0', '--quiet'], { out: (l) => out.push(l), err: (l) => out.push(l), env: {} });
    open.push(emulator!);
    const text = out.join('\n');
    expect(text).toContain(`export TENCENT_CAPTCHA_ENDPOINT=${emulator!.apiUrl}\n`);
    expect(text).toContain(`export TENCENT_CAPTCHA_APP_ID=${emulator!.appId}\n`);
    expect(text).toContain(`export TENCENT_CAPTCHA_APP_SECRET_KEY=${emulator!.appSecretKey}\n`);
    expect(text).toContain(`export TENCENTCLOUD_SECRET_ID=${emulator!.secretId}\n`);
    expect(text).toContain(`export TENCENTCLOUD_SECRET_KEY=${emulator!.secretKey}\n`);
  });

  it('reports bad flags and start failures on stderr', async () => {
    const err: string[] = [];
    const io = { out: () => {}, err: (l: string) => err.push(l), env: {} };
    expect(await runCli(['--bogus'], io)).toBeUndefined();
    expect(await runCli(['--port', '0', '--app-id', 'x'], io)).toBeUndefined();
    expect(err).toHaveLength(2);
    expect(err[1]).toContain('appId');
  });
});
