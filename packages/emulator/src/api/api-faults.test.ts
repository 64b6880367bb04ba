// Every API fault switch, observed from outside by an HTTP client. Delays are small and bounded.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEmulator, type Emulator } from '../emulator.js';
import { callApi, describeBody, type CallApiInput } from '../testing/http-client.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await createEmulator({ port: 0 });
});
afterEach(() => emulator.faults.clear());
afterAll(async () => {
  await emulator.close();
});

function verify(ticket = emulator.issueTicket(), overrides: Partial<CallApiInput> = {}, target: Emulator = emulator) {
  return callApi({
    apiUrl: target.apiUrl,
    secretId: target.secretId,
    secretKey: target.secretKey,
    body: describeBody({ ...ticket, appId: target.appId, appSecretKey: target.appSecretKey }),
    ...overrides,
  });
}

describe('API faults', () => {
  it('latency: answers normally, after the delay', async () => {
    emulator.faults.set('api', { kind: 'latency', ms: 150 }, { times: 1 });
    const started = performance.now();
    const res = await verify();
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(res.json.Response.CaptchaCode).toBe(1);
    const fast = performance.now();
    await verify();
    expect(performance.now() - fast).toBeLessThan(140);
  });

  it('hang: accepts the request and never answers', async () => {
    emulator.faults.set('api', { kind: 'hang' }, { times: 1 });
    const call = verify(undefined, { signal: AbortSignal.timeout(150) });
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    expect(emulator.faults.state().api).toEqual([]);
  });

  it('hang: close() ends the hung connection and resolves', async () => {
    const other = await createEmulator({ port: 0 });
    other.faults.set('api', { kind: 'hang' }, { times: 1 });
    const call = verify(other.issueTicket(), {}, other);
    const settled = call.then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    );
    // Close once the request has reached the server and taken the fault.
    await vi.waitFor(() => expect(other.faults.state().api).toEqual([]), { interval: 5 });
    await other.close();
    expect(await settled).toBe('ECONNRESET');
  });

  it('http-error: answers the 5xx status with an HTML body (default 502)', async () => {
    emulator.faults.sequence('api', [{ kind: 'http-error', status: 503 }, { kind: 'http-error' }]);
    const first = await verify();
    expect(first.status).toBe(503);
    expect(first.headers['content-type']).toMatch(/^text\/html/);
    expect(first.json).toBeUndefined();
    expect((await verify()).status).toBe(502);
    expect((await verify()).status).toBe(200);
  });

  it('internal-error: the InternalError envelope, and the ticket is not consumed', async () => {
    emulator.faults.set('api', { kind: 'internal-error' }, { times: 1 });
    const ticket = emulator.issueTicket();
    const res = await verify(ticket);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      Response: {
        Error: { Code: 'InternalError', Message: 'An internal error has occurred. Retry your request, but if the problem persists, contact us.' },
        RequestId: expect.any(String),
      },
    });
    expect((await verify(ticket)).json.Response.CaptchaCode).toBe(1);
  });

  it('request-limit-exceeded: the RequestLimitExceeded envelope', async () => {
    emulator.faults.set('api', { kind: 'request-limit-exceeded' }, { times: 1 });
    expect((await verify()).json.Response.Error.Code).toBe('RequestLimitExceeded');
  });

  it('api-error: any error code, e.g. UnauthorizedOperation.Unauthorized', async () => {
    emulator.faults.set('api', { kind: 'api-error', code: 'UnauthorizedOperation.Unauthorized', message: 'arrears' }, { times: 1 });
    expect((await verify()).json.Response.Error).toEqual({ Code: 'UnauthorizedOperation.Unauthorized', Message: 'arrears' });
  });

  it('captcha-code: CaptchaCode 26 "system busy" by default, without consuming the ticket', async () => {
    emulator.faults.set('api', { kind: 'captcha-code' }, { times: 1 });
    const ticket = emulator.issueTicket();
    expect((await verify(ticket)).json.Response).toMatchObject({ CaptchaCode: 26, CaptchaMsg: 'system busy', RequestId: expect.any(String) });
    expect((await verify(ticket)).json.Response.CaptchaCode).toBe(1);
  });

  it('malformed-json: HTTP 200, a JSON content type and a body that does not parse', async () => {
    emulator.faults.set('api', { kind: 'malformed-json' }, { times: 1 });
    const res = await verify();
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.text.startsWith('{"Response"')).toBe(true);
    expect(() => JSON.parse(res.text)).toThrow(SyntaxError);
  });

  it('connection-reset: the client sees ECONNRESET', async () => {
    emulator.faults.set('api', { kind: 'connection-reset' }, { times: 1 });
    await expect(verify()).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect((await verify()).json.Response.CaptchaCode).toBe(1);
  });

  it('delayMs: a fault can come late', async () => {
    emulator.faults.set('api', { kind: 'internal-error', delayMs: 120 }, { times: 1 });
    const started = performance.now();
    expect((await verify()).json.Response.Error.Code).toBe('InternalError');
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('sequence: InternalError, then pass, then normal', async () => {
    emulator.faults.sequence('api', [{ kind: 'internal-error' }, { kind: 'pass' }]);
    const ticket = emulator.issueTicket();
    expect((await verify(ticket)).json.Response.Error.Code).toBe('InternalError');
    expect((await verify(ticket)).json.Response.CaptchaCode).toBe(1);
    expect(emulator.faults.state().api).toEqual([]);
    expect((await verify(ticket)).json.Response.CaptchaCode).toBe(9);
  });

  it('times: the next N calls, then normal', async () => {
    emulator.faults.set('api', { kind: 'request-limit-exceeded' }, { times: 2 });
    expect((await verify()).json.Response.Error.Code).toBe('RequestLimitExceeded');
    expect((await verify()).json.Response.Error.Code).toBe('RequestLimitExceeded');
    expect((await verify()).json.Response.CaptchaCode).toBe(1);
  });

  it('until cleared: every call, until clear()', async () => {
    emulator.faults.set('api', { kind: 'captcha-code', code: 26 });
    for (let i = 0; i < 3; i++) expect((await verify()).json.Response.CaptchaCode).toBe(26);
    emulator.faults.clear('api');
    expect((await verify()).json.Response.CaptchaCode).toBe(1);
  });

  it('faults come before authentication: even a badly signed request gets the fault', async () => {
    emulator.faults.set('api', { kind: 'internal-error' }, { times: 1 });
    expect((await verify(undefined, { secretKey: 'wrong' })).json.Response.Error.Code).toBe('InternalError');
    expect((await verify(undefined, { secretKey: 'wrong' })).json.Response.Error.Code).toBe('AuthFailure.SignatureFailure');
  });
});
