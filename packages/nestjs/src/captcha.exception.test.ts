/**
 * CaptchaException takes status, headers and body from core's mapping for every reason core knows
 * (the Koa adapter answers from the same mapping), and refuses an accepted verdict.
 */
import 'reflect-metadata';
import { HttpException } from '@nestjs/common';
import { VERDICT_REASONS, httpResponseForVerdict, type CaptchaVerdict } from '@tencent-captcha/core';
import { describe, expect, it } from 'vitest';
import { CaptchaClientClosedException, CaptchaException } from './captcha.exception.js';

function refused(reason: string, status: CaptchaVerdict['status'], retryAfterSeconds: number | null): CaptchaVerdict {
  return { status, accepted: false, reason, retryAfterSeconds } as CaptchaVerdict;
}

describe('CaptchaException', () => {
  it.each([...VERDICT_REASONS.values()].filter((row) => row.reason !== 'verified'))(
    "answers $reason as core's mapping does ($httpStatus)",
    (row) => {
      const verdict = refused(row.reason, row.status, 12);
      const expected = httpResponseForVerdict(verdict);
      const exception = new CaptchaException(verdict);
      expect(exception).toBeInstanceOf(HttpException);
      expect(exception.getStatus()).toBe(expected.status);
      expect(exception.getStatus()).toBe(row.httpStatus);
      expect(exception.getResponse()).toEqual({ code: row.reason, message: expected.body.message });
      expect(exception.code).toBe(row.reason);
      expect(exception.verdict).toBe(verdict);
      expect(exception.message).toBe(expected.body.message);
      expect(exception.headers).toEqual(row.retryAfter ? { 'retry-after': '12' } : {});
    },
  );

  it('covers 400, 403 and 503', () => {
    const statuses = new Set([...VERDICT_REASONS.values()].filter((r) => r.reason !== 'verified').map((r) => r.httpStatus));
    expect([...statuses].sort()).toEqual([400, 403, 503]);
  });

  it('refuses an accepted verdict', () => {
    expect(() => new CaptchaException({ status: 'verified', accepted: true, reason: 'verified' } as CaptchaVerdict)).toThrow(TypeError);
  });

  it('is recognised by CaptchaException.is (a brand, not the class)', () => {
    const exception = new CaptchaException(refused('ticket_missing', 'rejected', null));
    expect(CaptchaException.is(exception)).toBe(true);
    expect(CaptchaException.is(new HttpException('x', 403))).toBe(false);
    expect(CaptchaException.is(null)).toBe(false);
  });
});

describe('CaptchaClientClosedException', () => {
  it('is an HttpException named AbortError with status 499', () => {
    const exception = new CaptchaClientClosedException();
    expect(exception).toBeInstanceOf(HttpException);
    expect(exception.name).toBe('AbortError');
    expect(exception.getStatus()).toBe(499);
    expect(exception.getResponse()).toEqual({ code: 'client_closed_request', message: expect.any(String) });
  });
});
