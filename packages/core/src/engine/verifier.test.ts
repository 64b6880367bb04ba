import { afterEach, describe, expect, it, vi } from 'vitest';
import { CREDENTIALS, ENDPOINT, connectionRefused, connectionReset, createFakeTencent, type FakeReply } from '../../test/helpers/fake-tencent.js';
import { CaptchaConfigError } from '../config/errors.js';
import { type CaptchaVerifierOptions } from '../types/options.js';
import type { CaptchaStore } from '../stores/contract.js';
import { createCaptchaVerifier } from './verifier.js';
import type { CaptchaVerdict } from '../types/verdict.js';
import { advance, advanceUntilSettled, useFakeTimers, useRealTimers } from '../../test/helpers/timers.js';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const nowSeconds = Math.floor(NOW / 1000);
const input = { ticket: 'tr03XaCUZPAlPdIMqv17-KQ*', randstr: '@EcL', userIp: '203.0.113.7' };
const disaster = (over: { code?: number; appId?: string | number; ts?: number; prefix?: string } = {}) =>
  `${over.prefix ?? 'trerror_'}${over.code ?? 1001}_${over.appId ?? CREDENTIALS.captchaAppId}_${over.ts ?? nowSeconds}`;

function setup(options: Partial<CaptchaVerifierOptions> = {}, replies: FakeReply[] = []) {
  const tencent = createFakeTencent();
  if (replies.length > 0) tencent.reply(...replies);
  const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint: ENDPOINT, fetch: tencent.fetch, ...options });
  return { tencent, verifier };
}

afterEach(() => {
  useRealTimers();
});

describe('createCaptchaVerifier()', () => {
  it('throws missing_credential when a credential is neither given nor in the environment', () => {
    expect(() => createCaptchaVerifier({ ...CREDENTIALS, secretKey: undefined, env: {} })).toThrow(
      expect.objectContaining({ code: 'missing_credential', option: 'secretKey' }),
    );
  });

  it('reads credentials from the documented environment variables', async () => {
    const tencent = createFakeTencent();
    const verifier = createCaptchaVerifier({
      endpoint: ENDPOINT,
      fetch: tencent.fetch,
      env: {
        TENCENTCLOUD_SECRET_ID: CREDENTIALS.secretId,
        TENCENTCLOUD_SECRET_KEY: CREDENTIALS.secretKey,
        TENCENT_CAPTCHA_APP_ID: String(CREDENTIALS.captchaAppId),
        TENCENT_CAPTCHA_APP_SECRET_KEY: CREDENTIALS.appSecretKey,
      },
    });
    await expect(verifier.verify(input)).resolves.toMatchObject({ status: 'verified' });
    expect(tencent.calls[0]).toMatchObject({ signatureOk: true, body: { CaptchaAppId: CREDENTIALS.captchaAppId, AppSecretKey: CREDENTIALS.appSecretKey } });
  });

  it.each([
    [{ captchaAppId: 'abc' }, 'invalid_credential', 'captchaAppId'],
    [{ captchaAppId: 0 }, 'invalid_credential', 'captchaAppId'],
    [{ secretId: 'has space' }, 'invalid_credential', 'secretId'],
    [{ endpoint: 'ftp://x/' }, 'invalid_endpoint', 'endpoint'],
    [{ endpoint: 'not a url' }, 'invalid_endpoint', 'endpoint'],
    [{ endpoint: 'https://x.example/v1' }, 'invalid_endpoint', 'endpoint'],
    [{ mode: 'sometimes' }, 'invalid_option', 'mode'],
    [{ deadlineMs: 0 }, 'invalid_option', 'deadlineMs'],
    [{ deadlineMs: 1000, attemptTimeoutMs: 2000 }, 'invalid_option', 'attemptTimeoutMs'],
    [{ deadlineMs: 1000, storeTimeoutMs: 1000 }, 'invalid_option', 'storeTimeoutMs'],
    [{ budgets: { perIp: -1 } }, 'invalid_option', 'budgets.perIp'],
    [{ budgets: { global: 1.5 } }, 'invalid_option', 'budgets.global'],
    [{ budgets: 3 }, 'invalid_option', 'budgets'],
    [{ maxEvilLevel: 101 }, 'invalid_option', 'maxEvilLevel'],
    [{ breaker: { failureThreshold: 0 } }, 'invalid_option', 'breaker.failureThreshold'],
    [{ retry: { enabled: 'yes' } }, 'invalid_option', 'retry.enabled'],
    [{ store: {} }, 'invalid_option', 'store'],
    [{ hooks: { onVerdict: 'x' } }, 'invalid_option', 'hooks.onVerdict'],
    [{ fetch: 'x' }, 'invalid_option', 'fetch'],
  ])('throws a CaptchaConfigError for %j', (bad, code, option) => {
    const err = (() => {
      try {
        createCaptchaVerifier({ ...CREDENTIALS, ...(bad as object) });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(CaptchaConfigError);
    expect(err).toMatchObject({ code, option, name: 'CaptchaConfigError' });
  });

  it('never puts a credential value into a config error message', () => {
    const secret = 'bad secret with spaces';
    expect.assertions(2);
    try {
      createCaptchaVerifier({ ...CREDENTIALS, appSecretKey: secret });
    } catch (e) {
      expect(String((e as Error).message)).not.toContain(secret);
      expect(JSON.stringify(e)).not.toContain(secret);
    }
  });

  it('recognises a CaptchaConfigError from another copy of the package by its brand', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('@tencent-captcha/core.CaptchaConfigError')]: true });
    expect(foreign instanceof CaptchaConfigError).toBe(true);
    expect(CaptchaConfigError.is(new Error('x'))).toBe(false);
  });

  it('exposes resolved options without secrets', () => {
    const { verifier } = setup();
    expect(verifier.options).toMatchObject({ captchaAppId: CREDENTIALS.captchaAppId, mode: 'adaptive', deadlineMs: 5000, attemptTimeoutMs: 3000 });
    const text = JSON.stringify(verifier.options);
    expect(text).not.toContain(CREDENTIALS.appSecretKey);
    expect(text).not.toContain(CREDENTIALS.secretKey);
  });
});

