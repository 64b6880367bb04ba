/**
 * What an attacker controls (design §3.2a): the body and headers it sends, the path and method it
 * uses, and X-Forwarded-For. None of it may raise degraded acceptances above the healthy budget.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { Router } from '@koa/router';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CaptchaVerifier, VerdictEvent } from '@tencent-captcha/core';
import { tencentCaptcha } from './index.js';
import { RANDSTR_FIELD, RANDSTR_HEADER, Resources, parseBody, TICKET_FIELD, TICKET_HEADER, startEmulator, type TestEmulator } from './testing/harness.js';

let emulator: TestEmulator;
const resources = new Resources();

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.faults.clear();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await resources.closeAll();
});

const ok: Koa.Middleware = (ctx) => {
  ctx.body = { ok: true };
};

/** A forged disaster ticket, new each time, so only the budget (not the replay guard) can stop it. */
let forged = 0;
function forgedTicket(): Record<string, string> {
  forged += 1;
  return { [TICKET_FIELD]: `terror_1001_${emulator.appId}_${Math.floor(Date.now() / 1000)}_k${forged}`, [RANDSTR_FIELD]: '@forged' };
}

/** Records the budget scope of each call. */
function scopeSpy(inner: CaptchaVerifier): { verifier: CaptchaVerifier; scopes: Array<string | undefined> } {
  const scopes: Array<string | undefined> = [];
  const verifier: CaptchaVerifier = Object.create(inner, {
    verify: { value: (input: Parameters<CaptchaVerifier['verify']>[0], o?: Parameters<CaptchaVerifier['verify']>[1]) => (scopes.push(o?.budgetScope), inner.verify(input, o)) },
  });
  return { verifier, scopes };
}

async function serveLogin(verifier: CaptchaVerifier, app = new Koa()) {
  const router = new Router();
  router.post('/login', parseBody({ enableTypes: ['json', 'form'] }), tencentCaptcha({ verifier }), ok);
  app.use(router.routes());
  return resources.listen(app);
}

