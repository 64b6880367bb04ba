/**
 * `tencentCaptcha()` over real HTTP: Koa apps on port 0, supertest, verifiers wired to the emulator.
 */
import { createRequire } from 'node:module';
import Koa from 'koa';
import { Router } from '@koa/router';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CaptchaVerdict, CaptchaVerifier, VerdictEvent } from '@tencent-captcha/core';
import { isCaptchaHttpError, tencentCaptcha, type TencentCaptchaOptions } from './index.js';
import {
  RANDSTR_FIELD,
  RANDSTR_HEADER,
  Resources,
  parseBody,
  postThenHangUp,
  spyOnVerify,
  TICKET_FIELD,
  TICKET_HEADER,
  startEmulator,
  type TestEmulator,
} from './testing/harness.js';

// @koa/multer ships no types; this is the part the tests use.
interface KoaMulter {
  (options?: object): { none(): Koa.Middleware };
}
const multer = createRequire(import.meta.url)('@koa/multer') as KoaMulter;

/** The route handler: proves it ran and echoes the verdict the middleware stored. */
const echo: Koa.Middleware = (ctx) => {
  ctx.body = { handled: true, captcha: ctx.state.captcha ?? null };
};

let emulator: TestEmulator;
const emulatorLog: string[] = [];
const resources = new Resources();

beforeAll(async () => {
  emulator = await startEmulator((line) => emulatorLog.push(line));
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.faults.clear();
});
afterEach(async () => {
  await resources.closeAll();
});

/** A Koa app with a JSON/urlencoded body parser and `route` at POST /login. */
async function serve(
  captcha: Koa.Middleware,
  { proxy = false, parser = parseBody({ enableTypes: ['json', 'form'] }) }: { proxy?: boolean; parser?: Koa.Middleware } = {},
) {
  // Behind a proxy, trust exactly one hop (the README's advice; the default 0 trusts every hop and warns).
  const app = new Koa({ proxy, maxIpsCount: proxy ? 1 : 0 });
  const router = new Router();
  router.post('/login', parser, captcha, echo);
  app.use(router.routes());
  return resources.listen(app);
}

function ticketBody(ticket: { ticket: string; randstr: string }): Record<string, string> {
  return { [TICKET_FIELD]: ticket.ticket, [RANDSTR_FIELD]: ticket.randstr };
}

