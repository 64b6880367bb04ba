import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { CREDENTIALS, ENDPOINT, connectionRefused, createFakeTencent, type FakeReply } from '../../test/helpers/fake-tencent.js';
import { advance, useFakeTimers, useRealTimers } from '../../test/helpers/timers.js';
import { isTlsErrorCode, misconfigurationHint, networkHint } from './hints.js';
import { rateLimitedLogger } from './logging.js';
import { type CaptchaVerifierOptions } from '../types/options.js';
import type { CaptchaStore } from '../stores/contract.js';
import { createCaptchaVerifier } from '../engine/verifier.js';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const input = { ticket: 'tr03XaCUZPAlPdIMqv17-KQ*', randstr: '@EcL', userIp: '203.0.113.7' };

function setup(options: Partial<CaptchaVerifierOptions> = {}, replies: FakeReply[] = []) {
  const tencent = createFakeTencent();
  if (replies.length > 0) tencent.reply(...replies);
  const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint: ENDPOINT, fetch: tencent.fetch, retry: { enabled: false }, ...options });
  return { tencent, verifier };
}

let consoleSpies: Record<'log' | 'debug' | 'info' | 'warn' | 'error', MockInstance>;
const lines = (): string[] => Object.values(consoleSpies).flatMap((s) => s.mock.calls.map((c) => c.map(String).join(' ')));

beforeEach(() => {
  consoleSpies = {
    log: vi.spyOn(console, 'log').mockImplementation(() => {}),
    debug: vi.spyOn(console, 'debug').mockImplementation(() => {}),
    info: vi.spyOn(console, 'info').mockImplementation(() => {}),
    warn: vi.spyOn(console, 'warn').mockImplementation(() => {}),
    error: vi.spyOn(console, 'error').mockImplementation(() => {}),
  };
});
afterEach(() => {
  for (const s of Object.values(consoleSpies)) s.mockRestore();
  useRealTimers();
});

