import type { AddressInfo } from 'node:net';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createEmulator } from '@tencent-captcha/emulator';
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CaptchaVerifierOptions } from '../types/options.js';
import { createCaptchaVerifier } from '../engine/verifier.js';
import type { CaptchaVerdict } from '../types/verdict.js';
import type { CaptchaVerifier } from '../types/verifier.js';
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

async function listen(app: express.Express): Promise<string> {
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
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * A reverse proxy like nginx with `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`:
 * it keeps what the client sent and appends the address it saw.
 */
async function appendingProxy(target: string): Promise<string> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const sent = req.headers['x-forwarded-for'];
    const xff = [sent, req.socket.remoteAddress].filter(Boolean).join(', ');
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-for': xff } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A forged disaster ticket: always a new one, so only budgets (not the replay guard) stop it. */
let forgedCount = 0;
function forgedTicket(): Record<string, string> {
  forgedCount += 1;
  return { 'tencent-captcha-ticket': `terror_1001_${emulator.appId}_${Math.floor(Date.now() / 1000)}_f${forgedCount}`, 'tencent-captcha-randstr': '@forged' };
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describe('captchaMiddleware() extraction rule', () => {
  const T = 'tencent-captcha-ticket';
  const R = 'tencent-captcha-randstr';

  it.each([
    ['a number', 42],
    ['an object', { x: 'y' }],
    ['an array', ['a', 'b']],
    ['null', null],
  ])('answers 400 ticket_malformed for %s in the body, even with a valid ticket in the header', async (_name, value) => {
    const url = await serve(verifierFor());
    const t = emulator.issueTicket();
    const res = await fetch(url, json({ [T]: value, [R]: t.randstr }, { 'x-tencent-captcha-ticket': t.ticket }));
    expect(res.status).toBe(400);
    await expect(res.json()).resolves.toMatchObject({ code: 'ticket_malformed' });
  });

  it('answers 400 for a repeated form field', async () => {
    const url = await serve(verifierFor());
    const t = emulator.issueTicket();
    const body = new URLSearchParams([[T, t.ticket], [T, t.ticket], [R, t.randstr]]);
    const res = await fetch(url, { method: 'POST', body });
    expect(res.status).toBe(400);
    await expect(res.json()).resolves.toMatchObject({ code: 'ticket_malformed' });
  });

  it('answers 400 for a repeated header', async () => {
    const url = await serve(verifierFor());
    const t = emulator.issueTicket();
    const headers = new Headers({ 'x-tencent-captcha-randstr': t.randstr });
    headers.append('x-tencent-captcha-ticket', t.ticket);
    headers.append('x-tencent-captcha-ticket', t.ticket);
    const res = await fetch(url, { method: 'POST', headers });
    expect(res.status).toBe(400);
    await expect(res.json()).resolves.toMatchObject({ code: 'ticket_malformed' });
  });

  it('answers 400 for an oversized randstr in the body, with a valid one in the header', async () => {
    const url = await serve(verifierFor());
    const t = emulator.issueTicket();
    const res = await fetch(url, form({ [T]: t.ticket, [R]: '@'.repeat(129) }));
    expect(res.status).toBe(400);
    const viaHeader = await fetch(url, { ...form({ [T]: t.ticket, [R]: '@'.repeat(129) }), headers: { 'x-tencent-captcha-randstr': t.randstr } });
    expect(viaHeader.status).toBe(400);
    await expect(viaHeader.json()).resolves.toMatchObject({ code: 'randstr_malformed' });
  });
});

describe('captchaMiddleware() budget scopes', () => {
  function scopeSpy(): { verifier: CaptchaVerifier; scopes: Array<string | undefined> } {
    const inner = verifierFor();
    const scopes: Array<string | undefined> = [];
    return {
      scopes,
      verifier: { ...inner, breakerState: inner.breakerState, options: inner.options, verify: (input, o) => (scopes.push(o?.budgetScope), inner.verify(input, o)) },
    };
  }

  it('defaults to the route pattern, not the raw path (case, trailing slash, query, wildcard)', async () => {
    const { verifier, scopes } = scopeSpy();
    const app = express();
    const router = express.Router();
    router.post('/login', captchaMiddleware(verifier), (_req, res) => res.end());
    router.all('/files/*rest', captchaMiddleware(verifier), (_req, res) => res.end());
    app.use('/auth', router);
    const base = await listen(app);
    for (const path of ['/auth/login', '/auth/login/', '/AUTH/LOGIN', '/auth/login?x=1', '/Auth/Login/?y']) await fetch(base + path, { method: 'POST' });
    expect(new Set(scopes)).toEqual(new Set(['POST_/auth/login']));
    scopes.length = 0;
    for (const path of ['/auth/files/a', '/auth/files/b/c', '/auth/files/x?z']) await fetch(base + path, { method: 'PUT' });
    await fetch(`${base}/auth/files/a`, { method: 'DELETE' });
    expect(new Set(scopes)).toEqual(new Set(['*_/auth/files/*rest']));
  });

  it('uses one constant scope per middleware mounted with app.use, whatever the path', async () => {
    const { verifier, scopes } = scopeSpy();
    const app = express();
    app.use(captchaMiddleware(verifier));
    app.use((_req, res) => res.end());
    const base = await listen(app);
    for (const path of ['/a', '/b', '/c/d?e']) await fetch(base + path, { method: 'POST' });
    expect(scopes).toHaveLength(3);
    expect(new Set(scopes).size).toBe(1);
    expect(scopes[0]).toMatch(/^express:\d+$/);
  });

  it('takes budgetScope as a value or a function, and refuses an invalid value at creation', async () => {
    const { verifier, scopes } = scopeSpy();
    const app = express();
    app.post('/a', captchaMiddleware(verifier, { budgetScope: 'login' }), (_req, res) => res.end());
    app.post('/b', captchaMiddleware(verifier, { budgetScope: (req) => `tenant-${String(req.headers['x-t'])}` }), (_req, res) => res.end());
    const base = await listen(app);
    await fetch(`${base}/a`, { method: 'POST' });
    await fetch(`${base}/b`, { method: 'POST', headers: { 'x-t': '7' } });
    expect(scopes).toEqual(['login', 'tenant-7']);
    expect(() => captchaMiddleware(verifier, { budgetScope: 'has space' })).toThrow(expect.objectContaining({ code: 'invalid_option', option: 'budgetScope' }));
  });

  it('refuses an unknown option at creation, naming the nearest known one', () => {
    const { verifier } = scopeSpy();
    expect(() => captchaMiddleware(verifier, { mdoe: 'closed' } as never)).toThrow(
      expect.objectContaining({ name: 'CaptchaConfigError', code: 'invalid_option', option: 'mdoe', message: expect.stringContaining('Did you mean `mode`?') }),
    );
    expect(() => captchaMiddleware(verifier, { getUserIP: () => '203.0.113.7' } as never)).toThrow(expect.objectContaining({ option: 'getUserIP', message: expect.stringContaining('`getUserIp`') }));
    expect(() => captchaMiddleware(verifier, { getUserIp: '203.0.113.7' } as never)).toThrow(expect.objectContaining({ code: 'invalid_option', option: 'getUserIp' }));
  });

  it('holds the per-IP budget when an attacker varies the path of a route', async () => {
    const verifier = verifierFor();
    const app = express();
    app.post('/login', express.urlencoded({ extended: false }), captchaMiddleware(verifier), (_req, res) => res.json({ ok: true }));
    const base = await listen(app);
    const paths = ['/login', '/login/', '/LOGIN', '/login?x=1', '/Login?y=2', '/LOGIN/'];
    let accepted = 0;
    for (let i = 0; i < 30; i += 1) {
      const res = await fetch(base + paths[i % paths.length]!, form(forgedTicket()));
      if (res.status === 200) accepted += 1;
    }
    expect(accepted).toBe(3);
  });

  it('keeps budgets per route: an open comments route cannot spend the login route’s budget', async () => {
    const verifier = verifierFor();
    const app = express();
    const parse = express.urlencoded({ extended: false });
    app.post('/comments', parse, captchaMiddleware(verifier, { mode: 'open' }), (_req, res) => res.json({ ok: true }));
    app.post('/login', parse, captchaMiddleware(verifier, { mode: 'adaptive' }), (_req, res) => res.json({ ok: true }));
    const base = await listen(app);
    for (let i = 0; i < 5; i += 1) await fetch(`${base}/comments`, form(forgedTicket()));
    const login = await fetch(`${base}/login`, form(forgedTicket()));
    expect(login.status).toBe(200);
  });
});

describe('captchaMiddleware() behind a proxy', () => {
  it('holds the per-IP budget behind an appending proxy with trust proxy 1, whatever the client puts in X-Forwarded-For', async () => {
    const ips: string[] = [];
    const verifier = verifierFor({ hooks: { onVerdict: (e) => ips.push(String(e.userIp)) } });
    const app = express();
    app.set('trust proxy', 1);
    app.post('/login', express.urlencoded({ extended: false }), captchaMiddleware(verifier), (_req, res) => res.json({ ok: true }));
    const proxy = await appendingProxy(await listen(app));
    let accepted = 0;
    for (let i = 0; i < 30; i += 1) {
      const res = await fetch(`${proxy}/login`, { ...form(forgedTicket()), headers: { 'x-forwarded-for': `198.51.100.${i + 1}` } });
      if (res.status === 200) accepted += 1;
    }
    expect(accepted).toBe(3);
    expect(new Set(ips)).toEqual(new Set(['127.0.0.1']));
  });

  it.each(['203.0.113.7:4711', '[2001:db8::7]', '[2001:db8::7]:443', 'fe80::7%eth0'])(
    'verifies a solved ticket when the proxy appended the client as %s (not user_ip_invalid)',
    async (sent) => {
      const ips: string[] = [];
      const verifier = verifierFor({ hooks: { onVerdict: (e) => ips.push(String(e.userIp)) } });
      const app = express();
      app.set('trust proxy', 1);
      app.post('/login', express.urlencoded({ extended: false }), captchaMiddleware(verifier), (_req, res) => res.json({ ok: true }));
      const { ticket, randstr } = emulator.issueTicket();
      const res = await fetch(`${await listen(app)}/login`, {
        ...form({ 'tencent-captcha-ticket': ticket, 'tencent-captcha-randstr': randstr }),
        headers: { 'x-forwarded-for': sent },
      });
      expect(res.status).toBe(200);
      expect(ips).toEqual([sent.replace(/^\[|\](:\d+)?$|:\d+$|%.*$/g, '')]);
    },
  );

  it('warns once when Express trusts every hop, through the logger option', async () => {
    const warn = vi.fn();
    const verifier = verifierFor();
    const app = express();
    app.set('trust proxy', true);
    app.post('/login', captchaMiddleware(verifier, { logger: { warn } }), (_req, res) => res.end());
    const base = await listen(app);
    expect(warn).not.toHaveBeenCalled();
    await fetch(`${base}/login`, { method: 'POST' });
    await fetch(`${base}/login`, { method: 'POST' });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/trust proxy.*number of proxies/);
  });

  it('does not warn for a hop count, nor without trust proxy', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const verifier = verifierFor();
    for (const setting of [1, false]) {
      const app = express();
      app.set('trust proxy', setting);
      app.post('/login', captchaMiddleware(verifier), (_req, res) => res.end());
      await fetch(`${await listen(app)}/login`, { method: 'POST' });
    }
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it('stays silent with logger: false', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const app = express();
    app.set('trust proxy', true);
    app.post('/login', captchaMiddleware(verifierFor(), { logger: false }), (_req, res) => res.end());
    await fetch(`${await listen(app)}/login`, { method: 'POST' });
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it('falls back to console.warn', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const app = express();
    app.set('trust proxy', true);
    app.post('/login', captchaMiddleware(verifierFor()), (_req, res) => res.end());
    await fetch(`${await listen(app)}/login`, { method: 'POST' });
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});
