import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createEmulator } from '@tencent-captcha/emulator';
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CaptchaVerifierOptions } from '../options.js';
import { createCaptchaVerifier } from '../verifier.js';
import type { CaptchaVerdict, CaptchaVerifier } from '../verdict.js';
import { captchaMiddleware, type CaptchaMiddlewareOptions } from './express.js';

type Emulator = Awaited<ReturnType<typeof createEmulator>>;
let emulator: Emulator;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
});
afterEach(async () => {
  emulator.faults.clear();
  for (const close of closers.splice(0).reverse()) await close();
});
afterAll(async () => {
  await emulator.close();
});

function verifierFor(options: CaptchaVerifierOptions = {}): CaptchaVerifier {
  const v = createCaptchaVerifier({
    captchaAppId: emulator.appId,
    appSecretKey: emulator.appSecretKey,
    secretId: emulator.secretId,
    secretKey: emulator.secretKey,
    endpoint: emulator.apiUrl,
    env: {},
    retry: { enabled: false },
    ...options,
  });
  closers.push(() => v.close());
  return v;
}

async function serve(verifier: CaptchaVerifier, options: CaptchaMiddlewareOptions<express.Request> = {}): Promise<string> {
  const app = express();
  app.post('/login', express.urlencoded({ extended: false }), express.json(), captchaMiddleware<express.Request, express.Response>(verifier, options), (_req, res) => {
    const verdict = res.locals.captcha as CaptchaVerdict | undefined;
    res.json({ route: true, reason: verdict?.reason ?? null });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/login`;
}

const form = (fields: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(fields) });

describe('captchaMiddleware()', () => {
  it('lets a verified urlencoded post through with the verdict on res.locals.captcha', async () => {
    const url = await serve(verifierFor());
    const t = emulator.issueTicket();
    const res = await fetch(url, form({ 'tencent-captcha-ticket': t.ticket, 'tencent-captcha-randstr': t.randstr }));
    expect(res.status).toBe(200);
    await expect(res.json()).resolves.toEqual({ route: true, reason: 'verified' });
  });

  it('reads a JSON body and the headers', async () => {
    const url = await serve(verifierFor());
    const a = emulator.issueTicket();
    const json = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ 'tencent-captcha-ticket': a.ticket, 'tencent-captcha-randstr': a.randstr }) });
    expect(json.status).toBe(200);
    const b = emulator.issueTicket();
    const headers = await fetch(url, { method: 'POST', headers: { 'x-tencent-captcha-ticket': b.ticket, 'x-tencent-captcha-randstr': b.randstr } });
    expect(headers.status).toBe(200);
  });

  it('answers 400 { code, message } for a missing ticket without calling the route', async () => {
    const url = await serve(verifierFor());
    const res = await fetch(url, form({}));
    expect(res.status).toBe(400);
    await expect(res.json()).resolves.toEqual({ code: 'ticket_missing', message: 'The captcha ticket is missing.' });
  });

  it('answers 403 for a reused ticket', async () => {
    const url = await serve(verifierFor());
    const t = emulator.issueTicket();
    const body = { 'tencent-captcha-ticket': t.ticket, 'tencent-captcha-randstr': t.randstr };
    expect((await fetch(url, form(body))).status).toBe(200);
    const res = await fetch(url, form(body));
    expect(res.status).toBe(403);
    await expect(res.json()).resolves.toMatchObject({ code: 'ticket_reused' });
  });

  it('answers 503 with Retry-After for an outage in closed mode', async () => {
    emulator.faults.set('api', { kind: 'internal-error' });
    const url = await serve(verifierFor(), { mode: 'closed' });
    const t = emulator.issueTicket();
    const res = await fetch(url, form({ 'tencent-captcha-ticket': t.ticket, 'tencent-captcha-randstr': t.randstr }));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('10');
    await expect(res.json()).resolves.toMatchObject({ code: 'upstream_internal_error' });
  });

  it('hands every verdict to the route with respond: false', async () => {
    const url = await serve(verifierFor(), { respond: false });
    const res = await fetch(url, form({}));
    expect(res.status).toBe(200);
    await expect(res.json()).resolves.toEqual({ route: true, reason: 'ticket_missing' });
  });

  it('skips verification when skip says so', async () => {
    const url = await serve(verifierFor(), { skip: (req) => req.headers['x-api-key'] === 'k' });
    const res = await fetch(url, { method: 'POST', headers: { 'x-api-key': 'k' } });
    await expect(res.json()).resolves.toEqual({ route: true, reason: null });
  });

  it('uses the IP from req.ip (the socket here), normalising IPv4-mapped IPv6', async () => {
    const seen: string[] = [];
    const url = await serve(verifierFor({ hooks: { onVerdict: (e) => seen.push(String(e.userIp)) } }));
    const t = emulator.issueTicket();
    await fetch(url, form({ 'tencent-captcha-ticket': t.ticket, 'tencent-captcha-randstr': t.randstr }));
    expect(seen[0]).toMatch(/127\.0\.0\.1$/);
  });

  it('aborts the verification when the client goes away, and answers nobody', async () => {
    emulator.faults.set('api', { kind: 'hang' });
    const inner = verifierFor({ attemptTimeoutMs: 5000, deadlineMs: 10_000 });
    const calls: unknown[] = [];
    const rejections: unknown[] = [];
    const spy: CaptchaVerifier = {
      ...inner,
      breakerState: inner.breakerState,
      options: inner.options,
      verify: (input, options) => {
        calls.push(input);
        const p = inner.verify(input, options);
        p.catch((error: unknown) => rejections.push(error));
        return p;
      },
    };
    const url = await serve(spy);
    const t = emulator.issueTicket();
    const controller = new AbortController();
    const res = fetch(url, { ...form({ 'tencent-captcha-ticket': t.ticket, 'tencent-captcha-randstr': t.randstr }), signal: controller.signal });
    res.catch(() => undefined);
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    controller.abort();
    await expect(res).rejects.toThrow();
    await vi.waitFor(() => expect(rejections).toHaveLength(1));
    expect(String(rejections[0])).toContain('client closed the connection');
  });
});
