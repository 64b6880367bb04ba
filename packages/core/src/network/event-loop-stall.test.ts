/**
 * Attack (issue 18 point 2): a synchronous block of 2–5 s in this process, while 64 junk
 * verifications are in flight against a healthy HTTPS upstream answering in 20 ms, on the real undici
 * transport with a warm and with a cold pool. Before the fix, a block of ~3 s made every attempt
 * time out (the requests were not even written yet), the breaker opened and junk tickets were
 * accepted on the outage budget. Now the breaker stays closed and acceptances stay within the healthy
 * budgets. Real time, bounded: 6 runs, about 21 s of blocking in all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS } from '../../test/helpers/fake-tencent.js';
import { startHttpsTencent, type HttpsTencent } from '../../test/helpers/https-tencent.js';
import { createCaptchaVerifier } from '../engine/verifier.js';
import type { CaptchaVerdict } from '../types/verdict.js';

let upstream: HttpsTencent;
beforeAll(async () => {
  upstream = await startHttpsTencent(20);
});
afterAll(async () => {
  await upstream?.close();
});

/** Blocks the event loop for `ms`. */
function block(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}

const junk = (i: number) => ({ ticket: `t03junk-${i}-${Math.random().toString(36).slice(2)}`, randstr: '@abc', userIp: '198.51.100.66' });

async function attack(blockMs: number, warm: boolean): Promise<{ verdicts: CaptchaVerdict[]; opened: number }> {
  let opened = 0;
  const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint: upstream.endpoint, env: {}, logger: false, hooks: { onBreakerOpen: () => opened++ } });
  try {
    if (warm) {
      // 64 connections open and idle in the pool.
      const warmed = await Promise.all(Array.from({ length: 64 }, (_, i) => verifier.verify(junk(1000 + i))));
      expect(warmed.every((v) => v.reason === 'ticket_invalid' || v.accepted === false)).toBe(true);
    }
    const pending = Array.from({ length: 64 }, (_, i) => verifier.verify(junk(i)));
    // Let the verifications reach the transport, then stall the process.
    await new Promise((r) => setImmediate(r));
    block(blockMs);
    const verdicts = await Promise.all(pending);
    return { verdicts, opened };
  } finally {
    await verifier.close();
  }
}

describe('attack: an event-loop stall while Tencent is healthy (real undici over HTTPS)', () => {
  const cases: Array<[number, boolean]> = [
    [2000, true],
    [3000, true],
    [3500, true],
    [5000, true],
    [3000, false],
    [4500, false],
  ];
  it.each(cases)('a %d ms block (warm pool: %s) never opens the breaker nor accepts junk over the healthy budget', async (ms, warm) => {
    const { verdicts, opened } = await attack(ms, warm);
    expect(opened).toBe(0);
    expect(verdicts.every((v) => v.breaker === 'closed')).toBe(true);
    // Healthy per-IP budget: 3.
    expect(verdicts.filter((v) => v.accepted).length).toBeLessThanOrEqual(3);
    // Every junk ticket got Tencent's answer or was refused as overloaded, never a timeout.
    expect(verdicts.filter((v) => v.reason === 'upstream_timeout')).toEqual([]);
  }, 30_000);
});
