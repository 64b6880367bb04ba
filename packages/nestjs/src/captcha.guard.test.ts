/**
 * Real HTTP (supertest) against Nest apps on Express and on Fastify, wired to the emulator: every
 * verdict class and HTTP status, where the ticket is read from, per-route modes, class- and
 * method-level decorators and skip.
 */
import 'reflect-metadata';
import { Controller, Get, HttpCode, Logger, Post, type INestApplication } from '@nestjs/common';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import request from 'supertest';
import { Test } from '@nestjs/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CAPTCHA_VERIFIER } from './captcha.constants.js';
import { CaptchaVerdict, RequireCaptcha, SkipCaptcha } from './captcha.decorators.js';
import { CaptchaGuard } from './captcha.guard.js';
import { CaptchaModule } from './captcha.module.js';
import type { CaptchaHttpRequest } from './captcha.options.js';
import { PLATFORMS, emulatorVerifierOptions, startApp } from './test-support.js';

interface RequestWithQuery extends CaptchaHttpRequest {
  query: Record<string, string | undefined>;
}

/** Handlers that ran, in order, with the verdict they were given. */
const calls: Array<{ route: string; verdict: CaptchaVerdict | undefined }> = [];

function ran(route: string, verdict: CaptchaVerdict | undefined) {
  calls.push({ route, verdict });
  return { route, verdict: verdict ?? null };
}

@Controller()
class FormController {
  @Post('login')
  @HttpCode(200)
  @RequireCaptcha({ mode: 'closed' })
  login(@CaptchaVerdict() verdict: CaptchaVerdict) {
    return ran('login', verdict);
  }

  @Post('comment')
  @HttpCode(200)
  @RequireCaptcha()
  comment(@CaptchaVerdict() verdict: CaptchaVerdict) {
    return ran('comment', verdict);
  }

  @Post('status')
  @HttpCode(200)
  @RequireCaptcha()
  status(@CaptchaVerdict('status') status: CaptchaVerdict['status']) {
    calls.push({ route: 'status', verdict: undefined });
    return { status };
  }

  @Get('query')
  @RequireCaptcha({
    // The platform's request type is accepted as the getter's parameter type.
    getTicket: (req: RequestWithQuery) => req.query.t,
    getRandstr: (req: RequestWithQuery) => req.query.r,
    skip: (req: RequestWithQuery) => req.query.t === 'let-me-in-please',
  })
  query(@CaptchaVerdict() verdict: CaptchaVerdict | undefined) {
    return ran('query', verdict);
  }

  @Post('public')
  @HttpCode(200)
  unguarded(@CaptchaVerdict() verdict: CaptchaVerdict | undefined) {
    return ran('public', verdict);
  }
}

@Controller('class')
@RequireCaptcha({ mode: 'open' })
class ClassGuardedController {
  @Post('inherits')
  @HttpCode(200)
  inherits(@CaptchaVerdict() verdict: CaptchaVerdict) {
    return ran('class/inherits', verdict);
  }

  @Post('closed')
  @HttpCode(200)
  @RequireCaptcha({ mode: 'closed' })
  closed(@CaptchaVerdict() verdict: CaptchaVerdict) {
    return ran('class/closed', verdict);
  }

  @Post('skipped')
  @HttpCode(200)
  @SkipCaptcha()
  skipped(@CaptchaVerdict() verdict: CaptchaVerdict | undefined) {
    return ran('class/skipped', verdict);
  }

  @Get('read')
  read(@CaptchaVerdict() verdict: CaptchaVerdict) {
    return ran('class/read', verdict);
  }
}

@Controller('skipped-class')
@SkipCaptcha()
class SkippedClassController {
  @Post('required')
  @HttpCode(200)
  @RequireCaptcha({ mode: 'closed' })
  required(@CaptchaVerdict() verdict: CaptchaVerdict) {
    return ran('skipped-class/required', verdict);
  }
}

let emulator: Emulator;

beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await emulator?.close();
});

