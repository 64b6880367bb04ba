import { afterEach, describe, expect, it, vi } from 'vitest';
import { CREDENTIALS, ENDPOINT, createFakeTencent } from '../../test/helpers/fake-tencent.js';
import { advance, useFakeTimers, useRealTimers } from '../../test/helpers/timers.js';
import type { BudgetCounter, DegradedAcceptanceRequest } from './contract.js';
import { createCaptchaVerifier } from '../engine/verifier.js';
import { createMemoryStore } from './memory.js';

const counter = (key: string, limit: number, ttlMs = 60_000): BudgetCounter => ({ scope: 'global', key, limit, ttlMs });
/** A deadline the test never reaches (wall clock, like the verifier's). */
const later = (): number => Date.now() + 60_000;

afterEach(() => {
  useRealTimers();
});

describe('createMemoryStore()', () => {
  it('accepts, refuses a replay, and refuses past a limit', async () => {
    const store = createMemoryStore();
    const req = (replayKey: string) => ({ replayKey, replayTtlMs: 1000, counters: [counter('g', 2)], nowMs: 0, deadlineMs: later() });
    await expect(store.acceptDegraded(req('a'))).resolves.toEqual({ accepted: true });
    await expect(store.acceptDegraded(req('a'))).resolves.toEqual({ accepted: false, refusal: 'replayed' });
    await expect(store.acceptDegraded(req('b'))).resolves.toEqual({ accepted: true });
    await expect(store.acceptDegraded(req('c'))).resolves.toEqual({ accepted: false, refusal: 'budget_exhausted', scope: 'global', limit: 2 });
  });

  it('forgets replay entries and counters when their TTL passes', async () => {
    const store = createMemoryStore();
    await store.acceptDegraded({ replayKey: 'a', replayTtlMs: 1000, counters: [counter('g', 1, 500)], nowMs: 0, deadlineMs: later() });
    await expect(store.acceptDegraded({ replayKey: 'b', replayTtlMs: 1000, counters: [counter('g', 1, 500)], nowMs: 499, deadlineMs: later() })).resolves.toMatchObject({ refusal: 'budget_exhausted' });
    await expect(store.acceptDegraded({ replayKey: 'b', replayTtlMs: 1000, counters: [counter('g', 1, 500)], nowMs: 500, deadlineMs: later() })).resolves.toEqual({ accepted: true });
    await expect(store.acceptDegraded({ replayKey: 'a', replayTtlMs: 1000, counters: [], nowMs: 999, deadlineMs: later() })).resolves.toMatchObject({ refusal: 'replayed' });
    await expect(store.acceptDegraded({ replayKey: 'a', replayTtlMs: 1000, counters: [], nowMs: 1000, deadlineMs: later() })).resolves.toEqual({ accepted: true });
  });

  it('refuses (cannot_remember) when full of live entries, instead of forgetting a replay entry', async () => {
    const store = createMemoryStore({ maxEntries: 10 });
    const results = [];
    for (let i = 0; i < 100; i++) results.push(await store.acceptDegraded({ replayKey: `r${i}`, replayTtlMs: 10_000, counters: [], nowMs: i, deadlineMs: later() }));
    expect(results.filter((r) => r.accepted)).toHaveLength(10);
    expect(results.slice(10)).toEqual(Array.from({ length: 90 }, () => ({ accepted: false, refusal: 'cannot_remember' })));
    expect(store.size).toBe(10);
    // Every accepted ticket is still refused as a replay: eviction never reopens one.
    for (let i = 0; i < 10; i++) {
      await expect(store.acceptDegraded({ replayKey: `r${i}`, replayTtlMs: 10_000, counters: [], nowMs: 100, deadlineMs: later() })).resolves.toEqual({ accepted: false, refusal: 'replayed' });
    }
  });

  it('never forgets a live budget counter to make room (that would reset the budget)', async () => {
    const store = createMemoryStore({ maxEntries: 3 });
    await expect(store.acceptDegraded({ replayKey: 'a', replayTtlMs: 10_000, counters: [counter('g', 2)], nowMs: 0, deadlineMs: later() })).resolves.toEqual({ accepted: true });
    // Needs two new entries (replay + counter h), only one is free.
    await expect(store.acceptDegraded({ replayKey: 'b', replayTtlMs: 10_000, counters: [counter('h', 5)], nowMs: 1, deadlineMs: later() })).resolves.toEqual({ accepted: false, refusal: 'cannot_remember' });
    // Needs one (the counter g exists): fits, and g still counts the first acceptance.
    await expect(store.acceptDegraded({ replayKey: 'c', replayTtlMs: 10_000, counters: [counter('g', 2)], nowMs: 2, deadlineMs: later() })).resolves.toEqual({ accepted: true });
    await expect(store.acceptDegraded({ replayKey: 'd', replayTtlMs: 10_000, counters: [counter('g', 2)], nowMs: 3, deadlineMs: later() })).resolves.toMatchObject({ refusal: 'budget_exhausted' });
  });

  it('drops expired entries to make room', async () => {
    const store = createMemoryStore({ maxEntries: 2 });
    await store.acceptDegraded({ replayKey: 'short', replayTtlMs: 100, counters: [], nowMs: 0, deadlineMs: later() });
    await store.acceptDegraded({ replayKey: 'long', replayTtlMs: 10_000, counters: [], nowMs: 0, deadlineMs: later() });
    await expect(store.acceptDegraded({ replayKey: 'new', replayTtlMs: 10_000, counters: [], nowMs: 99, deadlineMs: later() })).resolves.toEqual({ accepted: false, refusal: 'cannot_remember' });
    await expect(store.acceptDegraded({ replayKey: 'new', replayTtlMs: 10_000, counters: [], nowMs: 100, deadlineMs: later() })).resolves.toEqual({ accepted: true });
    expect(store.size).toBe(2);
    await expect(store.acceptDegraded({ replayKey: 'long', replayTtlMs: 10_000, counters: [], nowMs: 100, deadlineMs: later() })).resolves.toMatchObject({ refusal: 'replayed' });
  });

  it('finds expired entries behind long-lived ones: the bounded sweep resumes where it stopped', async () => {
    const store = createMemoryStore({ maxEntries: 50 });
    for (let i = 0; i < 40; i++) await store.acceptDegraded({ replayKey: `long${i}`, replayTtlMs: 100_000, counters: [], nowMs: 0, deadlineMs: later() });
    for (let i = 0; i < 10; i++) await store.acceptDegraded({ replayKey: `short${i}`, replayTtlMs: 100, counters: [], nowMs: 0, deadlineMs: later() });
    const at200 = (replayKey: string) => store.acceptDegraded({ replayKey, replayTtlMs: 100_000, counters: [], nowMs: 200, deadlineMs: later() });
    // The first write looks at 32 live entries only; the next one reaches the expired ones.
    await expect(at200('x')).resolves.toEqual({ accepted: false, refusal: 'cannot_remember' });
    await expect(at200('y')).resolves.toEqual({ accepted: true });
    await expect(at200('x')).resolves.toEqual({ accepted: true });
    expect(store.size).toBeLessThanOrEqual(50);
  });

  it('does bounded work per write when full of live entries (no scan of the whole map)', async () => {
    const store = createMemoryStore({ maxEntries: 20_000 });
    for (let i = 0; i < 20_000; i++) await store.acceptDegraded({ replayKey: `r${i}`, replayTtlMs: 600_000, counters: [], nowMs: 0, deadlineMs: later() });
    // Count iterator steps over Maps during one more write: a flood at capacity must not cost O(size) each.
    const iteratorProto = Object.getPrototypeOf(new Map().entries()) as { next: () => unknown };
    const next = vi.spyOn(iteratorProto, 'next');
    const result = await store.acceptDegraded({ replayKey: 'one-more', replayTtlMs: 600_000, counters: [counter('g', 10)], nowMs: 1, deadlineMs: later() });
    const steps = next.mock.calls.length;
    next.mockRestore();
    expect(result).toEqual({ accepted: false, refusal: 'cannot_remember' });
    expect(store.size).toBe(20_000);
    expect(steps).toBeLessThan(200);
  });

  it('commits nothing past the deadline (the verifier has answered by then)', async () => {
    const store = createMemoryStore();
    await expect(store.acceptDegraded({ replayKey: 'a', replayTtlMs: 1000, counters: [counter('g', 5)], nowMs: 0, deadlineMs: Date.now() })).resolves.toEqual({ accepted: false, refusal: 'cannot_remember' });
    await expect(store.claimTicket({ key: 'k', ttlMs: 1000, nowMs: 0, deadlineMs: Date.now() - 1 })).resolves.toBe('cannot_remember');
    expect(store.size).toBe(0);
    await expect(store.acceptDegraded({ replayKey: 'a', replayTtlMs: 1000, counters: [counter('g', 5)], nowMs: 0, deadlineMs: later() })).resolves.toEqual({ accepted: true });
  });

  it('rejects with the reason of an aborted signal and commits nothing', async () => {
    const store = createMemoryStore();
    const reason = new Error('gone');
    const signal = AbortSignal.abort(reason);
    await expect(store.acceptDegraded({ replayKey: 'a', replayTtlMs: 1000, counters: [], nowMs: 0, deadlineMs: later() }, { signal })).rejects.toBe(reason);
    await expect(store.claimTicket({ key: 'k', ttlMs: 1000, nowMs: 0, deadlineMs: later() }, { signal })).rejects.toBe(reason);
    expect(store.size).toBe(0);
  });

  it('rejects a request without a deadline', async () => {
    const store = createMemoryStore();
    const request = { replayKey: 'a', replayTtlMs: 1000, counters: [], nowMs: 0 } as unknown as DegradedAcceptanceRequest;
    await expect(store.acceptDegraded(request)).rejects.toThrow(TypeError);
    expect(store.size).toBe(0);
  });

  it('rejects a maxEntries below 1', () => {
    expect(() => createMemoryStore({ maxEntries: 0 })).toThrow(RangeError);
  });
});

