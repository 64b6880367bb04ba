// The legacy `003` API over HTTP: v2 signatures, CaptchaIframeQuery's single-use script URL, and
// CaptchaCheck (20 minutes, accepted twice).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../emulator.js';
import { callLegacy, rawRequest } from '../testing/http-client.js';

let emulator: Emulator;
const clock = { t: Date.now() };
beforeAll(async () => {
  emulator = await createEmulator({ port: 0, now: () => clock.t });
});
afterAll(async () => {
  await emulator.close();
});

const V2_BASE = { Action: 'DescribeInstances', Nonce: '1290303896666895346', Region: 'ap-guangzhou', SecretId: 'secretIdFoo', Timestamp: 1512393162, Version: '2017-03-12' };
const IFRAME_QUERY = { Action: 'CaptchaIframeQuery', captchaType: 9, disturbLevel: 1, isHttps: 0, clientType: 2, accountType: 0 };
const check = (ticket: string) => ({ Action: 'CaptchaCheck', ticket, captchaType: 9, disturbLevel: 1, userIp: '203.0.113.9' });
const legacy = (params: Record<string, string | number>, extra: Partial<Parameters<typeof callLegacy>[0]> = {}) =>
  callLegacy({ legacyApiUrl: emulator.legacyApiUrl, secretId: emulator.secretId, secretKey: emulator.secretKey, params, ...extra });

