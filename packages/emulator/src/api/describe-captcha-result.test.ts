import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../emulator.js';
import { callApi, describeBody, rawRequest, type CallApiInput } from '../testing/http-client.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const OTHER_APP = { appId: '190000001', appSecretKey: 'OtherAppSecretKey' };

let emulator: Emulator;
const clock = { t: Date.now() };

beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1', now: () => clock.t, apps: [OTHER_APP] });
});
afterAll(async () => {
  await emulator.close();
});

function call(body: unknown, overrides: Partial<CallApiInput> = {}) {
  return callApi({ apiUrl: emulator.apiUrl, secretId: emulator.secretId, secretKey: emulator.secretKey, body, ...overrides });
}

function bodyFor(ticket: { ticket: string; randstr: string }, extra: Record<string, unknown> = {}) {
  return describeBody({ ...ticket, appId: emulator.appId, appSecretKey: emulator.appSecretKey, extra });
}

describe('DescribeCaptchaResult: signature and headers', () => {
  it('answers CaptchaCode 1 for a fresh ticket, with a RequestId and the real response fields', async () => {
    const ticket = emulator.issueTicket();
    const res = await call(bodyFor(ticket, { NeedGetCaptchaTime: 1 }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json).toEqual({
      Response: {
        CaptchaCode: 1,
        CaptchaMsg: 'OK',
        EvilLevel: 0,
        GetCaptchaTime: Math.floor(ticket.issuedAt / 1000),
        EvilBitmap: 0,
        SubmitCaptchaTime: Math.floor(ticket.issuedAt / 1000),
        RequestId: expect.stringMatching(UUID),
      },
    });
  });

  it('accepts the signed host with or without the port', async () => {
    const res = await call(bodyFor(emulator.issueTicket()), { signedHost: '127.0.0.1' });
    expect(res.json.Response.CaptchaCode).toBe(1);
  });

  it('answers AuthFailure.SignatureFailure for a wrong SecretKey', async () => {
    const res = await call(bodyFor(emulator.issueTicket()), { secretKey: 'wrong-secret-key' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: expect.any(String) }, RequestId: expect.stringMatching(UUID) },
    });
  });

  it('answers AuthFailure.SignatureFailure when the body was changed after signing', async () => {
    const body = bodyFor(emulator.issueTicket());
    const url = new URL(emulator.apiUrl);
    const signed = await callApi({ apiUrl: emulator.apiUrl, secretId: emulator.secretId, secretKey: emulator.secretKey, body, signedHost: url.host });
    expect(signed.json.Response.CaptchaCode).toBe(1);
    // Re-sign a body, then send a different one under the same headers.
    const { signTc3 } = await import('@tencent-captcha/protocol');
    const ts = Math.floor(Date.now() / 1000);
    const sig = await signTc3({ secretId: emulator.secretId, secretKey: emulator.secretKey, service: 'captcha', host: url.host, timestamp: ts, payload: '{}' });
    const res = await rawRequest(emulator.apiUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: sig.authorization,
        'x-tc-timestamp': String(ts),
        'x-tc-action': 'DescribeCaptchaResult',
        'x-tc-version': '2019-07-22',
      },
      body: JSON.stringify(bodyFor(emulator.issueTicket())),
    });
    expect(JSON.parse(res.text).Response.Error.Code).toBe('AuthFailure.SignatureFailure');
  });

  it('answers AuthFailure.SignatureExpire for a timestamp more than 5 minutes off, either way', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const timestamp of [now - 301, now + 301]) {
      const res = await call(bodyFor(emulator.issueTicket()), { timestamp });
      expect(res.json.Response.Error.Code).toBe('AuthFailure.SignatureExpire');
      expect(res.json.Response.RequestId).toMatch(UUID);
    }
    const ok = await call(bodyFor(emulator.issueTicket()), { timestamp: now - 250 });
    expect(ok.json.Response.CaptchaCode).toBe(1);
  });

  it('answers AuthFailure.SecretIdNotFound for an unknown SecretId', async () => {
    const res = await call(bodyFor(emulator.issueTicket()), { secretId: 'AKIDunknown' });
    expect(res.json.Response.Error.Code).toBe('AuthFailure.SecretIdNotFound');
  });

  it('answers AuthFailure.InvalidAuthorization without an Authorization header', async () => {
    const res = await rawRequest(emulator.apiUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({
      Response: { Error: { Code: 'AuthFailure.InvalidAuthorization', Message: expect.any(String) }, RequestId: expect.stringMatching(UUID) },
    });
  });

  it('answers AuthFailure.InvalidAuthorization for a credential scope of another service', async () => {
    const res = await call(bodyFor(emulator.issueTicket()), { service: 'cvm' });
    expect(res.json.Response.Error.Code).toBe('AuthFailure.InvalidAuthorization');
  });

  it('checks X-TC-Action and X-TC-Version', async () => {
    const t = () => bodyFor(emulator.issueTicket());
    expect((await call(t(), { action: null })).json.Response.Error.Code).toBe('MissingParameter');
    expect((await call(t(), { action: 'DescribeInstances' })).json.Response.Error.Code).toBe('InvalidAction');
    expect((await call(t(), { version: null })).json.Response.Error.Code).toBe('MissingParameter');
    expect((await call(t(), { version: '2017-03-12' })).json.Response.Error.Code).toBe('NoSuchVersion');
  });
});

