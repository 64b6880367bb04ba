import { describe, expect, it } from 'vitest';
import { checkDisasterTicket, decide, settleDegraded, storeRequestParts, type DecideInput } from './policy.js';
import { normaliseOptions } from '../config/options.js';

const APP = 199999164;
const NOW = 1_768_478_400_000; // 2026-01-15T12:00:00Z
const sec = NOW / 1000;
const ctx = { captchaAppId: APP, nowMs: NOW, maxAgeSeconds: 300, clockSkewSeconds: 30 };

describe('checkDisasterTicket()', () => {
  it.each([
    ['tr03abc*', 'not_disaster', undefined],
    [`trerror_1001_${APP}_${sec}`, 'valid', undefined],
    [`terror_1006_${APP}_${sec}_x1`, 'valid', undefined],
    [`trerror_1001_${APP}${sec}`, 'invalid', 'disaster_ticket_malformed'],
    ['trerror_', 'invalid', 'disaster_ticket_malformed'],
    [`trerror_1001_1234_${sec}`, 'invalid', 'disaster_ticket_app_id_mismatch'],
    [`trerror_1001_${APP}_${sec - 331}`, 'invalid', 'disaster_ticket_expired'],
    [`trerror_1001_${APP}_${sec - 330}`, 'valid', undefined],
    [`trerror_1001_${APP}_${sec + 31}`, 'invalid', 'disaster_ticket_from_future'],
    [`trerror_1001_${APP}_${sec + 30}`, 'valid', undefined],
  ])('classifies %s as %s', (ticket, kind, reason) => {
    const r = checkDisasterTicket(ticket, ctx);
    expect(r.kind).toBe(kind);
    if (reason) expect(r).toMatchObject({ reason });
  });
});

const base: DecideInput = {
  mode: 'adaptive',
  outcome: { kind: 'answer', response: { CaptchaCode: 1, RequestId: 'r', EvilLevel: 0 } },
  attempts: 1,
  disasterTicket: null,
  breaker: 'closed',
  maxEvilLevel: 99,
  maxScore: 100,
};
const disasterTicket = { prefix: 'trerror_' as const, errorCode: 1001, appId: String(APP), timestamp: sec };
const failure = { kind: 'failure' as const, failure: 'upstream_timeout' as const, detail: '', notSent: false };

describe('decide()', () => {
  it('verifies CaptchaCode 1 within the limits', () => {
    expect(decide(base)).toMatchObject({ type: 'final', reason: 'verified', accepted: true });
  });

  it('makes an unknown answer a candidate: small budget while healthy, outage budget while the breaker is open or in open mode', () => {
    expect(decide({ ...base, outcome: failure })).toEqual({ type: 'degraded', cause: 'upstream_timeout', tier: 'healthy' });
    expect(decide({ ...base, outcome: failure, breaker: 'open' })).toMatchObject({ tier: 'outage' });
    expect(decide({ ...base, outcome: failure, breaker: 'half_open' })).toMatchObject({ tier: 'outage' });
    expect(decide({ ...base, outcome: failure, mode: 'open' })).toMatchObject({ tier: 'outage' });
    expect(decide({ ...base, outcome: { kind: 'breaker_open' }, breaker: 'open' })).toMatchObject({ cause: 'breaker_open' });
  });

  it('refuses unknown answers in closed mode', () => {
    expect(decide({ ...base, outcome: failure, mode: 'closed' })).toMatchObject({ type: 'final', accepted: false, reason: 'upstream_timeout', branch: 'mode_closed' });
  });

  it('treats a disaster ticket answered 21 or 16 as a disaster candidate, and keeps that cause when Tencent fails', () => {
    for (const CaptchaCode of [21, 16]) {
      expect(decide({ ...base, disasterTicket, outcome: { kind: 'answer', response: { CaptchaCode, RequestId: 'r' } } })).toMatchObject({ type: 'degraded', cause: 'disaster_ticket' });
    }
    expect(decide({ ...base, disasterTicket, outcome: failure })).toMatchObject({ type: 'degraded', cause: 'disaster_ticket' });
  });

  it('rejects 21 for an ordinary ticket as a risk verdict', () => {
    expect(decide({ ...base, outcome: { kind: 'answer', response: { CaptchaCode: 21, RequestId: 'r' } } })).toMatchObject({ type: 'final', reason: 'ticket_diff' });
  });

  it('makes 9 unknown only on a retry', () => {
    const nine = { kind: 'answer' as const, response: { CaptchaCode: 9, RequestId: 'r' } };
    expect(decide({ ...base, outcome: nine })).toMatchObject({ type: 'final', reason: 'ticket_reused' });
    expect(decide({ ...base, outcome: nine, attempts: 2 })).toMatchObject({ type: 'degraded', cause: 'retry_ticket_reused' });
  });

  it('never opens for rate limiting or misconfiguration, in any mode', () => {
    for (const mode of ['adaptive', 'open', 'closed'] as const) {
      expect(decide({ ...base, mode, outcome: { kind: 'api_error', code: 'RequestLimitExceeded', message: '', requestId: null, errorKind: 'rate_limited' } })).toMatchObject({ type: 'final', accepted: false, reason: 'upstream_rate_limited' });
      expect(decide({ ...base, mode, outcome: { kind: 'api_error', code: 'AuthFailure.SignatureExpire', message: '', requestId: null, errorKind: 'misconfigured' } })).toMatchObject({ type: 'final', accepted: false, reason: 'misconfigured', misconfigured: true });
    }
  });

  it('applies EvilLevel and Score limits', () => {
    expect(decide({ ...base, outcome: { kind: 'answer', response: { CaptchaCode: 1, RequestId: 'r', EvilLevel: 100 } } })).toMatchObject({ reason: 'evil_level_too_high' });
    expect(decide({ ...base, maxScore: 50, outcome: { kind: 'answer', response: { CaptchaCode: 1, RequestId: 'r', Score: 51 } } })).toMatchObject({ reason: 'risk_score_too_high' });
  });
});