describe('tencentCaptcha() reads the ticket', () => {
  it('from a JSON body under the element’s field names', async () => {
    const verifier = resources.verifier(emulator);
    const server = await serve(tencentCaptcha({ verifier }));
    const res = await request(server).post('/login').send(ticketBody(emulator.issueTicket())).expect(200);
    expect(res.body).toMatchObject({ handled: true, captcha: { status: 'verified', accepted: true, reason: 'verified' } });
    expect(res.body.captcha.attempts).toBe(1);
  });

  it('from a urlencoded form body', async () => {
    const verifier = resources.verifier(emulator);
    const server = await serve(tencentCaptcha({ verifier }));
    const res = await request(server)
      .post('/login')
      .type('form')
      .send(ticketBody(emulator.issueTicket()))
      .expect(200);
    expect(res.body.captcha).toMatchObject({ status: 'verified', reason: 'verified' });
  });

  it('from a multipart body parsed by @koa/multer', async () => {
    const verifier = resources.verifier(emulator);
    const server = await serve(tencentCaptcha({ verifier }), { parser: multer().none() });
    const issued = emulator.issueTicket();
    const res = await request(server)
      .post('/login')
      .field(TICKET_FIELD, issued.ticket)
      .field(RANDSTR_FIELD, issued.randstr)
      .field('username', 'alice')
      .expect(200);
    expect(res.headers['content-type']).toMatch(/json/);
    expect(res.body.captcha).toMatchObject({ status: 'verified', reason: 'verified' });
  });

  it('from the x-tencent-captcha-* headers when the body has no such fields', async () => {
    const verifier = resources.verifier(emulator);
    const server = await serve(tencentCaptcha({ verifier }));
    const issued = emulator.issueTicket();
    const res = await request(server)
      .post('/login')
      .set(TICKET_HEADER, issued.ticket)
      .set(RANDSTR_HEADER, issued.randstr)
      .send({ username: 'alice' })
      .expect(200);
    expect(res.body.captcha).toMatchObject({ status: 'verified' });
  });

  it('from headers when no body parser ran at all', async () => {
    const verifier = resources.verifier(emulator);
    const server = await serve(tencentCaptcha({ verifier }), { parser: (_ctx, next) => next() });
    const issued = emulator.issueTicket();
    await request(server).post('/login').set(TICKET_HEADER, issued.ticket).set(RANDSTR_HEADER, issued.randstr).expect(200);
  });

  it('prefers the body over the headers', async () => {
    const verifier = resources.verifier(emulator);
    const server = await serve(tencentCaptcha({ verifier }));
    const issued = emulator.issueTicket();
    const res = await request(server)
      .post('/login')
      .set(TICKET_HEADER, 'tr03bogusHeaderTicket')
      .set(RANDSTR_HEADER, '@bogus')
      .send(ticketBody(issued))
      .expect(200);
    expect(res.body.captcha.reason).toBe('verified');
  });

  it('through getters that replace the defaults (sync or async)', async () => {
    const verifier = resources.verifier(emulator);
    const server = await serve(
      tencentCaptcha({
        verifier,
        getTicket: (ctx) => (ctx.request as { body?: { captcha?: { t?: string } } }).body?.captcha?.t,
        getRandstr: async (ctx) => ctx.query.r as string | undefined,
      }),
    );
    const issued = emulator.issueTicket();
    const res = await request(server)
      .post(`/login?r=${encodeURIComponent(issued.randstr)}`)
      .send({ captcha: { t: issued.ticket } })
      .expect(200);
    expect(res.body.captcha.reason).toBe('verified');
    // The default field is no longer read once a getter replaces it.
    const ignored = await request(server).post('/login').send(ticketBody(emulator.issueTicket())).expect(400);
    expect(ignored.body.code).toBe('ticket_missing');
  });

  it('ignores inherited properties of the body (no `toString` ticket)', async () => {
    const verifier = resources.verifier(emulator);
    const server = await serve(tencentCaptcha({ verifier, getRandstr: () => '@abc' }), {
      parser: async (ctx, next) => {
        (ctx.request as { body?: unknown }).body = Object.create({ [TICKET_FIELD]: 'tr03inherited' });
        await next();
      },
    });
    const res = await request(server).post('/login').expect(400);
    expect(res.body).toEqual({ code: 'ticket_missing', message: expect.any(String) });
  });
});

