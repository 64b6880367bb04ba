import { describe, expect, it } from 'vitest';
import { classifyResponse, isRetryable, isUpstreamFailure } from './describe-captcha-result.js';
import { isConnectFailure } from './transport.js';

describe('isConnectFailure()', () => {
  it.each([
    [Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), true],
    [new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ENOTFOUND' }) }), true],
    [new TypeError('fetch failed', { cause: new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' }), Object.assign(new Error('b'), { code: 'EHOSTUNREACH' })]) }), true],
    [new TypeError('fetch failed', { cause: new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' }), Object.assign(new Error('b'), { code: 'ECONNRESET' })]) }), false],
    [Object.assign(new Error('x'), { code: 'ECONNRESET' }), false],
    [Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }), false],
    [new Error('x'), false],
    ['ECONNREFUSED', false],
  ])('says %s → %s', (error, expected) => {
    expect(isConnectFailure(error)).toBe(expected);
  });
});

describe('classifyResponse()', () => {
  it.each([
    [200, '{"Response":{"CaptchaCode":1,"CaptchaMsg":"OK","EvilLevel":0,"RequestId":"r"},"retcode":0,"retmsg":"success"}', { kind: 'answer' }],
    [200, '{"Response":{"Error":{"Code":"InternalError","Message":"m"},"RequestId":"r"}}', { kind: 'api_error', code: 'InternalError', errorKind: 'unavailable', requestId: 'r' }],
    [200, '{"Response":{"Error":{"Code":"RequestLimitExceeded.IPLimitExceeded","Message":"m"},"RequestId":"r"}}', { kind: 'api_error', errorKind: 'rate_limited' }],
    [200, '{"Response":{"Error":{"Message":"m"},"RequestId":"r"}}', { kind: 'failure', failure: 'upstream_error' }],
    [200, '{"Response":{"CaptchaCode":"1","RequestId":"r"}}', { kind: 'failure', failure: 'upstream_error' }],
    [200, '{"Response":null}', { kind: 'failure', failure: 'upstream_error' }],
    [200, 'null', { kind: 'failure', failure: 'upstream_error' }],
    [200, '<html>', { kind: 'failure', failure: 'upstream_error', detail: 'malformed JSON' }],
    [502, '{"Response":{"CaptchaCode":1,"RequestId":"r"}}', { kind: 'failure', failure: 'upstream_error', detail: 'HTTP 502' }],
  ])('classifies HTTP %i %s', (status, body, expected) => {
    expect(classifyResponse(status, body)).toMatchObject(expected);
  });

  it('keeps Score and EvilLevel, drops non-numeric ones', () => {
    expect(classifyResponse(200, '{"Response":{"CaptchaCode":1,"RequestId":"r","Score":12,"EvilLevel":"x"}}')).toEqual({
      kind: 'answer',
      response: { CaptchaCode: 1, CaptchaMsg: null, EvilLevel: null, RequestId: 'r', Score: 12, GetCaptchaTime: null, EvilBitmap: null, DeviceRiskCategory: null },
    });
  });
});

describe('isRetryable() and isUpstreamFailure()', () => {
  const notSent = { kind: 'failure' as const, failure: 'upstream_unreachable' as const, detail: '', notSent: true };
  const reset = { ...notSent, notSent: false };
  const internal = { kind: 'api_error' as const, code: 'InternalError', message: '', requestId: null, errorKind: 'unavailable' as const };
  const limited = { ...internal, code: 'RequestLimitExceeded', errorKind: 'rate_limited' as const };
  const busy = { kind: 'answer' as const, response: { CaptchaCode: 26, RequestId: 'r' } };
  const expired = { kind: 'answer' as const, response: { CaptchaCode: 8, RequestId: 'r' } };

  it('retries only what Tencent cannot have consumed', () => {
    expect([notSent, reset, internal, limited, busy, expired].map(isRetryable)).toEqual([true, false, true, false, false, false]);
  });

  it('counts failures of Tencent, not of the ticket or a flood, towards the breaker', () => {
    expect([notSent, reset, internal, limited, busy, expired].map(isUpstreamFailure)).toEqual([true, true, true, false, true, false]);
  });
});
