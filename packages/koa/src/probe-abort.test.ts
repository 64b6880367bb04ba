/**
 * Attack (design §3.2a): after a real blip opens the breaker, a client sends a request when the probe
 * is due and hangs up 5 ms later, over and over, to keep the outage budget open while Tencent is
 * healthy. Over real HTTP through the middleware: the probe outlives its client and closes the breaker.
 */
import Koa from 'koa';
import { Router } from '@koa/router';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tencentCaptcha } from './index.js';
import { Resources, parseBody, postThenHangUp, startEmulator, type TestEmulator } from './testing/harness.js';

let emulator: TestEmulator;
const resources = new Resources();
beforeAll(async () => {
  emulator = await startEmulator();
});
afterEach(async () => {
  emulator.faults.clear();
  await resources.closeAll();
});
afterAll(async () => {
  await emulator.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('tencentCaptcha() when clients abandon the half-open probe', () => {
  it('closes the breaker within 6 probe cycles while the emulator is healthy', async () => {
    // Threshold 1: the one failure opens the breaker (the default needs failures spread over seconds).
    const verifier = resources.verifier(emulator, { breaker: { failureThreshold: 1, halfOpenAfterMs: 100 } });
    const app = new Koa();
    const router = new Router();
    router.post('/login', parseBody(), tencentCaptcha({ verifier }), (ctx) => {
      ctx.body = { ok: true };
    });
    app.use(router.routes());
    const server = await resources.listen(app);

    emulator.faults.set('api', { kind: 'internal-error' }, { times: 1 });
    for (let i = 0; i < 1; i++) {
      const t = emulator.issueTicket();
      await fetch(`${server.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ 'tencent-captcha-ticket': t.ticket, 'tencent-captcha-randstr': t.randstr }),
      });
    }
    expect(verifier.breakerState).toBe('open');

    // Healthy again, but slower than the attacker's 5 ms of patience.
    emulator.faults.set('api', { kind: 'latency', ms: 30 });
    for (let cycle = 0; cycle < 6 && verifier.breakerState !== 'closed'; cycle++) {
      await sleep(110);
      const t = emulator.issueTicket();
      const { outcome, hangUp } = postThenHangUp(`${server.url}/login`, { 'tencent-captcha-ticket': t.ticket, 'tencent-captcha-randstr': t.randstr });
      await sleep(5);
      hangUp();
      expect(await outcome).not.toBe('answered');
      await sleep(60);
    }
    expect(verifier.breakerState).toBe('closed');
  });
});