describe('tencentCaptcha() answers each verdict', () => {
  it('400 ticket_missing as JSON { code, message } and skips the route', async () => {
    const verifier = resources.verifier(emulator);
    const server = await serve(tencentCaptcha({ verifier }));
    const res = await request(server).post('/login').send({ username: 'alice' }).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ code: 'ticket_missing', message: 'The captcha ticket is missing.' });
    expect(res.headers['retry-after']).toBeUndefined();
  });

  it('400 randstr_missing', async () => {
    const verifier = resources.verifier(emulator);
    const server = await serve(tencentCaptcha({ verifier }));
    const res = await request(server)
      .post('/login')
      .send({ [TICKET_FIELD]: emulator.issueTicket().ticket })
      .expect(400);
    expect(res.body.code).toBe('randstr_missing');
  });

  it.each([
    ['an array (repeated form field)', { [TICKET_FIELD]: ['tr03a', 'tr03b'], [RANDSTR_FIELD]: '@abc' }, 'ticket_malformed'],
    ['a JSON number', { [TICKET_FIELD]: 12345, [RANDSTR_FIELD]: '@abc' }, 'ticket_malformed'],
    ['an object', { [TICKET_FIELD]: { $gt: '' }, [RANDSTR_FIELD]: '@abc' }, 'ticket_malformed'],
    ['markup', { [TICKET_FIELD]: '<script>alert(1)</script>', [RANDSTR_FIELD]: '@abc' }, 'ticket_malformed'],
    ['a randstr object', { [TICKET_FIELD]: 'tr03abc', [RANDSTR_FIELD]: { a: 1 } }, 'randstr_malformed'],
  ])('400 (never 500) for a ticket field that is %s', async (_what, body, code) => {
    const verifier = resources.verifier(emulator);
    const server = await serve(tencentCaptcha({ verifier }));
    const res = await request(server).post('/login').send(body).expect(400);
    expect(res.body).toEqual({ code, message: expect.any(String) });
  });

  it('400 for a JSON body that is an array', async () => {
    const verifier = resources.verifier(emulator);
    const server = await serve(tencentCaptcha({ verifier }));
    const res = await request(server).post('/login').send([{ [TICKET_FIELD]: 'tr03abc' }]).expect(400);
    expect(res.body.code).toBe('ticket_missing');
  });

  it('403 ticket_reused for a ticket verified twice', async () => {
    const verifier = resources.verifier(emulator);
    const server = await serve(tencentCaptcha({ verifier }));
    const issued = emulator.issueTicket();
    await request(server).post('/login').send(ticketBody(issued)).expect(200);
    const res = await request(server).post('/login').send(ticketBody(issued)).expect(403);
    expect(res.body).toEqual({ code: 'ticket_reused', message: expect.any(String) });
  });

  it('403 randstr_mismatch', async () => {
    const verifier = resources.verifier(emulator);
    const server = await serve(tencentCaptcha({ verifier }));
    const issued = emulator.issueTicket();
    const res = await request(server)
      .post('/login')
      .send({ ...ticketBody(issued), [RANDSTR_FIELD]: '@wrong1' })
      .expect(403);
    expect(res.body.code).toBe('randstr_mismatch');
  });

  it('403 evil_level_too_high for a solved but malicious ticket', async () => {
    const verifier = resources.verifier(emulator, { maxEvilLevel: 50 });
    const server = await serve(tencentCaptcha({ verifier }));
    const res = await request(server)
      .post('/login')
      .send(ticketBody(emulator.issueTicket({ evilLevel: 100 })))
      .expect(403);
    expect(res.body.code).toBe('evil_level_too_high');
  });

  it('403 for a ticket of another captcha app', async () => {
    const verifier = resources.verifier(emulator);
    const server = await serve(tencentCaptcha({ verifier }));
    const res = await request(server)
      .post('/login')
      .send(ticketBody(emulator.issueTicket({ appId: '190000001' })))
      .expect(403);
    expect(res.body.code).toBe('app_id_mismatch');
  });

  it('503 misconfigured without Retry-After (our fault, not the user’s) and without leaking a secret', async () => {
    const verifier = resources.verifier(emulator, { appSecretKey: 'WrongAppSecretKey0000000*' });
    const server = await serve(tencentCaptcha({ verifier }));
    const res = await request(server).post('/login').send(ticketBody(emulator.issueTicket())).expect(503);
    expect(res.body).toEqual({ code: 'misconfigured', message: expect.any(String) });
    expect(res.headers['retry-after']).toBeUndefined();
    const { appSecretKey, secretKey } = emulator;
    for (const secret of [appSecretKey, secretKey, 'WrongAppSecretKey0000000*']) expect(res.text).not.toContain(secret);
  });

  it.each([
    ['InternalError', { kind: 'internal-error' }, 'upstream_internal_error'],
    ['an HTTP 502', { kind: 'http-error', status: 502 }, 'upstream_error'],
    ['CaptchaCode 26', { kind: 'captcha-code', code: 26 }, 'system_busy'],
  ] as const)('503 with Retry-After for an outage (%s) in closed mode', async (_what, fault, code) => {
    const verifier = resources.verifier(emulator);
    const server = await serve(tencentCaptcha({ verifier, mode: 'closed' }));
    emulator.faults.set('api', fault);
    const res = await request(server).post('/login').send(ticketBody(emulator.issueTicket())).expect(503);
    expect(res.body).toEqual({ code, message: expect.any(String) });
    expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
  });

  it('503 upstream_timeout when Tencent hangs, in closed mode, within the verifier’s deadline', async () => {
    const verifier = resources.verifier(emulator, { attemptTimeoutMs: 200, deadlineMs: 1_000 });
    const server = await serve(tencentCaptcha({ verifier, mode: 'closed' }));
    emulator.faults.set('api', { kind: 'hang' });
    const started = Date.now();
    const res = await request(server).post('/login').send(ticketBody(emulator.issueTicket())).expect(503);
    expect(res.body.code).toBe('upstream_timeout');
    expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.each(['adaptive', 'open'] as const)('lets a degraded verdict through in %s mode, verdict on ctx.state', async (mode) => {
    const verifier = resources.verifier(emulator);
    const server = await serve(tencentCaptcha({ verifier, mode }));
    emulator.faults.set('api', { kind: 'internal-error' });
    const res = await request(server).post('/login').send(ticketBody(emulator.issueTicket())).expect(200);
    expect(res.body).toMatchObject({
      handled: true,
      captcha: { status: 'degraded', accepted: true, reason: 'upstream_internal_error', mode },
    });
  });

  /** A disaster ticket as the browser sends it when the captcha could not load (errorCode 1001). */
  function disasterTicket(ageSeconds = 0): Record<string, string> {
    const seconds = Math.floor(Date.now() / 1000) - ageSeconds;
    return { [TICKET_FIELD]: `trerror_1001_${emulator.appId}_${seconds}`, [RANDSTR_FIELD]: '@dr1001' };
  }

  it('lets a fresh disaster ticket through as degraded in adaptive mode', async () => {
    const verifier = resources.verifier(emulator);
    const server = await serve(tencentCaptcha({ verifier }));
    const res = await request(server).post('/login').send(disasterTicket()).expect(200);
    expect(res.body.captcha).toMatchObject({ status: 'degraded', accepted: true, reason: 'disaster_ticket' });
  });

  it('503 with Retry-After for a disaster ticket in closed mode (not the user’s fault)', async () => {
    const verifier = resources.verifier(emulator);
    const server = await serve(tencentCaptcha({ verifier, mode: 'closed' }));
    const res = await request(server).post('/login').send(disasterTicket()).expect(503);
    expect(res.body.code).toBe('disaster_ticket');
    expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
  });

  it('403 for a stale disaster ticket, in any mode', async () => {
    const verifier = resources.verifier(emulator);
    const server = await serve(tencentCaptcha({ verifier, mode: 'open' }));
    const res = await request(server).post('/login').send(disasterTicket(3_600)).expect(403);
    expect(res.body.code).toBe('disaster_ticket_expired');
  });

  it('503 budget_exhausted once the degraded budget is spent', async () => {
    const verifier = resources.verifier(emulator, { budgets: { perIp: 1, outagePerIp: 1 } });
    const server = await serve(tencentCaptcha({ verifier }));
    emulator.faults.set('api', { kind: 'internal-error' });
    await request(server).post('/login').send(ticketBody(emulator.issueTicket())).expect(200);
    const res = await request(server).post('/login').send(ticketBody(emulator.issueTicket())).expect(503);
    expect(res.body.code).toBe('budget_exhausted');
    expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
  });
});

