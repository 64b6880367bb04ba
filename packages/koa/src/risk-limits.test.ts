/**
 * Per-route risk limits: `tencentCaptcha({ verifier, maxEvilLevel, maxScore })` passes core's per-call
 * limits, so one shared verifier serves a strict login and a lenient comment form.
 */
import Koa from 'koa';
import { Router } from '@koa/router';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tencentCaptcha } from './index.js';
import { Resources, parseBody, startEmulator, type TestEmulator } from './testing/harness.js';

let emulator: TestEmulator;
const resources = new Resources();
beforeAll(async () => {
  emulator = await startEmulator();
});
afterEach(async () => {
  await resources.closeAll();
});
afterAll(async () => {
  await emulator.close();
});

describe('tencentCaptcha() per-route risk limits', () => {
  it('refuses on the stricter route what the verifier’s own limits accept', async () => {
    const verifier = resources.verifier(emulator);
    const router = new Router();
    router.post('/comment', parseBody(), tencentCaptcha({ verifier }), (ctx) => {
      ctx.body = { ok: true };
    });
    router.post('/login', parseBody(), tencentCaptcha({ verifier, maxEvilLevel: 10, maxScore: 30 }), (ctx) => {
      ctx.body = { ok: true };
    });
    const app = new Koa();
    app.use(router.routes());
    const server = await resources.listen(app);
    const post = (path: string, t: { ticket: string; randstr: string }) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ 'tencent-captcha-ticket': t.ticket, 'tencent-captcha-randstr': t.randstr }),
      });
    expect((await post('/comment', emulator.issueTicket({ evilLevel: 50 }))).status).toBe(200);
    const evil = await post('/login', emulator.issueTicket({ evilLevel: 50 }));
    expect([evil.status, ((await evil.json()) as { code: string }).code]).toEqual([403, 'evil_level_too_high']);
    const risky = await post('/login', emulator.issueTicket({ score: 40 }));
    expect([risky.status, ((await risky.json()) as { code: string }).code]).toEqual([403, 'risk_score_too_high']);
    expect((await post('/login', emulator.issueTicket({ evilLevel: 0, score: 5 }))).status).toBe(200);
  });

  it('refuses an out-of-range limit when the middleware is created', () => {
    const verifier = resources.verifier(emulator);
    expect(() => tencentCaptcha({ verifier, maxScore: -1 })).toThrow(expect.objectContaining({ code: 'invalid_option', option: 'maxScore' }));
  });
});
