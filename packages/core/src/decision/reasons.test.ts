import { CAPTCHA_CODES, type CaptchaCodeReason } from '@tencent-captcha/protocol';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { CaptchaVerdict } from '../types/verdict.js';
import { PolicyReason } from '../types/reasons.js';
import { VERDICT_REASONS, describeVerdictReason, httpResponseForVerdict, httpStatusForVerdict, reasonForCaptchaCode, verdictResponseBody } from './reasons.js';

describe('VERDICT_REASONS', () => {
  it('has a row for every policy reason and every CaptchaCode reason', () => {
    for (const reason of Object.values(PolicyReason)) expect(VERDICT_REASONS.has(reason), reason).toBe(true);
    for (const code of CAPTCHA_CODES.keys()) expect(VERDICT_REASONS.has(reasonForCaptchaCode(code)), String(code)).toBe(true);
    expect(VERDICT_REASONS.has(reasonForCaptchaCode(12345))).toBe(true);
  });

  it('uses stable snake_case reasons and non-empty messages', () => {
    for (const row of VERDICT_REASONS.values()) {
      expect(row.reason).toMatch(/^[a-z]+(_[a-z0-9]+)*$/);
      expect(row.message.length).toBeGreaterThan(5);
    }
  });

  it('maps statuses to HTTP statuses consistently: degraded → 503 + Retry-After, rejected → 400/403, or 503 without Retry-After for our own faults', () => {
    for (const row of VERDICT_REASONS.values()) {
      // Local overload is the one rejection worth retrying: 503 + Retry-After, but never degraded.
      if (row.reason === 'overloaded') continue;
      if (row.status === 'degraded') expect([row.httpStatus, row.retryAfter], row.reason).toEqual([503, true]);
      if (row.status === 'rejected') expect([400, 403, 503]).toContain(row.httpStatus);
      if (row.status === 'rejected' && row.httpStatus === 503) expect(row.retryAfter).toBe(false);
      if (row.status === 'rejected') expect(row.retryAfter).toBe(false);
    }
    expect(VERDICT_REASONS.get('overloaded')).toMatchObject({ status: 'rejected', httpStatus: 503, retryAfter: true });
  });

  it('maps misconfiguration codes to the one misconfigured reason', () => {
    expect(reasonForCaptchaCode(100)).toBe('misconfigured');
    expect(reasonForCaptchaCode(31)).toBe('misconfigured');
    expect(reasonForCaptchaCode(26)).toBe('system_busy');
    expect(reasonForCaptchaCode(9)).toBe('ticket_reused');
  });
});

describe('httpStatusForVerdict()', () => {
  it.each([
    [{ accepted: true, reason: 'verified' }, 200],
    [{ accepted: true, reason: 'upstream_timeout' }, 200],
    [{ accepted: false, reason: 'upstream_timeout' }, 503],
    [{ accepted: false, reason: 'ticket_missing' }, 400],
    [{ accepted: false, reason: 'ticket_expired' }, 403],
    [{ accepted: false, reason: 'misconfigured' }, 503],
    [{ accepted: false, reason: 'from_a_newer_version' }, 403],
  ])('answers %j with %i', (verdict, status) => {
    expect(httpStatusForVerdict(verdict)).toBe(status);
  });
});

describe('httpResponseForVerdict()', () => {
  it('adds Retry-After (at least 1 s) to 503 refusals only', () => {
    expect(httpResponseForVerdict({ accepted: false, reason: 'breaker_open', retryAfterSeconds: 0.2 }).headers['retry-after']).toBe('1');
    expect(httpResponseForVerdict({ accepted: false, reason: 'budget_exhausted', retryAfterSeconds: 42 }).headers['retry-after']).toBe('42');
    expect(httpResponseForVerdict({ accepted: false, reason: 'ticket_expired', retryAfterSeconds: null }).headers).not.toHaveProperty('retry-after');
    expect(httpResponseForVerdict({ accepted: true, reason: 'upstream_timeout', retryAfterSeconds: null })).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: { code: 'upstream_timeout', message: 'The captcha service did not answer in time.' },
    });
  });

  it('builds the { code, message } body from the table', () => {
    expect(verdictResponseBody({ reason: 'ticket_replayed' })).toEqual({ code: 'ticket_replayed', message: 'The captcha ticket was already used.' });
    expect(describeVerdictReason('unknown_future_reason')).toMatchObject({ status: 'rejected', httpStatus: 403 });
  });
});

describe('VerdictReason', () => {
  it('is a closed union of policy and CaptchaCode reasons, not any string', () => {
    expectTypeOf<CaptchaVerdict['reason']>().toEqualTypeOf<PolicyReason | CaptchaCodeReason>();
    expectTypeOf<'no_such_reason'>().not.toExtend<CaptchaVerdict['reason']>();
    // Every row of the runtime table is a member of the type.
    for (const reason of VERDICT_REASONS.keys()) expect(reason).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });
});