describe('tencentCaptcha() and the client IP', () => {
  /** A verifier that records the IP each verification was for. */
  function recordingVerifier(overrides = {}) {
    const ips: Array<string | null> = [];
    const verifier = resources.verifier(emulator, {
      ...overrides,
      hooks: { onVerdict: (event: VerdictEvent) => void ips.push(event.userIp) },
    });
    return { verifier, ips };
  }

  it('ignores a spoofed X-Forwarded-For unless app.proxy trusts it', async () => {
    const { verifier, ips } = recordingVerifier();
    const server = await serve(tencentCaptcha({ verifier }), { proxy: false });
    await request(server)
      .post('/login')
      .set('X-Forwarded-For', '203.0.113.7')
      .send(ticketBody(emulator.issueTicket()))
      .expect(200);
    expect(ips).toHaveLength(1);
    expect(ips[0]).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
  });

  it('uses X-Forwarded-For when app.proxy is true', async () => {
    const { verifier, ips } = recordingVerifier();
    const server = await serve(tencentCaptcha({ verifier }), { proxy: true });
    await request(server)
      .post('/login')
      .set('X-Forwarded-For', '203.0.113.7')
      .send(ticketBody(emulator.issueTicket()))
      .expect(200);
    expect(ips).toEqual(['203.0.113.7']);
  });

  it.each([
    ['203.0.113.7:4711', '203.0.113.7'],
    ['[2001:db8::7]', '2001:db8::7'],
    ['[2001:db8::7]:443', '2001:db8::7'],
    ['fe80::7%eth0', 'fe80::7'],
  ])('reads the address a proxy appended as %s (not user_ip_invalid)', async (sent, expected) => {
    const { verifier, ips } = recordingVerifier();
    const server = await serve(tencentCaptcha({ verifier }), { proxy: true });
    await request(server).post('/login').set('X-Forwarded-For', sent).send(ticketBody(emulator.issueTicket())).expect(200);
    expect(ips).toEqual([expected]);
  });

  it('so a client cannot dodge the per-IP budget by rotating X-Forwarded-For on an untrusting app', async () => {
    const options = { budgets: { perIp: 1, outagePerIp: 1, global: 100, outageGlobal: 100 } };
    emulator.faults.set('api', { kind: 'internal-error' });

    const untrusting = await serve(tencentCaptcha({ verifier: resources.verifier(emulator, options) }), { proxy: false });
    await request(untrusting).post('/login').set('X-Forwarded-For', '198.51.100.1').send(ticketBody(emulator.issueTicket())).expect(200);
    const refused = await request(untrusting)
      .post('/login')
      .set('X-Forwarded-For', '198.51.100.2')
      .send(ticketBody(emulator.issueTicket()))
      .expect(503);
    expect(refused.body.code).toBe('budget_exhausted');

    const trusting = await serve(tencentCaptcha({ verifier: resources.verifier(emulator, options) }), { proxy: true });
    await request(trusting).post('/login').set('X-Forwarded-For', '198.51.100.1').send(ticketBody(emulator.issueTicket())).expect(200);
    await request(trusting).post('/login').set('X-Forwarded-For', '198.51.100.2').send(ticketBody(emulator.issueTicket())).expect(200);
  });

  it('takes the IP from a getUserIp getter when one is given', async () => {
    const { verifier, ips } = recordingVerifier();
    const server = await serve(tencentCaptcha({ verifier, getUserIp: (ctx) => ctx.get('cf-connecting-ip') }));
    await request(server)
      .post('/login')
      .set('cf-connecting-ip', '192.0.2.44')
      .send(ticketBody(emulator.issueTicket()))
      .expect(200);
    expect(ips).toEqual(['192.0.2.44']);
  });
});