describe.each(PLATFORMS)('CaptchaGuard on %s', (platform) => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());
  const solve = () => {
    const { ticket, randstr } = emulator.issueTicket();
    return { 'tencent-captcha-ticket': ticket, 'tencent-captcha-randstr': randstr };
  };

  beforeAll(async () => {
    app = await startApp(platform, {
      imports: [CaptchaModule.forRoot({ verifier: emulatorVerifierOptions(emulator) })],
      controllers: [FormController, ClassGuardedController, SkippedClassController],
    });
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => {
    calls.length = 0;
  });
  afterEach(() => {
    emulator.faults.clear();
  });

  describe('verified', () => {
    it('answers 200 and hands the verdict to the handler for a ticket in a JSON body', async () => {
      const res = await http().post('/login').send(solve()).expect(200);
      expect(res.body.verdict).toMatchObject({ status: 'verified', accepted: true, reason: 'verified', captchaCode: 1, mode: 'closed', attempts: 1 });
      expect(res.body.verdict.requestId).toEqual(expect.any(String));
      expect(calls.map((c) => c.route)).toEqual(['login']);
    });

    it('reads a urlencoded form body', async () => {
      const res = await http().post('/login').type('form').send(solve()).expect(200);
      expect(res.body.verdict).toMatchObject({ status: 'verified', reason: 'verified' });
    });

    it('reads the x-tencent-captcha-* headers when the body has no ticket', async () => {
      const { ticket, randstr } = emulator.issueTicket();
      const res = await http()
        .post('/login')
        .set('x-tencent-captcha-ticket', ticket)
        .set('x-tencent-captcha-randstr', randstr)
        .expect(200);
      expect(res.body.verdict).toMatchObject({ status: 'verified', reason: 'verified' });
    });

    it('injects one field of the verdict with @CaptchaVerdict(field)', async () => {
      const res = await http().post('/status').send(solve()).expect(200);
      expect(res.body).toEqual({ status: 'verified' });
    });

    it("uses a route's own getters and skip instead of the module's", async () => {
      const { ticket, randstr } = emulator.issueTicket();
      // The default places are not read on this route.
      await http().get('/query').set('x-tencent-captcha-ticket', ticket).set('x-tencent-captcha-randstr', randstr).expect(400);
      const res = await http().get('/query').query({ t: ticket, r: randstr }).expect(200);
      expect(res.body.verdict).toMatchObject({ status: 'verified' });
      const skipped = await http().get('/query').query({ t: 'let-me-in-please' }).expect(200);
      expect(skipped.body).toEqual({ route: 'query', verdict: null });
    });

    it('leaves routes without @RequireCaptcha alone (no verdict)', async () => {
      const res = await http().post('/public').send({}).expect(200);
      expect(res.body).toEqual({ route: 'public', verdict: null });
    });
  });

  describe('rejected', () => {
    it('answers 400 ticket_missing as { code, message } and does not run the handler', async () => {
      const res = await http().post('/login').send({}).expect(400);
      expect(res.body).toEqual({ code: 'ticket_missing', message: expect.any(String) });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['retry-after']).toBeUndefined();
      expect(calls).toEqual([]);
    });

    it('answers 400 ticket_malformed for a ticket with characters no ticket has', async () => {
      const res = await http().post('/login').send({ 'tencent-captcha-ticket': 'not a ticket!', 'tencent-captcha-randstr': '@abc' }).expect(400);
      expect(res.body.code).toBe('ticket_malformed');
    });

    it('answers 400 ticket_malformed for a repeated form field rather than guessing', async () => {
      const { ticket, randstr } = emulator.issueTicket();
      const form = `tencent-captcha-ticket=${ticket}&tencent-captcha-ticket=${ticket}&tencent-captcha-randstr=${encodeURIComponent(randstr)}`;
      const res = await http().post('/login').type('form').send(form).expect(400);
      expect(res.body.code).toBe('ticket_malformed');
    });

    it("follows core's extraction rule: a body field that is present decides, the header is not consulted instead", async () => {
      const { ticket, randstr } = emulator.issueTicket();
      for (const bad of [null, 42, { t: ticket }, [ticket], 'x'.repeat(4096)]) {
        const res = await http()
          .post('/login')
          .set('x-tencent-captcha-ticket', ticket)
          .set('x-tencent-captcha-randstr', randstr)
          .send({ 'tencent-captcha-ticket': bad })
          .expect(400);
        expect(res.body.code).toBe('ticket_malformed');
      }
      const badRandstr = await http().post('/login').send({ 'tencent-captcha-ticket': ticket, 'tencent-captcha-randstr': 7 }).expect(400);
      expect(badRandstr.body.code).toBe('randstr_malformed');
      expect(calls).toEqual([]);
    });

    it('answers 400 ticket_malformed for a repeated header', async () => {
      const { ticket, randstr } = emulator.issueTicket();
      const res = await http()
        .post('/login')
        // An array goes to Node's setHeader: one header line per value.
        .set('x-tencent-captcha-ticket', [ticket, ticket] as unknown as string)
        .set('x-tencent-captcha-randstr', randstr)
        .expect(400);
      expect(res.body.code).toBe('ticket_malformed');
    });

    it('answers 400 randstr_missing', async () => {
      const { ticket } = emulator.issueTicket();
      const res = await http().post('/login').send({ 'tencent-captcha-ticket': ticket }).expect(400);
      expect(res.body.code).toBe('randstr_missing');
    });

    it('answers 403 when Tencent refuses the ticket (reused)', async () => {
      const body = solve();
      await http().post('/login').send(body).expect(200);
      const res = await http().post('/login').send(body).expect(403);
      expect(res.body).toEqual({ code: 'ticket_reused', message: expect.any(String) });
      expect(calls.map((c) => c.route)).toEqual(['login']);
    });

    it('answers 403 randstr_mismatch', async () => {
      const { ticket } = emulator.issueTicket();
      const res = await http().post('/login').send({ 'tencent-captcha-ticket': ticket, 'tencent-captcha-randstr': '@wrong1' }).expect(403);
      expect(res.body.code).toBe('randstr_mismatch');
    });

    it('answers 403 when Tencent passes the ticket but the request looks malicious', async () => {
      const { ticket, randstr } = emulator.issueTicket({ evilLevel: 100 });
      const res = await http().post('/login').send({ 'tencent-captcha-ticket': ticket, 'tencent-captcha-randstr': randstr }).expect(403);
      expect(res.body.code).toBe('evil_level_too_high');
    });

    it('answers 503 misconfigured, without Retry-After, when Tencent says our credentials are wrong', async () => {
      emulator.faults.set('api', { kind: 'api-error', code: 'AuthFailure.SecretIdNotFound' });
      const res = await http().post('/comment').send(solve()).expect(503);
      expect(res.body).toEqual({ code: 'misconfigured', message: expect.any(String) });
      expect(res.headers['retry-after']).toBeUndefined();
      expect(calls).toEqual([]);
    });
  });

  describe('degraded (Tencent fails)', () => {
    it('accepts in the default adaptive mode and tells the handler it was degraded', async () => {
      emulator.faults.set('api', { kind: 'internal-error' });
      const res = await http().post('/comment').send(solve()).expect(200);
      expect(res.body.verdict).toMatchObject({ status: 'degraded', accepted: true, reason: 'upstream_internal_error', mode: 'adaptive' });
    });

    it('answers 503 with Retry-After on @RequireCaptcha({ mode: "closed" })', async () => {
      emulator.faults.set('api', { kind: 'internal-error' });
      const res = await http().post('/login').send(solve()).expect(503);
      expect(res.body).toEqual({ code: 'upstream_internal_error', message: expect.any(String) });
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(calls).toEqual([]);
    });

    it("accepts a fresh disaster ticket from the browser (the SDK could not load) as degraded, but not on a closed route", async () => {
      const disaster = () => ({
        'tencent-captcha-ticket': `trerror_1001_${emulator.appId}_${Math.floor(Date.now() / 1000)}`,
        'tencent-captcha-randstr': '@k3j5h2g7f9d',
      });
      const res = await http().post('/comment').send(disaster()).expect(200);
      expect(res.body.verdict).toMatchObject({ status: 'degraded', accepted: true, reason: 'disaster_ticket' });
      const closed = await http().post('/login').send(disaster()).expect(503);
      expect(closed.body.code).toBe('disaster_ticket');
      expect(closed.headers['retry-after']).toMatch(/^\d+$/);
    });

    it('answers 403 for a forged disaster ticket of another app', async () => {
      const forged = { 'tencent-captcha-ticket': `trerror_1001_123456789_${Math.floor(Date.now() / 1000)}`, 'tencent-captcha-randstr': '@k3j5h2g7f9d' };
      const res = await http().post('/comment').send(forged).expect(403);
      expect(res.body.code).toBe('disaster_ticket_app_id_mismatch');
    });

    it('answers 503 with Retry-After for an HTTP 5xx from Tencent in closed mode', async () => {
      emulator.faults.set('api', { kind: 'http-error', status: 502 });
      const res = await http().post('/login').send(solve()).expect(503);
      expect(res.body.code).toBe('upstream_error');
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
    });
  });

  describe('class- and method-level decorators', () => {
    it('guards every method of a @RequireCaptcha class with the class options', async () => {
      await http().post('/class/inherits').send({}).expect(400);
      emulator.faults.set('api', { kind: 'internal-error' });
      const res = await http().post('/class/inherits').send(solve()).expect(200);
      expect(res.body.verdict).toMatchObject({ status: 'degraded', accepted: true, mode: 'open' });
    });

    it('guards GET routes too, reading the headers', async () => {
      await http().get('/class/read').expect(400);
      const { ticket, randstr } = emulator.issueTicket();
      const res = await http().get('/class/read').set('x-tencent-captcha-ticket', ticket).set('x-tencent-captcha-randstr', randstr).expect(200);
      expect(res.body.verdict).toMatchObject({ status: 'verified', mode: 'open' });
    });

    it("lets a method's @RequireCaptcha({ mode: 'closed' }) override the class's open mode, verifying once", async () => {
      const ok = await http().post('/class/closed').send(solve()).expect(200);
      // Guard applied by class and method: one verification (a second would find the ticket used).
      expect(ok.body.verdict).toMatchObject({ status: 'verified', mode: 'closed', attempts: 1 });
      emulator.faults.set('api', { kind: 'internal-error' });
      const res = await http().post('/class/closed').send(solve()).expect(503);
      expect(res.body.code).toBe('upstream_internal_error');
    });

    it("lets a method's @SkipCaptcha() exempt it from its class's @RequireCaptcha()", async () => {
      const res = await http().post('/class/skipped').send({}).expect(200);
      expect(res.body).toEqual({ route: 'class/skipped', verdict: null });
    });

    it("lets a method's @RequireCaptcha() win over its class's @SkipCaptcha()", async () => {
      await http().post('/skipped-class/required').send({}).expect(400);
      const res = await http().post('/skipped-class/required').send(solve()).expect(200);
      expect(res.body.verdict).toMatchObject({ status: 'verified', mode: 'closed' });
    });
  });
});