describe('tencentCaptcha() follows core’s extraction rule', () => {
  it.each([
    ['a number', 42],
    ['an object', { t: 'x' }],
    ['an array', ['a', 'b']],
    ['null', null],
    ['an oversized string', 'a'.repeat(2049)],
  ])('400 ticket_malformed for %s in the body, even with a valid ticket in the header', async (_name, value) => {
    const server = await serveLogin(resources.verifier(emulator));
    const issued = emulator.issueTicket();
    const res = await request(server)
      .post('/login')
      .set(TICKET_HEADER, issued.ticket)
      .set(RANDSTR_HEADER, issued.randstr)
      .send({ [TICKET_FIELD]: value, [RANDSTR_FIELD]: issued.randstr })
      .expect(400);
    expect(res.body.code).toBe('ticket_malformed');
  });

  it('400 for a repeated urlencoded field', async () => {
    const server = await serveLogin(resources.verifier(emulator));
    const issued = emulator.issueTicket();
    const body = new URLSearchParams([[TICKET_FIELD, issued.ticket], [RANDSTR_FIELD, issued.randstr], [RANDSTR_FIELD, issued.randstr]]);
    const res = await request(server).post('/login').type('form').send(body.toString()).expect(400);
    expect(res.body.code).toBe('randstr_malformed');
  });

  it('400 for a repeated header', async () => {
    const server = await serveLogin(resources.verifier(emulator));
    const issued = emulator.issueTicket();
    const { url } = server;
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${url}/login`, {
        method: 'POST',
        headers: [TICKET_HEADER, issued.ticket, TICKET_HEADER, issued.ticket, RANDSTR_HEADER, issued.randstr],
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
  });
});

describe('tencentCaptcha() budget scopes', () => {
  it('default to the route pattern and declared method, not the raw path', async () => {
    const { verifier, scopes } = scopeSpy(resources.verifier(emulator));
    const app = new Koa();
    const router = new Router();
    router.post('/login', tencentCaptcha({ verifier }), ok);
    router.all('/files/{*rest}', tencentCaptcha({ verifier }), ok);
    app.use(router.routes());
    const server = await resources.listen(app);
    for (const path of ['/login', '/login/', '/LOGIN', '/login?x=1', '/Login/?y=2']) await request(server).post(path);
    expect(new Set(scopes)).toEqual(new Set(['POST_/login']));
    scopes.length = 0;
    for (const path of ['/files/a', '/files/b/c', '/files/x?z']) await request(server).put(path);
    await request(server).delete('/files/a');
    await request(server).patch('/files/q');
    expect(new Set(scopes)).toEqual(new Set(['*_/files/{*rest}']));
  });

  it('use one constant scope per middleware outside a router', async () => {
    const { verifier, scopes } = scopeSpy(resources.verifier(emulator));
    const app = new Koa();
    app.use(tencentCaptcha({ verifier }));
    app.use(ok);
    const server = await resources.listen(app);
    for (const path of ['/a', '/b', '/c/d?e']) await request(server).post(path);
    expect(scopes).toHaveLength(3);
    expect(new Set(scopes).size).toBe(1);
    expect(scopes[0]).toMatch(/^koa:\d+$/);
  });

  it('take a value or a function, and refuse an invalid value at creation', async () => {
    const { verifier, scopes } = scopeSpy(resources.verifier(emulator));
    const app = new Koa();
    const router = new Router();
    router.post('/a', tencentCaptcha({ verifier, budgetScope: 'login' }), ok);
    router.post('/b', tencentCaptcha({ verifier, budgetScope: (ctx) => `tenant-${ctx.get('x-t')}` }), ok);
    app.use(router.routes());
    const server = await resources.listen(app);
    await request(server).post('/a');
    await request(server).post('/b').set('x-t', '7');
    expect(scopes).toEqual(['login', 'tenant-7']);
    expect(() => tencentCaptcha({ verifier, budgetScope: 'has space' })).toThrow(expect.objectContaining({ code: 'invalid_option', option: 'budgetScope' }));
  });

  it('hold the per-IP budget when an attacker varies the path of a route', async () => {
    const server = await serveLogin(resources.verifier(emulator));
    const paths = ['/login', '/login/', '/LOGIN', '/login?x=1', '/Login?y=2', '/LOGIN/'];
    let accepted = 0;
    for (let i = 0; i < 30; i += 1) {
      const res = await request(server).post(paths[i % paths.length]!).send(forgedTicket());
      if (res.status === 200) accepted += 1;
    }
    expect(accepted).toBe(3);
  });

  it('keep routes apart: an open comments route cannot spend the adaptive login route’s budget', async () => {
    const verifier = resources.verifier(emulator);
    const app = new Koa();
    const router = new Router();
    router.use(parseBody());
    router.post('/comments', tencentCaptcha({ verifier, mode: 'open' }), ok);
    router.post('/login', tencentCaptcha({ verifier, mode: 'adaptive' }), ok);
    app.use(router.routes());
    const server = await resources.listen(app);
    for (let i = 0; i < 5; i += 1) await request(server).post('/comments').send(forgedTicket()).expect(200);
    await request(server).post('/login').send(forgedTicket()).expect(200);
  });
});

/**
 * A reverse proxy like nginx with `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`:
 * it keeps what the client sent and appends the address it saw.
 */
async function appendingProxy(target: string): Promise<string> {
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const xff = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
    const out = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-for': xff } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  resources.defer(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('tencentCaptcha() behind a proxy', () => {
  it('holds the per-IP budget behind an appending proxy with maxIpsCount 1, whatever the client puts in X-Forwarded-For', async () => {
    const ips: Array<string | null> = [];
    const verifier = resources.verifier(emulator, { hooks: { onVerdict: (e: VerdictEvent) => void ips.push(e.userIp) } });
    const server = await serveLogin(verifier, new Koa({ proxy: true, maxIpsCount: 1 }));
    const proxy = await appendingProxy(server.url);
    let accepted = 0;
    for (let i = 0; i < 30; i += 1) {
      const res = await request(proxy).post('/login').set('X-Forwarded-For', `198.51.100.${i + 1}`).send(forgedTicket());
      if (res.status === 200) accepted += 1;
    }
    expect(accepted).toBe(3);
    expect(new Set(ips)).toEqual(new Set(['127.0.0.1']));
  });

  it('warns once, through the logger option, when the app trusts every hop', async () => {
    const warn = vi.fn();
    const server = await (async () => {
      const app = new Koa({ proxy: true });
      const router = new Router();
      router.post('/login', tencentCaptcha({ verifier: resources.verifier(emulator), logger: { warn } }), ok);
      app.use(router.routes());
      return resources.listen(app);
    })();
    expect(warn).not.toHaveBeenCalled();
    await request(server).post('/login');
    await request(server).post('/login');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/maxIpsCount/);
  });

  it('does not warn with a hop count, without proxy, or with a getUserIp getter; falls back to console.warn', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const verifier = resources.verifier(emulator);
    for (const [app, options] of [
      [new Koa({ proxy: true, maxIpsCount: 2 }), {}],
      [new Koa({ proxy: false }), {}],
      [new Koa({ proxy: true }), { getUserIp: () => '192.0.2.1' }],
    ] as const) {
      app.use(tencentCaptcha({ verifier, ...options }));
      await request(await resources.listen(app)).post('/');
    }
    expect(warn).not.toHaveBeenCalled();
    const trusting = new Koa({ proxy: true });
    trusting.use(tencentCaptcha({ verifier }));
    await request(await resources.listen(trusting)).post('/');
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('stays silent with logger: false', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const app = new Koa({ proxy: true });
    app.use(tencentCaptcha({ verifier: resources.verifier(emulator), logger: false }));
    await request(await resources.listen(app)).post('/');
    expect(warn).not.toHaveBeenCalled();
  });

  it('passes its logger to the verifier it creates', async () => {
    const warn = vi.fn();
    const middleware = tencentCaptcha({ ...emulatorOptions(), logger: { warn } });
    resources.defer(() => middleware.verifier.close());
    const app = new Koa();
    app.use(parseBody());
    app.use(middleware);
    app.use(ok);
    await request(await resources.listen(app)).post('/').send(forgedTicket()).expect(200);
    // The verifier warns on a degraded acceptance.
    expect(warn).toHaveBeenCalledWith('captcha verdict', expect.objectContaining({ status: 'degraded', accepted: true }));
  });
});

function emulatorOptions() {
  return { captchaAppId: emulator.appId, appSecretKey: emulator.appSecretKey, secretId: emulator.secretId, secretKey: emulator.secretKey, endpoint: emulator.apiUrl, env: {} };
}