describe('tencentCaptcha() per route', () => {
  it('one verifier behind routes with different modes: login closed, comments open', async () => {
    const verifier = resources.verifier(emulator);
    const app = new Koa();
    const router = new Router();
    router.use(parseBody());
    router.post('/login', tencentCaptcha({ verifier, mode: 'closed' }), echo);
    router.post('/comments', tencentCaptcha({ verifier, mode: 'open' }), echo);
    router.post('/search', tencentCaptcha({ verifier }), echo);
    app.use(router.routes());
    const server = await resources.listen(app);

    emulator.faults.set('api', { kind: 'internal-error' });
    const login = await request(server).post('/login').send(ticketBody(emulator.issueTicket())).expect(503);
    expect(login.body.code).toBe('upstream_internal_error');
    const comment = await request(server).post('/comments').send(ticketBody(emulator.issueTicket())).expect(200);
    expect(comment.body.captcha).toMatchObject({ status: 'degraded', accepted: true, mode: 'open' });
    const search = await request(server).post('/search').send(ticketBody(emulator.issueTicket())).expect(200);
    expect(search.body.captcha).toMatchObject({ status: 'degraded', accepted: true, mode: 'adaptive' });

    emulator.faults.clear();
    await request(server).post('/login').send(ticketBody(emulator.issueTicket())).expect(200);
  });

  it('a mode getter decides per request; undefined keeps the verifier’s mode', async () => {
    const verifier = resources.verifier(emulator, { mode: 'open' });
    const server = await serve(
      tencentCaptcha({ verifier, mode: (ctx) => (ctx.get('x-strict') === '1' ? 'closed' : undefined) }),
    );
    emulator.faults.set('api', { kind: 'internal-error' });
    await request(server).post('/login').set('x-strict', '1').send(ticketBody(emulator.issueTicket())).expect(503);
    const relaxed = await request(server).post('/login').send(ticketBody(emulator.issueTicket())).expect(200);
    expect(relaxed.body.captcha).toMatchObject({ status: 'degraded', mode: 'open' });
  });

  it('getters per route: two routes read the ticket from different places', async () => {
    const verifier = resources.verifier(emulator);
    const app = new Koa();
    const router = new Router();
    router.use(parseBody());
    router.post('/form', tencentCaptcha({ verifier }), echo);
    router.post(
      '/api',
      tencentCaptcha({ verifier, getTicket: (ctx) => ctx.get('x-ticket'), getRandstr: (ctx) => ctx.get('x-randstr') }),
      echo,
    );
    app.use(router.routes());
    const server = await resources.listen(app);
    const a = emulator.issueTicket();
    await request(server).post('/form').send(ticketBody(a)).expect(200);
    const b = emulator.issueTicket();
    await request(server).post('/api').set('x-ticket', b.ticket).set('x-randstr', b.randstr).expect(200);
    const c = emulator.issueTicket();
    const res = await request(server).post('/api').send(ticketBody(c)).expect(400);
    expect(res.body.code).toBe('ticket_missing');
  });
});