describe('CaptchaGuard outside HTTP', () => {
  const nonHttpContext = (type: string, handler: () => void, cls: object) =>
    ({
      getType: () => type,
      getHandler: () => handler,
      getClass: () => cls,
      getArgs: () => [{}, {}, {}],
      switchToHttp: () => {
        throw new Error('not http');
      },
    }) as never;

  let errors: string[];
  beforeEach(() => {
    errors = [];
    vi.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => void errors.push(String(message)));
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each(['rpc', 'ws'])("refuses a '%s' handler under the guard (globalGuard in a hybrid app), logging it once, unless it has @SkipCaptcha()", async (type) => {
    const verify = vi.fn();
    const moduleRef = await Test.createTestingModule({ imports: [CaptchaModule.forRoot({})] })
      .overrideProvider(CAPTCHA_VERIFIER)
      .useValue({ verify, close: async () => {} })
      .compile();
    const guard = moduleRef.get(CaptchaGuard);
    class Handlers {
      plain() {}
      guarded() {}
      skipped() {}
    }
    @SkipCaptcha()
    class SkippedHandlers {
      any() {}
    }
    const decorate = (decorator: MethodDecorator, name: 'guarded' | 'skipped') =>
      decorator(Handlers.prototype, name, Object.getOwnPropertyDescriptor(Handlers.prototype, name)!);
    decorate(RequireCaptcha(), 'guarded');
    decorate(SkipCaptcha(), 'skipped');

    await expect(guard.canActivate(nonHttpContext(type, Handlers.prototype.plain, Handlers))).rejects.toMatchObject({
      code: 'invalid_option',
      message: expect.stringMatching(new RegExp(`'${type}' handler Handlers\\.plain`)),
    });
    await expect(guard.canActivate(nonHttpContext(type, Handlers.prototype.plain, Handlers))).rejects.toMatchObject({ code: 'invalid_option' });
    await expect(guard.canActivate(nonHttpContext(type, Handlers.prototype.guarded, Handlers))).rejects.toMatchObject({ code: 'invalid_option' });
    await expect(guard.canActivate(nonHttpContext(type, Handlers.prototype.skipped, Handlers))).resolves.toBe(true);
    await expect(guard.canActivate(nonHttpContext(type, SkippedHandlers.prototype.any, SkippedHandlers))).resolves.toBe(true);
    expect(verify).not.toHaveBeenCalled();
    // Loud, but once per handler, not once per request.
    expect(errors).toEqual([expect.stringContaining('Handlers.plain'), expect.stringContaining('Handlers.guarded')]);
    await moduleRef.close();
  });
});
