// The JSON control endpoint, observed over HTTP: fault state, CORS for any origin, 400s for bad input.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from './emulator.js';
import { callApi, describeBody, rawRequest } from './testing/http-client.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await createEmulator({ port: 0 });
});
afterEach(() => emulator.faults.clear());
afterAll(async () => {
  await emulator.close();
});

const ORIGIN = 'http://pages.example.test:8000';

async function control(method: string, path: string, body?: unknown, raw?: string) {
  const res = await rawRequest(`${emulator.url}${path}`, {
    method,
    headers: { origin: ORIGIN, 'content-type': 'application/json' },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  return { ...res, json: res.text ? JSON.parse(res.text) : undefined };
}

function verify(ticket = emulator.issueTicket()) {
  return callApi({
    apiUrl: emulator.apiUrl,
    secretId: emulator.secretId,
    secretKey: emulator.secretKey,
    body: describeBody({ ...ticket, appId: emulator.appId, appSecretKey: emulator.appSecretKey }),
  });
}

describe('/__emulator/faults', () => {
  it('DELETE ends the script requests an SDK hang fault still holds, with a 503 (a browser allows six connections per host)', async () => {
    emulator.faults.set('sdk', { kind: 'script-hang' });
    let settled = false;
    const held = rawRequest(emulator.sdkUrl, { method: 'GET' }).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(settled, 'the script request hangs').toBe(false);
    expect((await control('DELETE', '/__emulator/faults?target=api')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(settled, 'clearing API faults leaves it').toBe(false);
    expect((await control('DELETE', '/__emulator/faults')).status).toBe(200);
    expect((await held).status).toBe(503);
  });


  it('GET shows empty queues at first', async () => {
    const res = await control('GET', '/__emulator/faults');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ api: [], sdk: [] });
  });

  it('POST sets a fault the API then applies, and answers the new state', async () => {
    const res = await control('POST', '/__emulator/faults', { target: 'api', fault: { kind: 'internal-error' }, times: 1 });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ api: [{ fault: { kind: 'internal-error' }, remaining: 1 }], sdk: [] });
    expect((await verify()).json.Response.Error.Code).toBe('InternalError');
    expect((await control('GET', '/__emulator/faults')).json).toEqual({ api: [], sdk: [] });
    expect((await verify()).json.Response.CaptchaCode).toBe(1);
  });

  it('POST takes a sequence', async () => {
    const res = await control('POST', '/__emulator/faults', {
      target: 'api',
      sequence: [{ kind: 'captcha-code', code: 26 }, { fault: { kind: 'pass' } }, { kind: 'request-limit-exceeded' }],
    });
    expect(res.json.api).toHaveLength(3);
    expect((await verify()).json.Response.CaptchaCode).toBe(26);
    expect((await verify()).json.Response.CaptchaCode).toBe(1);
    expect((await verify()).json.Response.Error.Code).toBe('RequestLimitExceeded');
  });

  it('DELETE clears one target or both', async () => {
    emulator.faults.set('api', { kind: 'hang' });
    emulator.faults.set('sdk', { kind: 'script-404' });
    expect((await control('DELETE', '/__emulator/faults?target=sdk')).json).toEqual({ api: [{ fault: { kind: 'hang' }, remaining: null }], sdk: [] });
    expect((await control('DELETE', '/__emulator/faults')).json).toEqual({ api: [], sdk: [] });
    expect((await verify()).json.Response.CaptchaCode).toBe(1);
  });

  it.each([
    ['invalid JSON', 'POST', '{"target":', 'invalid_json'],
    ['an unknown kind', 'POST', JSON.stringify({ target: 'api', fault: { kind: 'explode' } }), 'invalid_fault'],
    ['an unknown target', 'POST', JSON.stringify({ target: 'db', fault: { kind: 'hang' } }), 'invalid_fault'],
    ['an SDK fault on the API', 'POST', JSON.stringify({ target: 'api', fault: { kind: 'script-404' } }), 'invalid_fault'],
    ['a bad count', 'POST', JSON.stringify({ target: 'api', fault: { kind: 'hang' }, times: -1 }), 'invalid_fault'],
    ['an empty body', 'POST', '', 'invalid_fault'],
  ])('answers 400 { code, message } for %s', async (_name, method, raw, code) => {
    const res = await control(method, '/__emulator/faults', undefined, raw);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ code, message: expect.any(String) });
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect((await control('GET', '/__emulator/faults')).json).toEqual({ api: [], sdk: [] });
  });

  it('answers 400 for DELETE with an unknown target, 405 for other methods, 404 for unknown paths', async () => {
    expect((await control('DELETE', '/__emulator/faults?target=db')).status).toBe(400);
    const put = await control('PUT', '/__emulator/faults', {});
    expect(put.status).toBe(405);
    expect(put.json.code).toBe('method_not_allowed');
    const missing = await control('GET', '/__emulator/nope');
    expect(missing.status).toBe(404);
    expect(missing.json.code).toBe('not_found');
  });

  it('answers a CORS preflight from any origin', async () => {
    const res = await rawRequest(`${emulator.url}/__emulator/faults`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(res.headers['access-control-allow-methods']).toContain('DELETE');
    expect(res.headers['access-control-allow-headers']).toBe('content-type');
    expect((await control('GET', '/__emulator/faults')).headers['access-control-allow-origin']).toBe('*');
  });
});

describe('/__emulator/tickets and /__emulator', () => {
  it('POST /__emulator/tickets issues a ticket that verifies once', async () => {
    const res = await control('POST', '/__emulator/tickets', {});
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ ticket: expect.stringMatching(/^tr03/), randstr: expect.stringMatching(/^@/), appid: emulator.appId, issuedAt: expect.any(Number) });
    expect((await verify(res.json)).json.Response.CaptchaCode).toBe(1);
    expect((await verify(res.json)).json.Response.CaptchaCode).toBe(9);
  });

  it('POST /__emulator/tickets refuses bad input with 400', async () => {
    const res = await control('POST', '/__emulator/tickets', { appId: 12 });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('invalid_ticket_request');
  });

  it('GET /__emulator describes the emulator without secrets', async () => {
    const res = await control('GET', '/__emulator');
    expect(res.json).toMatchObject({ url: emulator.url, apiUrl: emulator.apiUrl, sdkUrl: emulator.sdkUrl, appId: emulator.appId });
    expect(res.json.faultKinds.api).toContain('connection-reset');
    expect(res.json.faultKinds.sdk).toContain('script-404');
    expect(res.text).not.toContain(emulator.secretKey);
    expect(res.text).not.toContain(emulator.appSecretKey);
    expect(res.text).not.toContain(emulator.secretId);
  });
});
