/**
 * CaptchaModule.forRoot with a legacy verifier (`createLegacyCaptchaVerifier`, 天御 CaptchaCheck), on
 * Express and Fastify over HTTP against the emulator: the guard, `@RequireCaptcha()`, `@SkipCaptcha()`
 * and `@CaptchaVerdict()` work unchanged — solve → 200, replay → 403 `ticket_reused`, no randstr
 * needed, API hang in closed mode → 503 + Retry-After.
 */
import 'reflect-metadata';
import { Controller, Get, HttpCode, Post, type INestApplication } from '@nestjs/common';
import { createLegacyCaptchaVerifier, type LegacyCaptchaVerifier } from '@tencent-captcha/core';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CaptchaVerdict, RequireCaptcha, SkipCaptcha } from './captcha.decorators.js';
import { CaptchaModule } from './captcha.module.js';
import { PLATFORMS, startApp } from './test-support.js';

let emulator: Emulator;
let verifier: LegacyCaptchaVerifier;

@Controller()
@RequireCaptcha({ mode: 'closed' })
class LegacyLoginController {
  @Get('legacy')
  @SkipCaptcha()
  async page() {
    return { src: await verifier.getScriptUrl({ clientType: 'mobile' }) };
  }

  @Post('legacy')
  @HttpCode(200)
  login(@CaptchaVerdict() verdict: CaptchaVerdict) {
    return { status: verdict.status, reason: verdict.reason };
  }
}

beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
  verifier = createLegacyCaptchaVerifier({
    captchaAppId: emulator.appId,
    secretId: emulator.secretId,
    secretKey: emulator.secretKey,
    endpoint: emulator.legacyApiUrl,
    env: {},
    attemptTimeoutMs: 800,
    deadlineMs: 1200,
    storeTimeoutMs: 200,
    retry: { enabled: false },
    logger: false,
  });
  // Load undici and open a connection now: a cold first request is slow enough on a busy machine to
  // be taken for local overload.
  await verifier.verify({ ticket: emulator.issueLegacyTicket().ticket, randstr: '', userIp: '203.0.113.7' });
});
afterAll(async () => {
  await verifier?.close();
  await emulator?.close();
});

describe.each(PLATFORMS)('CaptchaModule.forRoot({ verifier: createLegacyCaptchaVerifier(…) }) on %s', (platform) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await startApp(platform, { imports: [CaptchaModule.forRoot({ verifier, globalGuard: true })], controllers: [LegacyLoginController] });
  });
  afterAll(async () => {
    await app?.close();
  });
  afterEach(() => emulator.faults.clear());
  const http = () => request(app.getHttpServer());

  it('GET (skipped) gets the one-time script URL; solve → 200, replay → 403 ticket_reused', async () => {
    const page = await http().get('/legacy').expect(200);
    expect(page.body.src).toContain('clientype=1');
    const { ticket, randstr } = emulator.issueLegacyTicket();
    const body = { 'tencent-captcha-ticket': ticket, 'tencent-captcha-randstr': randstr };
    await http().post('/legacy').send(body).expect(200, { status: 'verified', reason: 'verified' });
    const replay = await http().post('/legacy').send(body);
    expect([replay.status, replay.body.code]).toEqual([403, 'ticket_reused']);
  });

  it('needs no randstr; a missing ticket is 400', async () => {
    await http().post('/legacy').send({ 'tencent-captcha-ticket': emulator.issueLegacyTicket().ticket }).expect(200);
    const missing = await http().post('/legacy').send({});
    expect([missing.status, missing.body.code]).toEqual([400, 'ticket_missing']);
  });

  it('API hang in closed mode → 503 + Retry-After within the deadline', async () => {
    emulator.faults.set('api', { kind: 'hang' });
    const res = await http().post('/legacy').send({ 'tencent-captcha-ticket': emulator.issueLegacyTicket().ticket });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.body).toMatchObject({ code: 'upstream_timeout' });
  });
});