describe('tencentCaptcha({ skip })', () => {
  /** Wraps a verifier to count calls. */
  function countingVerifier(): { verifier: CaptchaVerifier; calls: () => number } {
    const spy = spyOnVerify(resources.verifier(emulator));
    return { verifier: spy.verifier, calls: () => spy.calls.length };
  }

  it('skip: true runs the route without verifying and leaves ctx.state.captcha unset', async () => {
    const { verifier, calls } = countingVerifier();
    const server = await serve(tencentCaptcha({ verifier, skip: true }));
    const res = await request(server).post('/login').send({}).expect(200);
    expect(res.body).toEqual({ handled: true, captcha: null });
    expect(calls()).toBe(0);
  });

  it('a skip function decides per request (sync or async)', async () => {
    const { verifier, calls } = countingVerifier();
    const server = await serve(
      tencentCaptcha({ verifier, skip: async (ctx) => ctx.get('authorization') === 'Bearer internal-token' }),
    );
    await request(server).post('/login').set('authorization', 'Bearer internal-token').send({}).expect(200);
    expect(calls()).toBe(0);
    const res = await request(server).post('/login').send({}).expect(400);
    expect(res.body.code).toBe('ticket_missing');
    expect(calls()).toBe(1);
  });
});

describe('tencentCaptcha({ respond: false }) follows Koa’s error contract', () => {
  it('throws an HttpError (status, expose, code, headers, verdict) to the app’s error handler', async () => {
    const verifier = resources.verifier(emulator);
    const caught: unknown[] = [];
    const app = new Koa();
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (error) {
        caught.push(error);
        if (!isCaptchaHttpError(error)) throw error;
        ctx.status = error.status;
        ctx.set(error.headers);
        ctx.body = { error: { code: error.code, message: error.message } };
      }
    });
    const router = new Router();
    router.post('/login', parseBody(), tencentCaptcha({ verifier, mode: 'closed', respond: false }), echo);
    app.use(router.routes());
    const server = await resources.listen(app);

    const missing = await request(server).post('/login').send({}).expect(400);
    expect(missing.body).toEqual({ error: { code: 'ticket_missing', message: 'The captcha ticket is missing.' } });
    expect(caught[0]).toMatchObject({
      status: 400,
      statusCode: 400,
      expose: true,
      code: 'ticket_missing',
      type: 'tencent_captcha.refused',
      verdict: { status: 'rejected', reason: 'ticket_missing' },
    });

    emulator.faults.set('api', { kind: 'internal-error' });
    const outage = await request(server).post('/login').send(ticketBody(emulator.issueTicket())).expect(503);
    expect(outage.body.error.code).toBe('upstream_internal_error');
    expect(outage.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(caught[1]).toMatchObject({ status: 503, expose: true, headers: { 'retry-after': expect.any(String) } });
    expect(caught).toHaveLength(2);
  });

  it('with Koa’s own error handler: the status, Retry-After and the exposed message, as text', async () => {
    const verifier = resources.verifier(emulator);
    const app = new Koa();
    const errors: unknown[] = [];
    app.on('error', (error) => errors.push(error));
    const router = new Router();
    router.post('/login', parseBody(), tencentCaptcha({ verifier, mode: 'closed', respond: false }), echo);
    app.use(router.routes());
    const server = await resources.listen(app);
    emulator.faults.set('api', { kind: 'http-error', status: 502 });
    const res = await request(server).post('/login').send(ticketBody(emulator.issueTicket())).expect(503);
    expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(res.text).toBe('The captcha service answered with an error.');
    expect(errors).toHaveLength(1);
  });
});