describe('storeRequestParts() and settleDegraded()', () => {
  const { resolved } = normaliseOptions({ captchaAppId: APP, appSecretKey: 'k', secretId: 'i', secretKey: 's', env: {}, budgets: { perIp: 2, global: 9, outagePerIp: 5, outageGlobal: 99 } });

  it('keys budgets by window and IP, with tier limits and TTLs to the window end', () => {
    const parts = storeRequestParts({ options: resolved, tier: 'healthy', ticket: 'tr03x*', randstr: '@r', ipBudgetKey: '4:1.2.3.4', budgetScope: 'default', disasterTicket: null, nowMs: NOW + 15_000 });
    const window = Math.floor((NOW + 15_000) / 60_000);
    expect(parts.counters).toEqual([
      { scope: 'per_ip', key: `${APP}:budget:default:ip:4:1.2.3.4:${window}`, limit: 2, ttlMs: (window + 1) * 60_000 - NOW - 15_000 + 1000 },
      { scope: 'global', key: `${APP}:budget:default:global:${window}`, limit: 9, ttlMs: (window + 1) * 60_000 - NOW - 15_000 + 1000 },
      // The app-wide cap: one key per tier and window across every scope (default: the tier's global).
      { scope: 'app', key: `${APP}:budget:app:healthy:${window}`, limit: 9, ttlMs: (window + 1) * 60_000 - NOW - 15_000 + 1000 },
    ]);
    expect(parts.replayKey).toBe(`${APP}:replay:tr03x*`);
    expect(parts.replayTtlMs).toBe(330_000);
    expect(storeRequestParts({ options: resolved, tier: 'outage', ticket: 't', randstr: '@r', ipBudgetKey: 'k', budgetScope: 'default', disasterTicket: null, nowMs: NOW }).counters.map((c) => c.limit)).toEqual([5, 99, 99]);
  });

  it('remembers a disaster ticket until it expires', () => {
    const parts = storeRequestParts({ options: resolved, tier: 'healthy', ticket: 't', randstr: '@r', ipBudgetKey: 'k', budgetScope: 'default', disasterTicket: { ...disasterTicket, timestamp: sec - 100 }, nowMs: NOW });
    expect(parts.replayTtlMs).toBe((300 + 30 - 100) * 1000);
  });

  it('settles a candidate by the store’s answer', () => {
    const c = { type: 'degraded' as const, cause: 'upstream_timeout' as const, tier: 'healthy' as const };
    expect(settleDegraded(c, { accepted: true })).toMatchObject({ accepted: true, reason: 'upstream_timeout', branch: 'degraded_accept' });
    expect(settleDegraded(c, { accepted: false, refusal: 'replayed' })).toMatchObject({ accepted: false, reason: 'ticket_replayed', cause: 'upstream_timeout' });
    expect(settleDegraded(c, { accepted: false, refusal: 'budget_exhausted', scope: 'global', limit: 1 })).toMatchObject({ reason: 'budget_exhausted', branch: 'budget' });
    expect(settleDegraded(c, 'store_failed')).toMatchObject({ reason: 'store_unavailable', branch: 'store_failure' });
  });
});