describe('DescribeCaptchaResult: parameters', () => {
  it.each(['CaptchaType', 'Ticket', 'UserIp', 'Randstr', 'CaptchaAppId', 'AppSecretKey'])('answers MissingParameter without %s', async (name) => {
    const body: Record<string, unknown> = bodyFor(emulator.issueTicket());
    delete body[name];
    const res = await call(body);
    expect(res.json.Response.Error).toEqual({ Code: 'MissingParameter', Message: expect.stringContaining(`\`${name}\``) });
  });

  it.each([
    ['CaptchaAppId', '189990000'],
    ['CaptchaType', '9'],
    ['Ticket', 42],
    ['NeedGetCaptchaTime', true],
  ])('answers InvalidParameter when %s has the wrong type', async (name, value) => {
    const res = await call({ ...bodyFor(emulator.issueTicket()), [name]: value });
    expect(res.json.Response.Error.Code).toBe('InvalidParameter');
  });

  it('answers UnknownParameter for a parameter the API does not have', async () => {
    const res = await call({ ...bodyFor(emulator.issueTicket()), Foo: 1 });
    expect(res.json.Response.Error).toEqual({ Code: 'UnknownParameter', Message: expect.stringContaining('`Foo`') });
  });

  it('answers InvalidParameter for a body that is not JSON, and for a non-JSON content type', async () => {
    expect((await call(undefined, { rawBody: '{"CaptchaType":9,' })).json.Response.Error.Code).toBe('InvalidParameter');
    expect((await call(undefined, { rawBody: 'a=b', contentType: 'application/x-www-form-urlencoded' })).json.Response.Error.Code).toBe(
      'InvalidParameter',
    );
  });

  it('never echoes the AppSecretKey in an error message', async () => {
    const secret = 'SuperSecretValue-123';
    const res = await call({ ...bodyFor(emulator.issueTicket()), AppSecretKey: secret, Foo: secret });
    expect(res.text).not.toContain(secret);
    const typed = await call({ ...bodyFor(emulator.issueTicket()), AppSecretKey: 12345678 });
    expect(typed.json.Response.Error.Code).toBe('InvalidParameter');
    expect(typed.text).not.toContain('12345678');
  });
});

