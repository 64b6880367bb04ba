/**
 * Per-route risk limits: `@RequireCaptcha({ maxEvilLevel, maxScore })` (and the module option) pass
 * core's per-call limits, so a login can refuse a risky solve that a comment form accepts. Real HTTP
 * on Express and Fastify against the emulator.
 */
import 'reflect-metadata';
import { Controller, HttpCode, Post, type INestApplication } from '@nestjs/common';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RequireCaptcha } from './captcha.decorators.js';
import { CaptchaModule } from './captcha.module.js';
import { PLATFORMS, emulatorVerifierOptions, startApp } from './test-support.js';

@Controller()
class RiskController {
  @Post('comment')
  @HttpCode(200)
  @RequireCaptcha()
  comment() {
    return { ok: true };
  }

  @Post('login')
  @HttpCode(200)
  @RequireCaptcha({ maxEvilLevel: 10, maxScore: 30 })
  login() {
    return { ok: true };
  }
}

let emulator: Emulator;
beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await emulator?.close();
});

describe.each(PLATFORMS)('per-route risk limits on %s', (platform) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  const fields = (t: { ticket: string; randstr: string }) => ({ 'tencent-captcha-ticket': t.ticket, 'tencent-captcha-randstr': t.randstr });

  it('refuses on the stricter route what the verifier’s own limits accept', async () => {
    app = await startApp(platform, {
      imports: [CaptchaModule.forRoot({ verifier: emulatorVerifierOptions(emulator) })],
      controllers: [RiskController],
    });
    const http = () => request(app!.getHttpServer());
    await http().post('/comment').send(fields(emulator.issueTicket({ evilLevel: 50 }))).expect(200);
    const evil = await http().post('/login').send(fields(emulator.issueTicket({ evilLevel: 50 }))).expect(403);
    expect(evil.body.code).toBe('evil_level_too_high');
    const risky = await http().post('/login').send(fields(emulator.issueTicket({ score: 40 }))).expect(403);
    expect(risky.body.code).toBe('risk_score_too_high');
    await http().post('/login').send(fields(emulator.issueTicket({ evilLevel: 0, score: 5 }))).expect(200);
  });

  it('refuses an out-of-range limit when the decorator is applied', () => {
    expect(() => RequireCaptcha({ maxEvilLevel: 101 })).toThrow(expect.objectContaining({ code: 'invalid_option' }));
  });
});