describe('legacy v2 API', () => {
  it('CaptchaIframeQuery answers a single-use script URL on the emulator', async () => {
    const res = await legacy(IFRAME_QUERY);
    expect(res.json).toEqual({ code: 0, codeDesc: 'Success', message: 'No Error', url: expect.stringMatching(new RegExp(`^${emulator.url}/legacy/TCapIframeApi\\.js\\?appid=${emulator.appId}&clientype=2&lang=2052&asig=`)) });
    const first = await rawRequest(res.json.url);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toMatch(/^application\/javascript/);
    expect(first.text).toContain('capInit');
    const second = await rawRequest(res.json.url);
    expect(second.status).toBe(403);
  });

  it('CaptchaCheck accepts a legacy ticket twice, then answers 5100; is_right is 0 either way (only code decides)', async () => {
    const { ticket, randstr } = emulator.issueLegacyTicket();
    expect(randstr).toMatch(/^@[A-Za-z0-9]{6}$/);
    expect((await legacy(check(ticket))).json).toEqual({ code: 0, codeDesc: 'Success', message: 'No Error', is_right: 0 });
    expect((await legacy(check(ticket), { method: 'POST' })).json.code).toBe(0);
    expect((await legacy(check(ticket))).json).toEqual({ code: 5100, codeDesc: 'CaptchaCheckFailed', message: expect.stringContaining('twice'), is_right: 0 });
  });

  it('CaptchaCheck answers 5100 after 20 minutes and for unknown tickets', async () => {
    const { ticket } = emulator.issueLegacyTicket();
    clock.t += 20 * 60_000 + 1;
    try {
      expect((await legacy(check(ticket))).json).toMatchObject({ code: 5100, message: expect.stringContaining('expired') });
    } finally {
      clock.t -= 20 * 60_000 + 1;
    }
    expect((await legacy(check('t02nonsense'))).json.code).toBe(5100);
    // A modern ticket is not a legacy ticket.
    expect((await legacy(check(emulator.issueTicket().ticket))).json.code).toBe(5100);
  });

  it('accepts HmacSHA256 and a host signed without the port or as csec.api.qcloud.com', async () => {
    const { ticket } = emulator.issueLegacyTicket();
    expect((await legacy(check(ticket), { signatureMethod: 'HmacSHA256', signedHost: '127.0.0.1' })).json.code).toBe(0);
    expect((await legacy(check(ticket), { signedHost: 'csec.api.qcloud.com' })).json.code).toBe(0);
  });

  it('honours SignatureMethod: a signature made with the other algorithm is 4100', async () => {
    expect((await legacy(IFRAME_QUERY, { signatureMethod: 'HmacSHA256', signWith: 'HmacSHA256', method: 'POST' })).json.code).toBe(0);
    expect((await legacy(IFRAME_QUERY, { signatureMethod: 'HmacSHA256', signWith: 'HmacSHA1' })).json).toMatchObject({ code: 4100 });
    expect((await legacy(IFRAME_QUERY, { signWith: 'HmacSHA256' })).json).toMatchObject({ code: 4100 });
    expect((await legacy(IFRAME_QUERY, { signatureMethod: 'HmacMD5' as never })).json).toMatchObject({ code: 4000 });
  });

  it('requires Region (4000), like every common parameter', async () => {
    expect((await legacy(IFRAME_QUERY, { omit: ['Region'] })).json).toMatchObject({ code: 4000, message: expect.stringContaining('Region') });
    expect((await legacy(IFRAME_QUERY, { omit: ['Nonce'] })).json).toMatchObject({ code: 4000, message: expect.stringContaining('Nonce') });
  });

  it('refuses a reused Nonce within the timestamp window, even re-signed with another Timestamp', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await legacy(IFRAME_QUERY, { nonce: 777_001, timestamp: now })).json.code).toBe(0);
    expect((await legacy(IFRAME_QUERY, { nonce: 777_001, timestamp: now - 60 })).json).toMatchObject({ code: 4500 });
    expect((await legacy(IFRAME_QUERY, { nonce: 777_002, timestamp: now - 60 })).json.code).toBe(0);
  });

  it('answers 4100 for a bad signature, 4104 for an unknown SecretId, 4500 for a stale timestamp or a replayed nonce', async () => {
    expect((await legacy(IFRAME_QUERY, { secretKey: 'wrong' })).json).toMatchObject({ code: 4100 });
    expect((await legacy(IFRAME_QUERY, { secretId: 'AKIDother' })).json).toMatchObject({ code: 4104 });
    expect((await legacy(IFRAME_QUERY, { timestamp: Math.floor(Date.now() / 1000) - 400 })).json).toMatchObject({ code: 4500 });
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await legacy(IFRAME_QUERY, { nonce: 4242, timestamp })).json.code).toBe(0);
    expect((await legacy(IFRAME_QUERY, { nonce: 4242, timestamp })).json).toMatchObject({ code: 4500 });
  });

  it('answers 4000 for missing parameters and unknown actions', async () => {
    expect((await legacy({ Action: 'CaptchaCheck', captchaType: 9 })).json).toMatchObject({ code: 4000, message: expect.stringContaining('ticket') });
    expect((await legacy({ ...IFRAME_QUERY, clientType: '' })).json).toMatchObject({ code: 4000 });
    expect((await legacy({ Action: 'DescribeInstances' })).json).toMatchObject({ code: 4000 });
    const unsigned = await rawRequest(`${emulator.legacyApiUrl}?Action=CaptchaCheck`);
    expect(JSON.parse(unsigned.text)).toMatchObject({ code: 4000 });
  });

  describe('API faults (the same switches as POST /), in the legacy shape', () => {
    afterEach(() => emulator.faults.clear());

    it('InternalError → 6000, RequestLimitExceeded → 4400, CaptchaCode 26 → 6200, AuthFailure → 4100; the ticket is not consumed', async () => {
      const { ticket } = emulator.issueLegacyTicket();
      emulator.faults.sequence('api', [
        { kind: 'internal-error' },
        { kind: 'request-limit-exceeded' },
        { kind: 'captcha-code', code: 26 },
        { kind: 'api-error', code: 'AuthFailure.SignatureFailure' },
      ]);
      expect((await legacy(check(ticket))).json).toMatchObject({ code: 6000 });
      expect((await legacy(check(ticket))).json).toMatchObject({ code: 4400 });
      expect((await legacy(check(ticket))).json).toMatchObject({ code: 6200 });
      expect((await legacy(check(ticket))).json).toMatchObject({ code: 4100 });
      expect((await legacy(check(ticket))).json.code).toBe(0);
      expect((await legacy(check(ticket))).json.code).toBe(0);
    });

    it('5xx, malformed JSON and a connection reset', async () => {
      emulator.faults.sequence('api', [{ kind: 'http-error', status: 503 }, { kind: 'malformed-json' }, { kind: 'connection-reset' }]);
      const gateway = await legacy(IFRAME_QUERY);
      expect(gateway.status).toBe(503);
      const malformed = await legacy(IFRAME_QUERY);
      expect(malformed.status).toBe(200);
      expect(malformed.json).toBeUndefined();
      await expect(legacy(IFRAME_QUERY)).rejects.toMatchObject({ code: 'ECONNRESET' });
      expect((await legacy(IFRAME_QUERY)).json.code).toBe(0);
    });

    it('hang: accepts the request and never answers', async () => {
      emulator.faults.set('api', { kind: 'hang' }, { times: 1 });
      const controller = new AbortController();
      const pending = legacy(check('t02whatever'), { signal: controller.signal });
      const settled = await Promise.race([pending.then(() => 'answered', () => 'failed'), new Promise((r) => setTimeout(r, 200, 'pending'))]);
      expect(settled).toBe('pending');
      controller.abort();
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    });
  });

  it.each([
    // protocol.md §4.8: Tencent's published requests and signatures, checked by the emulator as the server.
    ['L1', 'GET', 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA', 'Gu5t9xGARNpq86cd98joQYCN3Cozk1qA', 1465185768,
      { Action: 'DescribeInstances', Nonce: 11886, Region: 'gz', SecretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA', Timestamp: 1465185768, 'instanceIds.0': 'ins-09dx96dg', limit: 20, offset: 0 },
      'NSI3UqqD99b/UJb4tbG/xZpRW64='],
    ['L2', 'POST', 'secretIdFoo', 'secretKeyBar', 1512393162, { ...V2_BASE, SignatureMethod: 'HmacSHA1' }, 'p3n+pxBqF5JGZtDSxoVn5tGngf0='],
    ['L3', 'GET', 'secretIdFoo', 'secretKeyBar', 1512393162, { ...V2_BASE, SignatureMethod: 'HmacSHA1' }, '5HAq1BOKNLEE2/uauWnp6Zv9Z3c='],
    ['L4', 'POST', 'secretIdFoo', 'secretKeyBar', 1512393162, { ...V2_BASE, SignatureMethod: 'HmacSHA256' }, 'B2T37FRSP6Fk0/q/cdfrTE0p3zX5ooB/2BPWZUFpsj4='],
  ] as const)('checks signing vector %s as the server: the published signature passes, one changed character is 4100', async (_name, method, secretId, secretKey, timestamp, params, signature) => {
    const server = await createEmulator({ port: 0, secretId, secretKey, signatureNow: () => timestamp * 1000 });
    try {
      const send = (sig: string) => {
        const query = new URLSearchParams(Object.entries({ ...params, Signature: sig }).map(([k, v]) => [k, String(v)])).toString();
        // The vectors sign host cvm.api.qcloud.com: the emulator checks the Host the request names.
        const headers = { host: 'cvm.api.qcloud.com' };
        return method === 'GET'
          ? rawRequest(`${server.legacyApiUrl}?${query}`, { headers })
          : rawRequest(server.legacyApiUrl, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: query });
      };
      const tampered = JSON.parse((await send(signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')))).text);
      expect(tampered).toMatchObject({ code: 4100 });
      // Past the signature (and the nonce), the emulator only knows the captcha actions.
      const passed = JSON.parse((await send(signature)).text);
      expect(passed).toMatchObject({ code: 4000, message: expect.stringContaining('Unknown Action DescribeInstances') });
    } finally {
      await server.close();
    }
  });

  it('a script URL that was never issued is refused', async () => {
    expect((await rawRequest(`${emulator.url}/legacy/TCapIframeApi.js?asig=made-up`)).status).toBe(403);
  });

  it('the SDK script faults apply to the legacy script too, and a 404 leaves the URL usable', async () => {
    emulator.faults.set('sdk', { kind: 'script-404' }, { times: 1 });
    try {
      const { json } = await legacy(IFRAME_QUERY);
      expect((await rawRequest(json.url)).status).toBe(404);
      expect((await rawRequest(json.url)).status).toBe(200);
      expect((await rawRequest(json.url)).status).toBe(403);
    } finally {
      emulator.faults.clear();
    }
  });
});