describe('DescribeCaptchaResult: CaptchaCode (protocol.md §5)', () => {
  it('answers 100 for an unknown CaptchaAppId or a wrong AppSecretKey', async () => {
    const t = emulator.issueTicket();
    expect((await call({ ...bodyFor(t), AppSecretKey: 'wrong' })).json.Response).toMatchObject({
      CaptchaCode: 100,
      CaptchaMsg: 'appid-secretkey-ticket mismatch',
    });
    expect((await call({ ...bodyFor(t), CaptchaAppId: 123 })).json.Response.CaptchaCode).toBe(100);
    // Neither consumed the ticket.
    expect((await call(bodyFor(t))).json.Response.CaptchaCode).toBe(1);
  });

  it('answers 16 for a ticket issued for another app', async () => {
    const t = emulator.issueTicket({ appId: OTHER_APP.appId });
    expect(t.appid).toBe(OTHER_APP.appId);
    expect((await call(bodyFor(t))).json.Response).toMatchObject({ CaptchaCode: 16, CaptchaMsg: 'appid-ticket mismatch' });
    const own = describeBody({ ...t, ...OTHER_APP });
    expect((await call(own)).json.Response.CaptchaCode).toBe(1);
  });

  it('answers 7 for a randstr that does not match', async () => {
    const t = emulator.issueTicket();
    expect((await call(bodyFor({ ...t, randstr: '@wrong0' }))).json.Response).toMatchObject({ CaptchaCode: 7, CaptchaMsg: 'captcha no match' });
  });

  it('answers 8 for a ticket older than 5 minutes (injected clock)', async () => {
    const t = emulator.issueTicket();
    clock.t += 300_001;
    try {
      expect((await call(bodyFor(t))).json.Response).toMatchObject({ CaptchaCode: 8, CaptchaMsg: 'ticket expired' });
    } finally {
      clock.t -= 300_001;
    }
  });

  it('answers 9 for the second use of a ticket', async () => {
    const t = emulator.issueTicket();
    expect((await call(bodyFor(t))).json.Response.CaptchaCode).toBe(1);
    expect((await call(bodyFor(t))).json.Response).toMatchObject({ CaptchaCode: 9, CaptchaMsg: 'ticket reused' });
  });

  it('answers 15 for garbage, for CaptchaType other than 9 and for an invalid UserIp', async () => {
    expect((await call(bodyFor({ ticket: 'garbage', randstr: '@abc' }))).json.Response).toMatchObject({ CaptchaCode: 15, CaptchaMsg: 'decrypt fail' });
    expect((await call({ ...bodyFor(emulator.issueTicket()), CaptchaType: 2 })).json.Response.CaptchaCode).toBe(15);
    expect((await call({ ...bodyFor(emulator.issueTicket()), UserIp: 'not-an-ip' })).json.Response.CaptchaCode).toBe(15);
  });

  it('answers 21 for a standard disaster ticket and 16 for one without a readable app id', async () => {
    const sec = Math.floor(Date.now() / 1000);
    expect((await call(bodyFor({ ticket: `trerror_1001_${emulator.appId}_${sec}`, randstr: '@abcdefghijk' }))).json.Response).toMatchObject({
      CaptchaCode: 21,
      CaptchaMsg: 'diff',
    });
    expect((await call(bodyFor({ ticket: `terror_1001_${emulator.appId}${sec}`, randstr: '@abc' }))).json.Response.CaptchaCode).toBe(16);
  });

  it('reports EvilLevel and Score a ticket was issued with', async () => {
    const t = emulator.issueTicket({ evilLevel: 100, score: 90 });
    expect((await call(bodyFor(t))).json.Response).toMatchObject({ CaptchaCode: 1, EvilLevel: 100, Score: 90 });
  });
});

describe('issueTicket()', () => {
  it('refuses an app id that is not digits', () => {
    expect(() => emulator.issueTicket({ appId: 'abc' })).toThrow(expect.objectContaining({ code: 'invalid_ticket_request' }));
    expect(() => emulator.issueTicket({ evilLevel: 101 })).toThrow(expect.objectContaining({ code: 'invalid_ticket_request' }));
  });
});