describe('default logging (no logger option)', () => {
  it('warns on the first degraded acceptance of a minute, naming the host and the error code', async () => {
    useFakeTimers(NOW);
    const { verifier } = setup({}, [{ throw: connectionRefused() }]);
    for (let i = 0; i < 3; i++) await expect(verifier.verify({ ...input, ticket: `${input.ticket}${i}` })).resolves.toMatchObject({ status: "degraded", accepted: true });
    const degraded = consoleSpies.warn.mock.calls.filter((c) => String(c[0]).includes('captcha verdict'));
    expect(degraded).toHaveLength(1);
    expect(degraded[0]![0]).toContain('"reason":"upstream_unreachable"');
    expect(degraded[0]![0]).toContain('"upstream":"captcha.tencentcloudapi.com"');
    expect(degraded[0]![0]).toContain('"error":"ECONNREFUSED"');
    expect(degraded[0]![0]).toContain('refused the connection');
    // The failure itself is one line too, once.
    expect(consoleSpies.warn.mock.calls.filter((c) => String(c[0]).includes('could not get an answer'))).toHaveLength(1);

    await advance(61_000);
    await verifier.verify({ ...input, ticket: `${input.ticket}x` });
    expect(consoleSpies.warn.mock.calls.filter((c) => String(c[0]).includes('captcha verdict'))).toHaveLength(2);
    expect(consoleSpies.debug).not.toHaveBeenCalled();
    expect(consoleSpies.log).not.toHaveBeenCalled();
  });

  it('warns when the breaker opens and when it closes', async () => {
    useFakeTimers(NOW);
    const { verifier, tencent } = setup({ breaker: { failureThreshold: 2, halfOpenAfterMs: 1000 } }, [{ status: 502, body: 'bad gateway' }]);
    await verifier.verify(input);
    await advance(1000);
    await verifier.verify({ ...input, ticket: `${input.ticket}2` });
    expect(verifier.breakerState).toBe('open');
    const opened = consoleSpies.warn.mock.calls.find((c) => String(c[0]).includes('breaker opened'));
    expect(opened?.[0]).toMatch(/"cause":"upstream_error".*"error":"HTTP 502"/);
    tencent.reply({ captchaCode: 1, evilLevel: 0 });
    await advance(1500);
    await verifier.verify({ ...input, ticket: `${input.ticket}3` });
    expect(verifier.breakerState).toBe('closed');
    expect(consoleSpies.info.mock.calls.some((c) => String(c[0]).includes('breaker closed'))).toBe(true);
  });

  it('warns when the store is unavailable, once a minute', async () => {
    const store: CaptchaStore = {
      acceptDegraded: () => Promise.reject(new Error('ECONNREFUSED redis')),
    };
    const { verifier } = setup({ store }, [{ throw: connectionRefused() }]);
    for (let i = 0; i < 3; i++) await expect(verifier.verify({ ...input, ticket: `${input.ticket}${i}` })).resolves.toMatchObject({ reason: 'store_unavailable' });
    expect(consoleSpies.warn.mock.calls.filter((c) => String(c[0]).includes('store unavailable'))).toHaveLength(1);
  });

  it('says which credential is likely wrong for each misconfiguration answer, never a secret', async () => {
    const { verifier } = setup({}, [
      { apiError: 'AuthFailure.SignatureFailure', message: `bad signature for ${CREDENTIALS.secretKey}` },
      { apiError: 'AuthFailure.SecretIdNotFound' },
      { apiError: 'AuthFailure.SignatureExpire' },
      { captchaCode: 100, captchaMsg: `appid-secretkey-ticket mismatch ${CREDENTIALS.appSecretKey}` },
    ]);
    for (let i = 0; i < 4; i++) await expect(verifier.verify(input)).resolves.toMatchObject({ reason: 'misconfigured' });
    const errors = consoleSpies.error.mock.calls.map((c) => String(c[0]));
    expect(errors).toHaveLength(4);
    expect(errors[0]).toContain('SecretKey (TENCENTCLOUD_SECRET_KEY) is not the one of this SecretId');
    expect(errors[1]).toContain('SecretId is unknown');
    expect(errors[2]).toContain('clock skew');
    expect(errors[3]).toContain('AppSecretKey does not belong to this CaptchaAppId');
    for (const line of lines()) {
      expect(line).not.toContain(CREDENTIALS.secretKey);
      expect(line).not.toContain(CREDENTIALS.appSecretKey);
    }
  });

  it('prints nothing with logger: false', async () => {
    const { verifier } = setup({ logger: false, breaker: { failureThreshold: 1 } }, [{ throw: connectionRefused() }]);
    await verifier.verify(input);
    await setup({ logger: false }, [{ captchaCode: 100 }]).verifier.verify(input);
    expect(lines()).toEqual([]);
  });

  it('gives a passed logger every line (debug verdicts too) and leaves console alone', async () => {
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const { verifier } = setup({ logger }, [{ captchaCode: 1, evilLevel: 0 }, { throw: connectionRefused() }]);
    await verifier.verify(input);
    await verifier.verify(input);
    await verifier.verify({ ...input, ticket: `${input.ticket}x` });
    expect(logger.debug).toHaveBeenCalledWith('captcha verdict', expect.objectContaining({ status: 'verified' }));
    expect(logger.warn.mock.calls.filter((c) => c[0] === 'captcha verdict')).toHaveLength(2);
    expect(logger.warn).toHaveBeenCalledWith('captcha verdict', expect.objectContaining({ status: 'degraded', accepted: true, error: 'ECONNREFUSED' }));
    expect(lines()).toEqual([]);
  });

  it('rateLimitedLogger writes the default lines, rate-limited, to another target (Nest Logger)', async () => {
    const target = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const { verifier } = setup({ logger: rateLimitedLogger(target) }, [{ captchaCode: 1, evilLevel: 0 }, { throw: connectionRefused() }]);
    await verifier.verify(input);
    for (let i = 0; i < 3; i++) await verifier.verify({ ...input, ticket: `${input.ticket}${i}` });
    expect(target.warn.mock.calls.filter((c) => String(c[0]).startsWith('[tencent-captcha] captcha verdict {'))).toHaveLength(1);
    expect(lines()).toEqual([]);
  });

  it('names ENOTFOUND and the host for an endpoint that does not resolve (real transport, .invalid host)', async () => {
    const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint: 'https://captcha.doctor-test.invalid/', retry: { enabled: false } });
    try {
      await expect(verifier.verify(input)).resolves.toMatchObject({ status: 'degraded', reason: 'upstream_unreachable' });
      const warned = consoleSpies.warn.mock.calls.map((c) => String(c[0])).join('\n');
      expect(warned).toContain('"upstream":"captcha.doctor-test.invalid"');
      expect(warned).toMatch(/"error":"(ENOTFOUND|EAI_AGAIN)"/);
      expect(warned).toContain('DNS cannot resolve');
    } finally {
      await verifier.close();
    }
  });
});

describe('hints', () => {
  it.each([
    ['ENOTFOUND', /DNS cannot resolve h:1/],
    ['ECONNREFUSED', /refused the connection/],
    ['UND_ERR_CONNECT_TIMEOUT', /no route to h:1.*proxy/],
    ['CERT_HAS_EXPIRED', /TLS to h:1 failed \(CERT_HAS_EXPIRED\)/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', /TLS/],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', /TLS/],
    ['HTTP 502', /answered HTTP 502/],
  ])('networkHint(%s)', (code, hint) => {
    expect(networkHint(code, 'h:1')).toMatch(hint);
  });

  it('tells TLS codes from others', () => {
    expect(isTlsErrorCode('SELF_SIGNED_CERT_IN_CHAIN')).toBe(true);
    expect(isTlsErrorCode('ECONNRESET')).toBe(false);
  });

  it('misconfigurationHint covers the app pair, the key pair and the clock', () => {
    expect(misconfigurationHint({ captchaCode: 100, apiErrorCode: null })).toMatch(/AppSecretKey/);
    expect(misconfigurationHint({ captchaCode: null, apiErrorCode: 'AuthFailure.SignatureFailure' })).toMatch(/SecretKey/);
    expect(misconfigurationHint({ captchaCode: null, apiErrorCode: 'AuthFailure.SignatureExpire' })).toMatch(/clock/);
    expect(misconfigurationHint({ captchaCode: 31, apiErrorCode: null })).toMatch(/arrears/);
  });
});
