// The SDK host over plain HTTP: the scripts and the small JSON protocol the emulated scripts speak.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from './emulator.js';
import { callApi, describeBody, rawRequest } from './testing/http-client.js';

let emulator: Emulator;
let strict: Emulator;
beforeAll(async () => {
  [emulator, strict] = await Promise.all([createEmulator({ port: 0 }), createEmulator({ port: 0, requireAidEncrypted: true })]);
});
afterAll(async () => {
  await Promise.all([emulator.close(), strict.close()]);
});

async function sdk(target: Emulator, action: string, body: unknown) {
  const res = await rawRequest(`${target.url}/__emulator/sdk/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'http://page.example.test' },
    body: JSON.stringify(body),
  });
  expect(res.headers['access-control-allow-origin']).toBe('*');
  return JSON.parse(res.text);
}

describe('SDK host', () => {
  it.each([
    ['TCaptcha', 'terror_'],
    ['TJCaptcha', 'trerror_'],
    ['TCaptchaGlobal', 'terror_'],
    ['TJNCaptchaGlobal', 'trerror_'],
  ] as const)('serves %s uncached, with its boot object (prefix %s)', async (name, prefix) => {
    const res = await rawRequest(emulator.sdkUrls[name]);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.text).toContain(`"prefix":"${prefix}"`);
    expect(res.text).toContain(`"origin":"${emulator.url}"`);
  });

  it('a challenge answered at the gap issues a ticket the API accepts; a wrong answer gets a new gap', async () => {
    const shown = await sdk(emulator, 'show', { appid: emulator.appId });
    expect(shown).toEqual({ action: 'challenge', sid: expect.any(String), target: expect.any(Number) });
    const wrong = await sdk(emulator, 'verify', { sid: shown.sid, appid: emulator.appId, value: shown.target > 50 ? 0 : 100 });
    expect(wrong).toEqual({ pass: false, reason: 'wrong', sid: shown.sid, target: expect.any(Number) });
    const right = await sdk(emulator, 'verify', { sid: shown.sid, appid: emulator.appId, value: wrong.target + 3 });
    expect(right).toEqual({ pass: true, sid: shown.sid, ticket: expect.stringMatching(/^tr03/), randstr: expect.stringMatching(/^@/) });
    const api = await callApi({ ...emulator, body: describeBody({ ...right, ...emulator, extra: { NeedGetCaptchaTime: 1 } }) });
    expect(api.json.Response).toMatchObject({ CaptchaCode: 1, GetCaptchaTime: expect.any(Number) });
    // The session is spent: answering again opens a new one.
    expect(await sdk(emulator, 'verify', { sid: shown.sid, appid: emulator.appId, value: wrong.target })).toMatchObject({ pass: false, reason: 'expired', sid: expect.any(String) });
  });

  it('refresh moves the gap; legacy-show opens a challenge whose ticket is a legacy ticket', async () => {
    const shown = await sdk(emulator, 'show', { appid: emulator.appId });
    expect(await sdk(emulator, 'refresh', { sid: shown.sid })).toEqual({ sid: shown.sid, target: expect.any(Number) });
    const legacy = await sdk(emulator, 'legacy-show', {});
    const solved = await sdk(emulator, 'verify', { sid: legacy.sid, value: legacy.target, legacy: true });
    expect(solved).toMatchObject({ pass: true, ticket: expect.stringMatching(/^t02/), randstr: expect.stringMatching(/^@[A-Za-z0-9]{6}$/) });
  });

  it('show answers errorCode 1006 for an unknown app, and without aidEncrypted when it is required', async () => {
    expect(await sdk(emulator, 'show', { appid: '42' })).toEqual({ action: 'error', errorCode: 1006 });
    expect(await sdk(strict, 'show', { appid: strict.appId })).toEqual({ action: 'error', errorCode: 1006 });
    expect(await sdk(strict, 'show', { appid: strict.appId, aidEncrypted: 'AAAA' })).toEqual({ action: 'error', errorCode: 1006 });
  });

  it('show answers challenge-hang with Tencent’s timings (20 s, 90 s), scaled by timeScale, for each show while it holds', async () => {
    emulator.faults.set('sdk', { kind: 'challenge-hang', timeScale: 0.5 }, { times: 2 });
    expect(await sdk(emulator, 'show', { appid: emulator.appId })).toEqual({ action: 'hang', showTimeoutMs: 10_000, frameRetryMs: 45_000 });
    expect(await sdk(emulator, 'show', { appid: emulator.appId })).toEqual({ action: 'hang', showTimeoutMs: 10_000, frameRetryMs: 45_000 });
    expect(await sdk(emulator, 'show', { appid: emulator.appId })).toMatchObject({ action: 'challenge' });
  });

  it('construct answers the constructor-throw fault once', async () => {
    emulator.faults.set('sdk', { kind: 'constructor-throw' }, { times: 1 });
    expect(await sdk(emulator, 'construct', { appid: emulator.appId })).toEqual({ action: 'throw', message: expect.stringContaining('constructor') });
    expect(await sdk(emulator, 'construct', { appid: emulator.appId })).toEqual({ action: 'none' });
  });

  it('answers 405 for other methods', async () => {
    expect((await rawRequest(`${emulator.url}/__emulator/sdk/show`)).status).toBe(405);
    expect((await rawRequest(emulator.sdkUrl, { method: 'POST' })).status).toBe(405);
  });
});