describe('tencentCaptcha() and a client that disconnects', () => {
  it.each(['the default transport', 'an injected fetch'] as const)(
    'aborts the verification (%s): the signal fires, verify rejects with the abort reason, the route never runs',
    async (transport) => {
      // Long timeouts: only the client's disconnect can end this verification early.
      const upstreamSignals: AbortSignal[] = [];
      const inner = resources.verifier(emulator, {
        attemptTimeoutMs: 10_000,
        deadlineMs: 12_000,
        ...(transport === 'an injected fetch'
          ? {
              fetch: ((url: string, init: RequestInit) => {
                upstreamSignals.push(init.signal!);
                return globalThis.fetch(url, init);
              }) as typeof globalThis.fetch,
            }
          : {}),
      });
      const { verifier, calls } = spyOnVerify(inner);
      let handled = false;
      const appErrors: unknown[] = [];
      const app = new Koa();
      app.on('error', (error) => appErrors.push(error));
      const router = new Router();
      router.post('/login', parseBody(), tencentCaptcha({ verifier }), (ctx) => {
        handled = true;
        ctx.body = 'ok';
      });
      app.use(router.routes());
      const server = await resources.listen(app);
      emulator.faults.set('api', { kind: 'hang' }, { times: 1 });
      const hangsBefore = emulatorLog.filter((line) => line.includes('hang')).length;

      const began = Date.now();
      const client = postThenHangUp(`${server.url}/login`, ticketBody(emulator.issueTicket()));
      // Wait until the emulator holds the verification request, then the client goes away.
      await expect
        .poll(() => emulatorLog.filter((line) => line.includes('hang')).length, { timeout: 5_000, interval: 10 })
        .toBe(hangsBefore + 1);
      expect(calls).toHaveLength(1);
      client.hangUp();

      const call = calls[0]!;
      const reason = await call.settled;
      expect(Date.now() - began).toBeLessThan(5_000);
      expect(call.signal?.aborted).toBe(true);
      expect(reason).toBe(call.signal?.reason);
      expect(reason).toMatchObject({ name: 'AbortError', code: 'ECONNABORTED', status: 400, expose: true });
      if (transport === 'an injected fetch') {
        // The upstream request itself was cancelled, not merely abandoned.
        expect(upstreamSignals).toHaveLength(1);
        expect(upstreamSignals[0]!.aborted).toBe(true);
      }
      expect(await client.outcome).not.toBe('answered');
      // Koa reports the abort through app 'error' (exposed, so its default handler prints nothing).
      await expect.poll(() => appErrors.length, { timeout: 2_000 }).toBe(1);
      expect(appErrors[0]).toBe(reason);
      expect(handled).toBe(false);
    },
  );

  it('does not abort a verification whose client stays', async () => {
    const { verifier, calls } = spyOnVerify(resources.verifier(emulator));
    const server = await serve(tencentCaptcha({ verifier }));
    emulator.faults.set('api', { kind: 'latency', ms: 100 }, { times: 1 });
    await request(server).post('/login').send(ticketBody(emulator.issueTicket())).expect(200);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.signal?.aborted).toBe(false);
    expect(await calls[0]!.settled).toBe('resolved');
  });
});