describe('createMemoryStore().claimTicket()', () => {
  it('claims a ticket once, answers already_used until its TTL passes', async () => {
    const store = createMemoryStore();
    const claim = (nowMs: number) => store.claimTicket({ key: 'legacy:t1', ttlMs: 1000, nowMs, deadlineMs: later() });
    await expect(claim(0)).resolves.toBe('claimed');
    await expect(claim(1)).resolves.toBe('already_used');
    await expect(claim(999)).resolves.toBe('already_used');
    await expect(claim(1000)).resolves.toBe('claimed');
  });

  it('answers cannot_remember when full of live entries, and keeps every claim', async () => {
    const store = createMemoryStore({ maxEntries: 2 });
    const claim = (key: string) => store.claimTicket({ key, ttlMs: 1000, nowMs: 0, deadlineMs: later() });
    await expect(claim('a')).resolves.toBe('claimed');
    await expect(claim('b')).resolves.toBe('claimed');
    await expect(claim('c')).resolves.toBe('cannot_remember');
    await expect(claim('a')).resolves.toBe('already_used');
    await expect(claim('b')).resolves.toBe('already_used');
  });
});

describe('verify() with a full memory store', () => {
  it('refuses a degraded acceptance it cannot remember (store_unavailable), and never reopens an accepted ticket', async () => {
    const tencent = createFakeTencent();
    tencent.reply({ apiError: 'InternalError' });
    // One acceptance writes four entries: the replay entry, the per-IP, the scope's global and the
    // app-wide counter.
    const store = createMemoryStore({ maxEntries: 4 });
    const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint: ENDPOINT, fetch: tencent.fetch, store, retry: { enabled: false }, budgets: { perIp: 100, global: 100 } });
    const input = { ticket: 'tr03first*', randstr: '@EcL', userIp: '203.0.113.7' };
    await expect(verifier.verify(input)).resolves.toMatchObject({ accepted: true, reason: 'upstream_internal_error' });
    await expect(verifier.verify({ ...input, ticket: 'tr03second*' })).resolves.toMatchObject({ accepted: false, reason: 'store_unavailable' });
    await expect(verifier.verify(input)).resolves.toMatchObject({ accepted: false, reason: 'ticket_replayed' });
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
