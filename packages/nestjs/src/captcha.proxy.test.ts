/**
 * Proxy trust: the user IP is the platform's `req.ip`, so Express's `trust proxy` / Fastify's
 * `trustProxy` alone decide whether `X-Forwarded-For` counts. What the verifier sees is observed
 * through core's `onVerdict` hook, and the consequence through core's per-IP budget.
 */
import 'reflect-metadata';
import { Controller, HttpCode, Post, type INestApplication } from '@nestjs/common';
import type { VerdictEvent } from '@tencent-captcha/core';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CaptchaVerdict, RequireCaptcha } from './captcha.decorators.js';
import { CaptchaModule } from './captcha.module.js';
import { PLATFORMS, emulatorVerifierOptions, startApp } from './test-support.js';

@Controller()
class CommentController {
  @Post('comment')
  @HttpCode(200)
  @RequireCaptcha({ mode: 'open' })
  comment(@CaptchaVerdict() verdict: CaptchaVerdict) {
    return { verdict };
  }
}

let emulator: Emulator;
beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await emulator?.close();
});

describe.each(PLATFORMS)('user IP on %s', (platform) => {
  let app: INestApplication | undefined;
  let seen: VerdictEvent[];
  const http = () => request(app!.getHttpServer());
  const solve = () => {
    const { ticket, randstr } = emulator.issueTicket();
    return { 'tencent-captcha-ticket': ticket, 'tencent-captcha-randstr': randstr };
  };
  const start = async (trustProxy: boolean) => {
    app = await startApp(platform, {
      trustProxy,
      imports: [
        CaptchaModule.forRoot({
          verifier: emulatorVerifierOptions(emulator, {
            // One degraded acceptance per client IP while Tencent is down (mode `open`).
            budgets: { perIp: 1, global: 100, outagePerIp: 1, outageGlobal: 100 },
            hooks: { onVerdict: (event) => void seen.push(event) },
          }),
        }),
      ],
      controllers: [CommentController],
    });
  };

  beforeEach(() => {
    seen = [];
  });
  afterEach(async () => {
    emulator.faults.clear();
    await app?.close();
    app = undefined;
  });

  it('ignores a spoofed X-Forwarded-For when the proxy is not trusted', async () => {
    await start(false);
    await http().post('/comment').set('X-Forwarded-For', '203.0.113.9').send(solve()).expect(200);
    expect(seen.map((e) => e.userIp)).toEqual(['127.0.0.1']);

    // So rotating the header does not buy a second degraded acceptance.
    emulator.faults.set('api', { kind: 'internal-error' });
    const first = await http().post('/comment').set('X-Forwarded-For', '198.51.100.1').send(solve()).expect(200);
    expect(first.body.verdict).toMatchObject({ status: 'degraded', accepted: true });
    const second = await http().post('/comment').set('X-Forwarded-For', '198.51.100.2').send(solve()).expect(503);
    expect(second.body.code).toBe('budget_exhausted');
    expect(seen.map((e) => e.userIp)).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
  });

  it('uses the X-Forwarded-For client when the proxy is trusted', async () => {
    await start(true);
    await http().post('/comment').set('X-Forwarded-For', '203.0.113.9').send(solve()).expect(200);
    expect(seen.map((e) => e.userIp)).toEqual(['203.0.113.9']);

    emulator.faults.set('api', { kind: 'internal-error' });
    await http().post('/comment').set('X-Forwarded-For', '198.51.100.1').send(solve()).expect(200);
    await http().post('/comment').set('X-Forwarded-For', '198.51.100.2').send(solve()).expect(200);
    const again = await http().post('/comment').set('X-Forwarded-For', '198.51.100.1').send(solve()).expect(503);
    expect(again.body.code).toBe('budget_exhausted');
    expect(seen.map((e) => e.userIp)).toEqual(['203.0.113.9', '198.51.100.1', '198.51.100.2', '198.51.100.1']);
  });
});
