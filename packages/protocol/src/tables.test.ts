import { describe, expect, it } from 'vitest';
import { classifyApiError, isApiErrorResponse } from './api.js';
import { CAPTCHA_CODES, describeCaptchaCode } from './captcha-codes.js';
import { CLIENT_ERROR_CODES, describeClientErrorCode, isClientErrorCode } from './client-error-codes.js';

describe('CaptchaCode table', () => {
  it('maps the current codes to their messages, reasons and kinds', () => {
    const current = [1, 7, 8, 9, 15, 16, 21, 100].map((c) => describeCaptchaCode(c));
    expect(current.map((r) => [r.code, r.message, r.reason, r.kind])).toEqual([
      [1, 'OK', 'verified', 'pass'],
      [7, 'captcha no match', 'randstr_mismatch', 'ticket'],
      [8, 'ticket expired', 'ticket_expired', 'ticket'],
      [9, 'ticket reused', 'ticket_reused', 'ticket'],
      [15, 'decrypt fail', 'ticket_invalid', 'ticket'],
      [16, 'appid-ticket mismatch', 'app_id_mismatch', 'ticket'],
      [21, 'diff', 'ticket_diff', 'risk'],
      [100, 'appid-secretkey-ticket mismatch', 'app_secret_key_mismatch', 'misconfigured'],
    ]);
    expect(current.every((r) => !r.historical)).toBe(true);
  });

  it('keeps historical codes and former messages', () => {
    expect(describeCaptchaCode(26)).toMatchObject({ reason: 'system_busy', kind: 'unavailable', historical: true });
    expect(describeCaptchaCode(25)).toMatchObject({ reason: 'bad_visitor', kind: 'risk' });
    expect(describeCaptchaCode(9).formerMessages).toContain('Sequnce repeat');
  });

  it('gives unknown codes a stable reason instead of throwing', () => {
    expect(describeCaptchaCode(0)).toMatchObject({ code: 0, reason: 'unknown_captcha_code', kind: 'ticket' });
  });

  it('uses snake_case reasons only', () => {
    for (const r of CAPTCHA_CODES.values()) expect(r.reason).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });
});

describe('client errorCode table', () => {
  it('covers 1001–1014 and 1085 with names and messages', () => {
    const codes = Object.keys(CLIENT_ERROR_CODES).map(Number);
    expect(codes).toEqual([...Array.from({ length: 14 }, (_, i) => 1001 + i), 1085]);
    expect(describeClientErrorCode(1006)).toMatchObject({ name: 'GET_CAPTCHA_CONFIG_REQUEST_ERROR', errorMessage: 'get_captcha_config_request_error' });
    expect(describeClientErrorCode(1001)?.errorMessage).toBe('jsload_error');
  });

  it('flags 1003 (documented, absent from the real TCaptcha.js) as unconfirmed, and 1014 (RATE_LIMIT, in the real SDK) as confirmed', () => {
    expect(describeClientErrorCode(1003)?.unconfirmed).toBe(true);
    expect(describeClientErrorCode(1014)).toMatchObject({ name: 'RATE_LIMIT', errorMessage: 'rate_limit' });
    expect(describeClientErrorCode(1014)?.unconfirmed).toBeUndefined();
  });

  it('does not treat other numbers or inherited keys as codes', () => {
    expect(describeClientErrorCode(999)).toBeUndefined();
    expect(isClientErrorCode('1001')).toBe(false);
    expect(isClientErrorCode(1013)).toBe(true);
  });
});

describe('classifyApiError()', () => {
  it.each([
    ['InternalError', 'unavailable'],
    ['RequestLimitExceeded', 'rate_limited'],
    ['RequestLimitExceeded.IPLimitExceeded', 'rate_limited'],
    ['AuthFailure.SignatureFailure', 'misconfigured'],
    ['AuthFailure.SignatureExpire', 'misconfigured'],
    ['UnauthorizedOperation.Unauthorized', 'misconfigured'],
    ['MissingParameter', 'bad_request'],
    ['InvalidParameterValue', 'bad_request'],
    ['SomethingNew', 'misconfigured'],
  ])('%s is %s', (code, kind) => {
    expect(classifyApiError(code)).toBe(kind);
  });

  it('recognises the error envelope', () => {
    expect(isApiErrorResponse({ Error: { Code: 'InternalError', Message: 'x' }, RequestId: 'r' })).toBe(true);
    expect(isApiErrorResponse({ CaptchaCode: 1, RequestId: 'r' })).toBe(false);
  });
});
