/**
 * Issue 18, point 6, against the Fetch helper and the emulator: a catch-all handler must not give a
 * client one budget per method or path spelling, and the address forms proxies append (`ip:port`,
 * `[v6]`, `[v6]:port`, a zone id) must reach the verifier as addresses, not as `user_ip_invalid`.
 */
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaptchaVerifier } from '../engine/verifier.js';
import type { CaptchaVerifier } from '../types/verifier.js';
import { forwardedClientIp, verifyFetchRequest } from './fetch.js';

let emulator: Emulator;
let verifier: CaptchaVerifier;
beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
  verifier = createCaptchaVerifier({
    captchaAppId: emulator.appId,
    appSecretKey: emulator.appSecretKey,
    secretId: emulator.secretId,
    secretKey: emulator.secretKey,
    endpoint: emulator.apiUrl,
    env: {},
    retry: { enabled: false },
    logger: false,
  });
});
afterAll(async () => {
  await verifier?.close();
  await emulator?.close();
});

let sequence = 0;
const forgedHeaders = (ip: string) => ({
  'cf-connecting-ip': ip,
  'x-tencent-captcha-ticket': `terror_1001_${emulator.appId}_${Math.floor(Date.now() / 1000)}_f${(sequence += 1)}`,
  'x-tencent-captcha-randstr': '@forged',
});

describe('verifyFetchRequest() on a catch-all handler', () => {
  it('accepts no more than the healthy per-IP budget (3) from one IP, whatever the method or the path spelling', async () => {
    const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'X-ANY'];
    const paths = ['/login', '/login;x', '/login%2f', '/login.', '/a%2fb', '/a/b', `/random/${Date.now()}`];
    const getUserIp = (r: Request) => r.headers.get('cf-connecting-ip');
    let accepted = 0;
    for (const method of methods) {
      for (const path of paths) {
        const request = new Request(`https://app.example${path}`, { method, headers: forgedHeaders('203.0.113.50') });
        const verdict = await verifyFetchRequest(verifier, request, { getUserIp });
        if (verdict.accepted) accepted += 1;
      }
    }
    expect(accepted).toBe(3);
  });

  it('keeps one default scope per mode, so an open route does not spend the budget of an adaptive one', async () => {
    const getUserIp = (r: Request) => r.headers.get('cf-connecting-ip');
    const statuses = async (mode: 'open' | undefined, count: number) => {
      let accepted = 0;
      for (let i = 0; i < count; i += 1) {
        const request = new Request(`https://app.example/p${i}`, { method: 'POST', headers: forgedHeaders('203.0.113.51') });
        if ((await verifyFetchRequest(verifier, request, { getUserIp, ...(mode ? { mode } : {}) })).accepted) accepted += 1;
      }
      return accepted;
    };
    // `open` always uses the outage budget (20 per IP).
    expect(await statuses('open', 8)).toBe(8);
    expect(await statuses(undefined, 5)).toBe(3);
  });
});

describe('client IPs in the forms proxies append', () => {
  const FORMS: [string, string][] = [
    ['203.0.113.7:4711', '203.0.113.7'],
    ['[2001:db8::7]', '2001:db8::7'],
    ['[2001:db8::7]:443', '2001:db8::7'],
    ['fe80::7%eth0', 'fe80::7'],
    ['[fe80::7%25eth0]:8080', 'fe80::7'],
    ['::ffff:203.0.113.8', '203.0.113.8'],
  ];

  it.each(FORMS)('forwardedClientIp() reads %s as %s', (sent, expected) => {
    const request = new Request('https://app.example/login', { headers: { 'x-forwarded-for': `6.6.6.6, ${sent}` } });
    expect(forwardedClientIp(request, 1)).toBe(expected);
  });

  it.each(FORMS)('verifyFetchRequest() verifies a solved ticket behind a proxy that appended %s', async (sent) => {
    const { ticket, randstr } = emulator.issueTicket();
    const request = new Request('https://app.example/login', {
      method: 'POST',
      headers: { 'x-forwarded-for': sent, 'x-tencent-captcha-ticket': ticket, 'x-tencent-captcha-randstr': randstr },
    });
    const verdict = await verifyFetchRequest(verifier, request, { getUserIp: (r) => forwardedClientIp(r, 1) });
    expect(verdict).toMatchObject({ status: 'verified', accepted: true });
  });

  it('still refuses what is no address at all', async () => {
    const request = new Request('https://app.example/login', { headers: { 'x-forwarded-for': 'unknown:80' } });
    expect(forwardedClientIp(request, 1)).toBe('unknown:80');
    const verdict = await verifyFetchRequest(verifier, new Request('https://app.example/login', { headers: { 'x-forwarded-for': 'unknown:80', 'x-tencent-captcha-ticket': 't', 'x-tencent-captcha-randstr': 'r' } }), {
      getUserIp: (r) => forwardedClientIp(r, 1),
    });
    expect(verdict.reason).toBe('user_ip_invalid');
  });
});
