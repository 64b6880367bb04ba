import { afterEach, describe, expect, it, vi } from 'vitest';
import { CREDENTIALS, ENDPOINT, createFakeTencent } from '../../test/helpers/fake-tencent.js';
import { advance, useFakeTimers, useRealTimers } from '../../test/helpers/timers.js';
import type { BudgetCounter } from '../store.js';
import { createCaptchaVerifier } from '../verifier.js';
import { createMemoryStore } from './memory.js';

const counter = (key: string, limit: number, ttlMs = 60_000): BudgetCounter => ({ scope: 'global', key, limit, ttlMs });

afterEach(() => {
  useRealTimers();
});

describe('createMemoryStore()', () => {
  it('accepts, refuses a replay, and refuses past a limit', async () => {
    const store = createMemoryStore();
    const req = (replayKey: string) => ({ replayKey, replayTtlMs: 1000, counters: [counter('g', 2)], nowMs: 0 });
    await expect(store.acceptDegraded(req('a'))).resolves.toEqual({ accepted: true });
    await expect(store.acceptDegraded(req('a'))).resolves.toEqual({ accepted: false, refusal: 'replayed' });
    await expect(store.acceptDegraded(req('b'))).resolves.toEqual({ accepted: true });
    await expect(store.acceptDegraded(req('c'))).resolves.toEqual({ accepted: false, refusal: 'budget_exhausted', scope: 'global', limit: 2 });
  });

  it('forgets replay entries and counters when their TTL passes', async () => {
    const store = createMemoryStore();
    await store.acceptDegraded({ replayKey: 'a', replayTtlMs: 1000, counters: [counter('g', 1, 500)], nowMs: 0 });
    await expect(store.acceptDegraded({ replayKey: 'b', replayTtlMs: 1000, counters: [counter('g', 1, 500)], nowMs: 499 })).resolves.toMatchObject({ refusal: 'budget_exhausted' });
    await expect(store.acceptDegraded({ replayKey: 'b', replayTtlMs: 1000, counters: [counter('g', 1, 500)], nowMs: 500 })).resolves.toEqual({ accepted: true });
    await expect(store.acceptDegraded({ replayKey: 'a', replayTtlMs: 1000, counters: [], nowMs: 999 })).resolves.toMatchObject({ refusal: 'replayed' });
    await expect(store.acceptDegraded({ replayKey: 'a', replayTtlMs: 1000, counters: [], nowMs: 1000 })).resolves.toEqual({ accepted: true });
  });

  it('stays within maxEntries, dropping expired and then the oldest entries', async () => {
    const store = createMemoryStore({ maxEntries: 10 });
    for (let i = 0; i < 100; i++) await store.acceptDegraded({ replayKey: `r${i}`, replayTtlMs: 10_000, counters: [], nowMs: i });
    expect(store.size).toBe(10);
    // The newest are still remembered, the oldest went first.
    await expect(store.acceptDegraded({ replayKey: 'r99', replayTtlMs: 10_000, counters: [], nowMs: 100 })).resolves.toMatchObject({ refusal: 'replayed' });
    await expect(store.acceptDegraded({ replayKey: 'r0', replayTtlMs: 10_000, counters: [], nowMs: 100 })).resolves.toEqual({ accepted: true });
  });

  it('does bounded work per write when full of live entries (no scan of the whole map)', async () => {
    const store = createMemoryStore({ maxEntries: 20_000 });
    for (let i = 0; i < 20_000; i++) await store.acceptDegraded({ replayKey: `r${i}`, replayTtlMs: 600_000, counters: [], nowMs: 0 });
    // Count iterator steps over Maps during one more write: a flood at capacity must not cost O(size) each.
    const iteratorProto = Object.getPrototypeOf(new Map().entries()) as { next: () => unknown };
    const next = vi.spyOn(iteratorProto, 'next');
    await store.acceptDegraded({ replayKey: 'one-more', replayTtlMs: 600_000, counters: [counter('g', 10)], nowMs: 1 });
    const steps = next.mock.calls.length;
    next.mockRestore();
    expect(store.size).toBe(20_000);
    expect(steps).toBeLessThan(200);
  });

  it('rejects a maxEntries below 1', () => {
    expect(() => createMemoryStore({ maxEntries: 0 })).toThrow(RangeError);
  });
});

describe('verify() budget and replay expiry (fake timers)', () => {
  it('opens a spent budget again in the next window, and forgets a replay entry after the ticket lifetime', async () => {
    useFakeTimers(Date.UTC(2026, 0, 15, 12, 0, 0));
    const tencent = createFakeTencent();
    tencent.reply({ apiError: 'InternalError' });
    const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint: ENDPOINT, fetch: tencent.fetch, retry: { enabled: false }, budgets: { perIp: 1, windowSeconds: 60 } });
    const input = { ticket: 'tr03first*', randstr: '@EcL', userIp: '203.0.113.7' };
    await expect(verifier.verify(input)).resolves.toMatchObject({ accepted: true, reason: 'upstream_internal_error' });
    await expect(verifier.verify({ ...input, ticket: 'tr03second*' })).resolves.toMatchObject({ accepted: false, reason: 'budget_exhausted', retryAfterSeconds: 60 });
    await advance(60_000);
    await expect(verifier.verify(input)).resolves.toMatchObject({ accepted: false, reason: 'ticket_replayed' });
    await expect(verifier.verify({ ...input, ticket: 'tr03second*' })).resolves.toMatchObject({ accepted: true });
    // A normal ticket accepted without Tencent's word stays refused for its lifetime (300 s + skew).
    await advance(300_000 + 30_000 - 60_000 - 1);
    await expect(verifier.verify(input)).resolves.toMatchObject({ reason: 'ticket_replayed' });
    await advance(1);
    await expect(verifier.verify(input)).resolves.toMatchObject({ accepted: true });
    expect(vi.getTimerCount()).toBe(0);
  });
});