describe('verify()', () => {
  it('returns verified with the answer details for CaptchaCode 1', async () => {
    const { verifier, tencent } = setup({}, [{ captchaCode: 1, evilLevel: 0 }]);
    const v = await verifier.verify(input);
    expect(v).toMatchObject({
      status: 'verified',
      accepted: true,
      reason: 'verified',
      branch: 'tencent_answer',
      captchaCode: 1,
      captchaMsg: 'OK',
      evilLevel: 0,
      attempts: 1,
      cause: null,
      mode: 'adaptive',
      breaker: 'closed',
      retryAfterSeconds: null,
    });
    expect(v.requestId).toMatch(/^req-/);
    expect(v.latencyMs).toBeGreaterThanOrEqual(0);
    expect(tencent.calls).toHaveLength(1);
    expect(tencent.calls[0]!.signatureOk).toBe(true);
    expect(tencent.calls[0]!.headers).toMatchObject({ 'x-tc-action': 'DescribeCaptchaResult', 'x-tc-version': '2019-07-22' });
    expect(tencent.calls[0]!.body).toEqual({
      CaptchaType: 9,
      Ticket: input.ticket,
      UserIp: input.userIp,
      Randstr: input.randstr,
      CaptchaAppId: CREDENTIALS.captchaAppId,
      AppSecretKey: CREDENTIALS.appSecretKey,
    });
  });

  it('returns evil_level_too_high when EvilLevel is over maxEvilLevel', async () => {
    const { verifier } = setup({}, [{ captchaCode: 1, evilLevel: 100 }]);
    await expect(verifier.verify(input)).resolves.toMatchObject({ status: 'rejected', accepted: false, reason: 'evil_level_too_high', branch: 'risk_limit' });
  });

  it('returns risk_score_too_high when Score is over maxScore', async () => {
    const { verifier } = setup({ maxScore: 70 }, [{ captchaCode: 1, score: 71 }]);
    await expect(verifier.verify(input)).resolves.toMatchObject({ status: 'rejected', reason: 'risk_score_too_high', score: 71 });
  });

  it.each([
    [7, 'randstr_mismatch'],
    [8, 'ticket_expired'],
    [9, 'ticket_reused'],
    [15, 'ticket_invalid'],
    [16, 'app_id_mismatch'],
    [21, 'ticket_diff'],
    [25, 'bad_visitor'],
    [0, 'unknown_captcha_code'],
  ])('rejects CaptchaCode %i as %s in every mode', async (code, reason) => {
    for (const mode of ['adaptive', 'open', 'closed'] as const) {
      const { verifier } = setup({ mode }, [{ captchaCode: code }]);
      await expect(verifier.verify(input)).resolves.toMatchObject({ status: 'rejected', accepted: false, reason, captchaCode: code, branch: 'tencent_answer' });
    }
  });

  it.each([
    [{ captchaCode: 100 }, 'captcha_code'],
    [{ apiError: 'AuthFailure.SignatureFailure' }, 'api_error'],
    [{ apiError: 'UnauthorizedOperation.Unauthorized' }, 'api_error'],
  ] as const)('returns misconfigured for %j, in open mode too, and reports it', async (reply, source) => {
    const onMisconfiguration = vi.fn();
    const { verifier } = setup({ mode: 'open', hooks: { onMisconfiguration } }, [reply]);
    await expect(verifier.verify(input)).resolves.toMatchObject({ status: 'rejected', accepted: false, reason: 'misconfigured', branch: 'misconfigured' });
    expect(onMisconfiguration).toHaveBeenCalledWith(expect.objectContaining({ source }));
  });

  it('never accepts RequestLimitExceeded, even in open mode', async () => {
    const { verifier } = setup({ mode: 'open' }, [{ apiError: 'RequestLimitExceeded' }]);
    await expect(verifier.verify(input)).resolves.toMatchObject({
      status: 'degraded',
      accepted: false,
      reason: 'upstream_rate_limited',
      branch: 'rate_limited',
      apiError: { code: 'RequestLimitExceeded' },
    });
  });

  it('returns upstream_bad_request for InvalidParameter', async () => {
    const { verifier } = setup({ mode: 'open' }, [{ apiError: 'InvalidParameterValue' }]);
    await expect(verifier.verify(input)).resolves.toMatchObject({ status: 'rejected', reason: 'upstream_bad_request' });
  });

  it.each([
    [{ captchaCode: 26 }, 'system_busy'],
    [{ apiError: 'InternalError' }, 'upstream_internal_error'],
    [{ status: 502, body: 'bad gateway' }, 'upstream_error'],
    [{ status: 200, body: '{"Response":' }, 'upstream_error'],
    [{ status: 200, body: '{"Response":{"RequestId":"x"}}' }, 'upstream_error'],
    [{ throw: connectionReset() }, 'upstream_unreachable'],
    [{ throw: connectionRefused() }, 'upstream_unreachable'],
  ] as const)('accepts %j as degraded %s in adaptive and open, refuses it in closed', async (reply, reason) => {
    for (const mode of ['adaptive', 'open'] as const) {
      const { verifier } = setup({ mode, retry: { delayMs: 0 } }, [reply]);
      await expect(verifier.verify(input)).resolves.toMatchObject({ status: 'degraded', accepted: true, reason, cause: reason, branch: 'degraded_accept' });
    }
    const { verifier } = setup({ mode: 'closed', retry: { delayMs: 0 } }, [reply]);
    const v = await verifier.verify(input);
    expect(v).toMatchObject({ status: 'degraded', accepted: false, reason, branch: 'mode_closed', retryAfterSeconds: 10 });
  });

  it('overrides the mode per call', async () => {
    const { verifier } = setup({ mode: 'open' }, [{ apiError: 'InternalError' }]);
    await expect(verifier.verify(input, { mode: 'closed' })).resolves.toMatchObject({ accepted: false, mode: 'closed', branch: 'mode_closed' });
    await expect(verifier.verify({ ...input, ticket: `${input.ticket}2` })).resolves.toMatchObject({ accepted: true, mode: 'open' });
  });

  it('rejects with a CaptchaConfigError for an invalid per-call mode', async () => {
    const { verifier, tencent } = setup();
    await expect(verifier.verify(input, { mode: 'maybe' as 'open' })).rejects.toMatchObject({ code: 'invalid_option', option: 'mode' });
    expect(tencent.calls).toHaveLength(0);
  });

  describe('input', () => {
    it.each([
      [{ ...input, ticket: '' }, 'ticket_missing'],
      [{ ...input, ticket: 'x'.repeat(5000) }, 'ticket_malformed'],
      [{ ...input, randstr: undefined }, 'randstr_missing'],
      [{ ...input, randstr: '<script>' }, 'randstr_malformed'],
      [{ ...input, userIp: '999.1.1.1' }, 'user_ip_invalid'],
      [{ ...input, ticket: 'trerror_1001_x_1' }, 'disaster_ticket_malformed'],
    ])('rejects %j as %s without calling Tencent', async (bad, reason) => {
      const { verifier, tencent } = setup();
      await expect(verifier.verify(bad as typeof input)).resolves.toMatchObject({ status: 'rejected', accepted: false, reason, attempts: 0 });
      expect(tencent.calls).toHaveLength(0);
    });
  });

  describe('disaster tickets', () => {
    const at = (opts: Partial<CaptchaVerifierOptions> = {}, replies: FakeReply[] = [{ captchaCode: 21, captchaMsg: 'diff' }]) =>
      setup({ now: () => NOW, ...opts }, replies);

    it('accepts a fresh disaster ticket for our app id as degraded, after asking Tencent', async () => {
      const { verifier, tencent } = at();
      const v = await verifier.verify({ ...input, ticket: disaster() });
      expect(v).toMatchObject({
        status: 'degraded',
        accepted: true,
        reason: 'disaster_ticket',
        branch: 'degraded_accept',
        captchaCode: 21,
        disasterTicket: { prefix: 'trerror_', errorCode: 1001, appId: String(CREDENTIALS.captchaAppId), timestamp: nowSeconds },
      });
      expect(tencent.calls).toHaveLength(1);
    });

    it('accepts both prefixes, and Tencent answering 16 for one', async () => {
      const { verifier } = at({}, [{ captchaCode: 16 }]);
      await expect(verifier.verify({ ...input, ticket: disaster({ prefix: 'terror_' }) })).resolves.toMatchObject({ reason: 'disaster_ticket', accepted: true });
      await expect(verifier.verify({ ...input, ticket: `${disaster({ code: 1002 })}_abc` })).resolves.toMatchObject({ reason: 'disaster_ticket', accepted: true });
    });

    it.each([
      [{ appId: 1234 }, 'disaster_ticket_app_id_mismatch'],
      [{ appId: `0${CREDENTIALS.captchaAppId}` }, 'disaster_ticket_app_id_mismatch'],
      [{ ts: nowSeconds - 300 - 31 }, 'disaster_ticket_expired'],
      [{ ts: nowSeconds + 31 }, 'disaster_ticket_from_future'],
    ])('rejects %j as %s without calling Tencent', async (over, reason) => {
      const { verifier, tencent } = at({ mode: 'open' });
      await expect(verifier.verify({ ...input, ticket: disaster(over) })).resolves.toMatchObject({ status: 'rejected', reason, branch: 'disaster_ticket_check' });
      expect(tencent.calls).toHaveLength(0);
    });

    it('allows the clock skew at both ends', async () => {
      const { verifier } = at();
      await expect(verifier.verify({ ...input, ticket: disaster({ ts: nowSeconds - 330 }) })).resolves.toMatchObject({ accepted: true });
      await expect(verifier.verify({ ...input, ticket: disaster({ ts: nowSeconds + 30 }) })).resolves.toMatchObject({ accepted: true });
    });

    it('returns ticket_replayed for a disaster ticket accepted before (same ticket and randstr)', async () => {
      const { verifier } = at();
      const ticket = disaster();
      await expect(verifier.verify({ ...input, ticket })).resolves.toMatchObject({ accepted: true });
      await expect(verifier.verify({ ...input, ticket, userIp: '198.51.100.1' })).resolves.toMatchObject({
        status: 'rejected',
        accepted: false,
        reason: 'ticket_replayed',
        branch: 'replay_guard',
        cause: 'disaster_ticket',
      });
    });

    it('accepts a second user whose SDK failed in the same second (same ticket string, own randstr)', async () => {
      // Tencent's SDK and its documented fallback build `trerror_<code>_<appid>_<second>` with no
      // random part: during an outage many users send the same string, each with its own randstr.
      const { verifier } = at();
      const ticket = disaster();
      await expect(verifier.verify({ ...input, ticket, randstr: '@firstuser1' })).resolves.toMatchObject({ accepted: true });
      await expect(verifier.verify({ ...input, ticket, randstr: '@seconduser', userIp: '198.51.100.1' })).resolves.toMatchObject({
        accepted: true,
        reason: 'disaster_ticket',
      });
    });

    it('refuses disaster tickets in closed mode with 503 semantics', async () => {
      const { verifier } = at({ mode: 'closed' });
      await expect(verifier.verify({ ...input, ticket: disaster() })).resolves.toMatchObject({ status: 'degraded', accepted: false, reason: 'disaster_ticket', branch: 'mode_closed' });
    });

    it('returns budget_exhausted past the per-IP budget and reports it', async () => {
      const onBudgetExhausted = vi.fn();
      const { verifier } = at({ budgets: { perIp: 2, global: 10 }, hooks: { onBudgetExhausted } });
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await verifier.verify({ ...input, ticket: disaster({ code: 1001 + i }) }));
      expect(results.map((r) => r.accepted)).toEqual([true, true, false]);
      expect(results[2]).toMatchObject({ status: 'degraded', reason: 'budget_exhausted', branch: 'budget', cause: 'disaster_ticket', retryAfterSeconds: 60 });
      expect(onBudgetExhausted).toHaveBeenCalledWith({ scope: 'per_ip', limit: 2, windowSeconds: 60, tier: 'healthy', userIp: input.userIp, cause: 'disaster_ticket' });
      // Another IP still has budget.
      await expect(verifier.verify({ ...input, userIp: '198.51.100.9', ticket: disaster({ code: 1005 }) })).resolves.toMatchObject({ accepted: true });
    });

    it('returns budget_exhausted past the global budget', async () => {
      const { verifier } = at({ budgets: { perIp: 5, global: 2 } });
      const ips = ['198.51.100.1', '198.51.100.2', '198.51.100.3'];
      const results = [];
      for (const [i, userIp] of ips.entries()) results.push(await verifier.verify({ ...input, userIp, ticket: disaster({ code: 1001 + i }) }));
      expect(results.map((r) => r.reason)).toEqual(['disaster_ticket', 'disaster_ticket', 'budget_exhausted']);
    });

    it('counts an IPv6 /64 as one client', async () => {
      const { verifier } = at({ budgets: { perIp: 1 } });
      await expect(verifier.verify({ ...input, userIp: '2001:db8:1:2::1', ticket: disaster({ code: 1001 }) })).resolves.toMatchObject({ accepted: true });
      await expect(verifier.verify({ ...input, userIp: '2001:db8:1:2::99', ticket: disaster({ code: 1002 }) })).resolves.toMatchObject({ reason: 'budget_exhausted' });
    });

    it('starts a fresh budget in the next window', async () => {
      let now = NOW;
      const { verifier } = setup({ now: () => now, budgets: { perIp: 1, windowSeconds: 60 } }, [{ captchaCode: 21 }]);
      await expect(verifier.verify({ ...input, ticket: disaster({ code: 1001 }) })).resolves.toMatchObject({ accepted: true });
      await expect(verifier.verify({ ...input, ticket: disaster({ code: 1002 }) })).resolves.toMatchObject({ reason: 'budget_exhausted' });
      now += 60_000;
      await expect(verifier.verify({ ...input, ticket: disaster({ code: 1003, ts: Math.floor(now / 1000) }) })).resolves.toMatchObject({ accepted: true });
    });
  });

  describe('store', () => {
    const failing: CaptchaStore = { acceptDegraded: () => Promise.reject(new Error('ECONNREFUSED redis')) };

    it('returns store_unavailable for a degraded candidate when the store fails, and reports it', async () => {
      const onStoreError = vi.fn();
      const { verifier } = setup({ store: failing, hooks: { onStoreError } }, [{ apiError: 'InternalError' }]);
      await expect(verifier.verify(input)).resolves.toMatchObject({ status: 'degraded', accepted: false, reason: 'store_unavailable', branch: 'store_failure', cause: 'upstream_internal_error' });
      expect(onStoreError).toHaveBeenCalledWith(expect.objectContaining({ timedOut: false }));
    });

    it('still verifies normally when the store fails', async () => {
      const { verifier } = setup({ store: failing }, [{ captchaCode: 1 }]);
      await expect(verifier.verify(input)).resolves.toMatchObject({ status: 'verified', accepted: true });
    });

    it('returns store_unavailable when the store does not answer within storeTimeoutMs', async () => {
      useFakeTimers(NOW);
      const hanging: CaptchaStore = { acceptDegraded: () => new Promise(() => {}) };
      const { verifier } = setup({ store: hanging, storeTimeoutMs: 100, retry: { enabled: false } }, [{ apiError: 'InternalError' }]);
      const p = verifier.verify(input);
      const { elapsedMs } = await advanceUntilSettled(p, 1000, 1);
      expect(elapsedMs).toBeGreaterThanOrEqual(100);
      expect(elapsedMs).toBeLessThan(150);
      await expect(p).resolves.toMatchObject({ reason: 'store_unavailable' });
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  describe('retry', () => {
    it('retries once after connection refused and returns the second answer', async () => {
      const { verifier, tencent } = setup({ retry: { delayMs: 0 } }, [{ throw: connectionRefused() }, { captchaCode: 1 }]);
      await expect(verifier.verify(input)).resolves.toMatchObject({ status: 'verified', attempts: 2 });
      expect(tencent.calls).toHaveLength(2);
    });

    it('retries once after InternalError', async () => {
      const { verifier, tencent } = setup({ retry: { delayMs: 0 } }, [{ apiError: 'InternalError' }, { captchaCode: 1 }]);
      await expect(verifier.verify(input)).resolves.toMatchObject({ status: 'verified', attempts: 2 });
      expect(tencent.calls).toHaveLength(2);
    });

    it('returns retry_ticket_reused (degraded, not the user) for CaptchaCode 9 on the retry', async () => {
      const { verifier } = setup({ retry: { delayMs: 0 } }, [{ apiError: 'InternalError' }, { captchaCode: 9 }]);
      await expect(verifier.verify(input)).resolves.toMatchObject({ status: 'degraded', accepted: true, reason: 'retry_ticket_reused', attempts: 2, captchaCode: 9 });
    });

    it('retries at most once', async () => {
      const { verifier, tencent } = setup({ retry: { delayMs: 0 } }, [{ apiError: 'InternalError' }]);
      await expect(verifier.verify(input)).resolves.toMatchObject({ reason: 'upstream_internal_error', attempts: 2 });
      expect(tencent.calls).toHaveLength(2);
    });

    it.each([
      [{ throw: connectionReset() }],
      [{ status: 503, body: '' }],
      [{ captchaCode: 26 }],
      [{ apiError: 'RequestLimitExceeded' }],
      [{ captchaCode: 8 }],
    ] as const)('does not retry where Tencent may have consumed the ticket: %j', async (reply) => {
      const { verifier, tencent } = setup({ retry: { delayMs: 0 } }, [reply, { captchaCode: 1 }]);
      await expect(verifier.verify(input)).resolves.toMatchObject({ attempts: 1 });
      expect(tencent.calls).toHaveLength(1);
    });

    it('does not retry when retry is disabled', async () => {
      const { verifier, tencent } = setup({ retry: { enabled: false } }, [{ apiError: 'InternalError' }, { captchaCode: 1 }]);
      await expect(verifier.verify(input)).resolves.toMatchObject({ reason: 'upstream_internal_error', attempts: 1 });
      expect(tencent.calls).toHaveLength(1);
    });
  });

  describe('deadline and timeouts (fake timers)', () => {
    it('returns upstream_timeout after attemptTimeoutMs and leaves no timer behind', async () => {
      useFakeTimers(NOW);
      const { verifier, tencent } = setup({ attemptTimeoutMs: 1000, deadlineMs: 5000 }, [{ hang: true }]);
      let verdict: CaptchaVerdict | undefined;
      const p = verifier.verify(input).then((v) => (verdict = v));
      await advance(999);
      expect(verdict).toBeUndefined();
      await advance(1);
      await p;
      expect(verdict).toMatchObject({ status: 'degraded', accepted: true, reason: 'upstream_timeout', attempts: 1 });
      expect(tencent.pending).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('answers by the deadline even when the store hangs too', async () => {
      useFakeTimers(NOW);
      const hanging: CaptchaStore = { acceptDegraded: () => new Promise(() => {}) };
      const { verifier } = setup({ attemptTimeoutMs: 2000, deadlineMs: 2000, storeTimeoutMs: 200, store: hanging }, [{ hang: true }]);
      const p = verifier.verify(input);
      const { settled, elapsedMs } = await advanceUntilSettled(p, 5000, 1);
      expect(settled).toBe(true);
      expect(elapsedMs).toBeLessThanOrEqual(2000);
      await expect(p).resolves.toMatchObject({ reason: 'store_unavailable', cause: 'upstream_timeout' });
      expect(vi.getTimerCount()).toBe(0);
    });

    it('cuts a retry short at the deadline', async () => {
      useFakeTimers(NOW);
      const { verifier, tencent } = setup({ attemptTimeoutMs: 600, deadlineMs: 700, storeTimeoutMs: 50, retry: { delayMs: 500 } }, [
        { apiError: 'InternalError' },
        { hang: true },
      ]);
      const p = verifier.verify(input);
      const { elapsedMs } = await advanceUntilSettled(p, 2000, 1);
      expect(elapsedMs).toBeGreaterThanOrEqual(650);
      expect(elapsedMs).toBeLessThan(700);
      await expect(p).resolves.toMatchObject({ reason: 'upstream_timeout', attempts: 2 });
      expect(tencent.pending).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  describe('abort', () => {
    it('rejects with the caller’s abort reason, untouched, before any request', async () => {
      const { verifier, tencent } = setup();
      const reason = new Error('client went away');
      await expect(verifier.verify(input, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      expect(tencent.calls).toHaveLength(0);
    });

    it('rejects with the abort reason mid-flight, cancels the request and leaves no timer', async () => {
      useFakeTimers(NOW);
      const onVerdict = vi.fn();
      const { verifier, tencent } = setup({ hooks: { onVerdict } }, [{ hang: true }]);
      const controller = new AbortController();
      const p = verifier.verify(input, { signal: controller.signal });
      p.catch(() => undefined);
      await advance(100);
      const reason = { custom: 'reason' };
      controller.abort(reason);
      await expect(p).rejects.toBe(reason);
      await advance(0);
      expect(tencent.pending).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
      expect(onVerdict).not.toHaveBeenCalled();
    });

    it('does not count an abort as an upstream failure', async () => {
      const { verifier } = setup({ breaker: { failureThreshold: 1 } }, [{ hang: true }]);
      const controller = new AbortController();
      const p = verifier.verify(input, { signal: controller.signal });
      controller.abort(new Error('stop'));
      await expect(p).rejects.toThrow('stop');
      expect(verifier.breakerState).toBe('closed');
    });

    it('rejects with the abort reason while waiting for the store', async () => {
      const hanging: CaptchaStore = { acceptDegraded: () => new Promise(() => {}) };
      const { verifier } = setup({ store: hanging }, [{ apiError: 'InternalError' }]);
      const controller = new AbortController();
      const reason = new Error('stop');
      const p = verifier.verify(input, { signal: controller.signal, mode: 'open' });
      setTimeout(() => controller.abort(reason), 5);
      await expect(p).rejects.toBe(reason);
    });
  });

  describe('circuit breaker (fake timers)', () => {
    it('opens after failures spread over time, decides without the network while open, and closes after a good probe', async () => {
      useFakeTimers(NOW);
      const onBreakerOpen = vi.fn();
      const onBreakerClose = vi.fn();
      const { verifier, tencent } = setup(
        { breaker: { failureThreshold: 3, halfOpenAfterMs: 10_000 }, retry: { enabled: false }, hooks: { onBreakerOpen, onBreakerClose }, now: () => Date.now() },
        [{ status: 500, body: '' }],
      );
      for (let i = 0; i < 3; i++) {
        if (i > 0) await advance(1000);
        await verifier.verify({ ...input, ticket: `${input.ticket}${i}` });
      }
      expect(verifier.breakerState).toBe('open');
      expect(onBreakerOpen).toHaveBeenCalledWith({ state: 'open', at: NOW + 2000, cause: 'upstream_error' });

      const open = await verifier.verify({ ...input, ticket: `${input.ticket}x` });
      expect(open).toMatchObject({ status: 'degraded', accepted: true, reason: 'breaker_open', attempts: 0, breaker: 'open' });
      expect(tencent.calls).toHaveLength(3);

      const closed = await verifier.verify({ ...input, ticket: `${input.ticket}y` }, { mode: 'closed' });
      expect(closed).toMatchObject({ accepted: false, reason: 'breaker_open', retryAfterSeconds: 10 });

      await advance(10_000);
      tencent.reply({ captchaCode: 1 });
      await expect(verifier.verify({ ...input, ticket: `${input.ticket}z` })).resolves.toMatchObject({ status: 'verified', attempts: 1 });
      expect(verifier.breakerState).toBe('closed');
      expect(onBreakerClose).toHaveBeenCalledTimes(1);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('uses the outage budget while the breaker is open (adaptive)', async () => {
      useFakeTimers(NOW);
      const { verifier } = setup(
        { breaker: { failureThreshold: 1 }, budgets: { perIp: 0, global: 0, outagePerIp: 5, outageGlobal: 5 }, retry: { enabled: false } },
        [{ apiError: 'InternalError' }],
      );
      // The first failure opens the breaker, so even it is judged against the outage budget.
      await expect(verifier.verify(input)).resolves.toMatchObject({ accepted: true, reason: 'upstream_internal_error', breaker: 'open' });
      await expect(verifier.verify({ ...input, ticket: `${input.ticket}2` })).resolves.toMatchObject({ accepted: true, reason: 'breaker_open' });
    });

    it('uses the small budget while Tencent looks healthy (adaptive) and the outage budget in open mode', async () => {
      const opts = { budgets: { perIp: 0, global: 0, outagePerIp: 5, outageGlobal: 5 }, now: () => NOW };
      const a = setup(opts, [{ captchaCode: 21 }]);
      await expect(a.verifier.verify({ ...input, ticket: disaster() })).resolves.toMatchObject({ accepted: false, reason: 'budget_exhausted' });
      const o = setup({ ...opts, mode: 'open' }, [{ captchaCode: 21 }]);
      await expect(o.verifier.verify({ ...input, ticket: disaster() })).resolves.toMatchObject({ accepted: true, reason: 'disaster_ticket' });
    });

    it('lets a probe whose caller aborted finish on its own timer, so the breaker closes when Tencent is healthy', async () => {
      useFakeTimers(NOW);
      const { verifier, tencent } = setup({ breaker: { failureThreshold: 1, halfOpenAfterMs: 1000 }, retry: { enabled: false } }, [
        { status: 500, body: '' },
        { captchaCode: 1 },
      ]);
      await verifier.verify(input);
      expect(verifier.breakerState).toBe('open');
      await advance(1000);
      const controller = new AbortController();
      const p = verifier.verify({ ...input, ticket: `${input.ticket}2` }, { signal: controller.signal });
      p.catch(() => undefined);
      // The client leaves before Tencent's answer is read.
      controller.abort(new Error('gone'));
      await expect(p).rejects.toThrow('gone');
      await advance(0);
      expect(tencent.calls).toHaveLength(2);
      expect(verifier.breakerState).toBe('closed');
      expect(vi.getTimerCount()).toBe(0);
    });

    it('keeps a probe whose caller aborted running until its own timer, and re-opens if Tencent still hangs', async () => {
      useFakeTimers(NOW);
      const { verifier, tencent } = setup({ breaker: { failureThreshold: 1, halfOpenAfterMs: 1000 }, attemptTimeoutMs: 500, retry: { enabled: false } }, [
        { status: 500, body: '' },
        { hang: true },
      ]);
      await verifier.verify(input);
      await advance(1000);
      const controller = new AbortController();
      const p = verifier.verify({ ...input, ticket: `${input.ticket}2` }, { signal: controller.signal });
      p.catch(() => undefined);
      await advance(0);
      controller.abort(new Error('gone'));
      await expect(p).rejects.toThrow('gone');
      // Not cancelled by its caller: still in flight, and nobody else probes meanwhile.
      expect(tencent.pending).toBe(1);
      expect(verifier.breakerState).toBe('half_open');
      await advance(500);
      expect(tencent.pending).toBe(0);
      expect(verifier.breakerState).toBe('open');
      expect(vi.getTimerCount()).toBe(0);
    });

    it('is not opened by RequestLimitExceeded (a flood must not widen the budget)', async () => {
      const { verifier } = setup({ breaker: { failureThreshold: 1 } }, [{ apiError: 'RequestLimitExceeded' }]);
      await verifier.verify(input);
      await verifier.verify(input);
      expect(verifier.breakerState).toBe('closed');
    });

    it('reopens when the probe fails', async () => {
      useFakeTimers(NOW);
      const onBreakerOpen = vi.fn();
      const { verifier } = setup({ breaker: { failureThreshold: 1, halfOpenAfterMs: 1000 }, retry: { enabled: false }, hooks: { onBreakerOpen } }, [
        { captchaCode: 26 },
      ]);
      await verifier.verify(input);
      await advance(1000);
      await expect(verifier.verify({ ...input, ticket: `${input.ticket}2` })).resolves.toMatchObject({ reason: 'system_busy', attempts: 1 });
      expect(verifier.breakerState).toBe('open');
      expect(onBreakerOpen).toHaveBeenCalledTimes(2);
    });
  });

  describe('hooks and logger', () => {
    it('calls onVerdict for every verdict and survives a throwing hook', async () => {
      const error = vi.fn();
      const onVerdict = vi.fn(() => {
        throw new Error('hook bug');
      });
      const { verifier } = setup({ hooks: { onVerdict }, logger: { error } });
      await expect(verifier.verify(input)).resolves.toMatchObject({ status: 'verified' });
      await expect(verifier.verify({ ...input, ticket: '' })).resolves.toMatchObject({ reason: 'ticket_missing' });
      expect(onVerdict).toHaveBeenCalledTimes(2);
      expect(onVerdict.mock.calls[0]).toEqual([{ verdict: expect.objectContaining({ reason: 'verified' }), userIp: input.userIp }]);
      expect(error).toHaveBeenCalledWith('a captcha hook threw', expect.objectContaining({ hook: 'onVerdict' }));
    });

    it('warns through console by default (it printed nothing before), and logger: false silences it', async () => {
      const error = vi.spyOn(console, 'error').mockImplementation(() => {});
      const quiet = (['log', 'info', 'warn', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation(() => {}));
      try {
        await setup({ mode: 'open' }, [{ captchaCode: 100 }]).verifier.verify(input);
        expect(error).toHaveBeenCalledTimes(1);
        expect(error.mock.calls[0]![0]).toMatch(/^\[tencent-captcha\] captcha verification is misconfigured .*"captchaCode":100.*AppSecretKey does not belong to this CaptchaAppId/);
        error.mockClear();
        await setup({ mode: 'open', logger: false }, [{ captchaCode: 100 }]).verifier.verify(input);
        for (const s of [error, ...quiet]) expect(s).not.toHaveBeenCalled();
      } finally {
        for (const s of [error, ...quiet]) s.mockRestore();
      }
    });
  });
});
