/**
 * Disaster tickets are trivially forged. While Tencent (the emulator) is healthy, 1,000 forged ones —
 * random error codes, app ids, timestamps, suffixes, plus replays, from 40 client IPs, sent
 * concurrently — must be accepted at most the configured budget; replays and wrong app ids never.
 */
import { createEmulator } from '@tencent-captcha/emulator';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaptchaVerifier } from './engine/verifier.js';
import type { CaptchaVerdict } from './types/verdict.js';

type Emulator = Awaited<ReturnType<typeof createEmulator>>;
let emulator: Emulator;

beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await emulator.close();
});

describe('verify() with forged disaster tickets', () => {
  it('accepts at most the budget, never a replay, never a wrong app id', async () => {
    const now = Date.now();
    const nowSeconds = Math.floor(now / 1000);
    const budget = { perIp: 3, global: 25 };
    const verifier = createCaptchaVerifier({
      captchaAppId: emulator.appId,
      appSecretKey: emulator.appSecretKey,
      secretId: emulator.secretId,
      secretKey: emulator.secretKey,
      endpoint: emulator.apiUrl,
      env: {},
      // One budget window for the whole run.
      now: () => now,
      budgets: budget,
    });

    const ips = Array.from({ length: 40 }, (_, i) => `198.51.100.${i + 1}`);
    const forged = fc.record({
      prefix: fc.constantFrom('trerror_', 'terror_'),
      code: fc.integer({ min: 0, max: 999_999 }),
      appId: fc.oneof(fc.constant(emulator.appId), fc.stringMatching(/^[1-9]\d{0,19}$/)),
      timestamp: fc.oneof(fc.integer({ min: nowSeconds - 400, max: nowSeconds + 400 }), fc.integer({ min: 100_000_000, max: 99_999_999_999 })),
      suffix: fc.option(fc.stringMatching(/^[A-Za-z0-9]{1,8}$/), { nil: undefined, freq: 4 }),
      ip: fc.constantFrom(...ips),
    });
    const samples = fc.sample(forged, { numRuns: 800, seed: 20260115 });
    const tickets = samples.map((s) => ({
      ticket: `${s.prefix}${s.code}_${s.appId}_${s.timestamp}${s.suffix === undefined ? '' : `_${s.suffix}`}`,
      appId: s.appId,
      timestamp: s.timestamp,
      ip: s.ip,
    }));
    // 200 replays of earlier tickets (from any IP), mixed in.
    const replays = fc.sample(fc.tuple(fc.integer({ min: 0, max: tickets.length - 1 }), fc.constantFrom(...ips)), { numRuns: 200, seed: 7 });
    const all = [...tickets];
    for (const [i, ip] of replays) all.splice(Math.min(all.length, i + 1 + (i % 7)), 0, { ...tickets[i]!, ip });
    expect(all).toHaveLength(1000);

    const verdicts: Array<{ t: (typeof all)[number]; v: CaptchaVerdict }> = [];
    for (let i = 0; i < all.length; i += 100) {
      const batch = all.slice(i, i + 100);
      const results = await Promise.all(
        batch.map((t) => verifier.verify({ ticket: t.ticket, randstr: '@forged12345', userIp: t.ip })),
      );
      results.forEach((v, j) => verdicts.push({ t: batch[j]!, v }));
    }
    await verifier.close();

    const accepted = verdicts.filter(({ v }) => v.accepted);
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.length).toBeLessThanOrEqual(budget.global);
    for (const ip of ips) expect(accepted.filter(({ t }) => t.ip === ip).length).toBeLessThanOrEqual(budget.perIp);
    for (const { t, v } of accepted) {
      expect(t.appId).toBe(emulator.appId);
      expect(nowSeconds - t.timestamp).toBeLessThanOrEqual(300 + 30);
      expect(t.timestamp - nowSeconds).toBeLessThanOrEqual(30);
      expect(v).toMatchObject({ status: 'degraded', reason: 'disaster_ticket', branch: 'degraded_accept', captchaCode: 21 });
    }
    // A ticket string is accepted at most once (concurrent presentations race; one wins), and never
    // when presented again in a later batch.
    const acceptedTickets = accepted.map(({ t }) => t.ticket);
    expect(new Set(acceptedTickets).size).toBe(acceptedTickets.length);
    const firstBatch = new Map<string, number>();
    verdicts.forEach(({ t }, i) => firstBatch.set(t.ticket, firstBatch.get(t.ticket) ?? Math.floor(i / 100)));
    const lateReplaysAccepted = verdicts.filter(({ t, v }, i) => v.accepted && Math.floor(i / 100) > firstBatch.get(t.ticket)!);
    expect(lateReplaysAccepted).toEqual([]);
    expect(verdicts.filter(({ v }) => v.reason === 'ticket_replayed').length).toBeGreaterThan(0);
    // Wrong app ids are refused before the network.
    for (const { t, v } of verdicts) {
      if (t.appId !== emulator.appId) expect(v).toMatchObject({ accepted: false, attempts: 0 });
    }
    // The rest of the valid ones were refused by the budget or the replay guard, not opened.
    const reasons = new Set(verdicts.filter(({ v }) => !v.accepted).map(({ v }) => v.reason));
    expect([...reasons].sort()).toEqual(
      expect.arrayContaining(['budget_exhausted', 'disaster_ticket_app_id_mismatch', 'disaster_ticket_expired']),
    );
  });
});
