/**
 * The contract suite over real HTTP (undici's pool, the default transport) against the emulator:
 * every CaptchaCode row and every API fault, under each mode; deadlines and the breaker in real time.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createEmulator, type ApiFault } from '@tencent-captcha/emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CaptchaVerifierOptions } from './types/options.js';
import type { VerdictReason } from './types/reasons.js';
import { createCaptchaVerifier } from './engine/verifier.js';
import type { CaptchaMode, CaptchaVerdict } from './types/verdict.js';
import type { CaptchaVerifier } from './types/verifier.js';

type Emulator = Awaited<ReturnType<typeof createEmulator>>;

const MODES: readonly CaptchaMode[] = ['adaptive', 'open', 'closed'];
const USER_IP = '203.0.113.7';

let emulator: Emulator;
let emulatorNow = Date.now();
const open: CaptchaVerifier[] = [];

beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1', now: () => emulatorNow });
});
afterEach(async () => {
  vi.useRealTimers();
  emulator.faults.clear();
  emulatorNow = Date.now();
  await Promise.all(open.splice(0).map((v) => v.close()));
});
afterAll(async () => {
  await emulator.close();
});

function verifierFor(options: CaptchaVerifierOptions = {}): CaptchaVerifier {
  const v = createCaptchaVerifier({
    captchaAppId: emulator.appId,
    appSecretKey: emulator.appSecretKey,
    secretId: emulator.secretId,
    secretKey: emulator.secretKey,
    endpoint: emulator.apiUrl,
    env: {},
    // Roomy: these tests are about mapping answers, not timing, and the first call pays for loading
    // undici and connecting while CI runs every suite at once. Timing tests set their own, tight ones.
    attemptTimeoutMs: 10_000,
    deadlineMs: 15_000,
    retry: { delayMs: 10 },
    ...options,
  });
  open.push(v);
  return v;
}

const ticket = () => {
  const t = emulator.issueTicket();
  return { ticket: t.ticket, randstr: t.randstr, userIp: USER_IP };
};

type Expect = Pick<CaptchaVerdict, 'status' | 'accepted' | 'reason'>;
const verified: Expect = { status: 'verified', accepted: true, reason: 'verified' };
const rejected = (reason: VerdictReason): Expect => ({ status: 'rejected', accepted: false, reason });
/** Unknown answer: accepted (within budget) in adaptive and open, refused in closed. */
const degraded = (reason: VerdictReason, mode: CaptchaMode): Expect => ({ status: 'degraded', accepted: mode !== 'closed', reason });

// Written out here (not derived from the tables under test).
const CAPTCHA_CODE_ROWS: ReadonlyArray<[code: number, expect: (mode: CaptchaMode) => Expect]> = [
  [1, () => verified],
  [6, () => rejected('randstr_invalid')],
  [7, () => rejected('randstr_mismatch')],
  [8, () => rejected('ticket_expired')],
  [9, () => rejected('ticket_reused')],
  [10, () => rejected('ticket_sequence_invalid')],
  [11, () => rejected('cookie_invalid')],
  [12, () => rejected('ticket_length_invalid')],
  [13, () => rejected('ip_mismatch')],
  [15, () => rejected('ticket_invalid')],
  [16, () => rejected('app_id_mismatch')],
  [17, () => rejected('command_mismatch')],
  [18, () => rejected('uin_mismatch')],
  [19, () => rejected('ticket_redirected')],
  [20, () => rejected('no_captcha_required')],
  [21, () => rejected('ticket_diff')],
  [22, () => rejected('captcha_type_mismatch')],
  [23, () => rejected('verify_type_invalid')],
  [24, () => rejected('invalid_package')],
  [25, () => rejected('bad_visitor')],
  [26, (mode) => degraded('system_busy', mode)],
  [31, () => rejected('misconfigured')],
  [100, () => rejected('misconfigured')],
  [104, () => rejected('ticket_reused')],
  [0, () => rejected('unknown_captcha_code')],
  [999, () => rejected('unknown_captcha_code')],
];

describe('verify() against the emulator', () => {
  describe.each(MODES)('in %s mode', (mode) => {
    it.each(CAPTCHA_CODE_ROWS)('answers CaptchaCode %i as expected', async (code, expectFor) => {
      const verifier = verifierFor({ mode });
      emulator.faults.set('api', { kind: 'captcha-code', code });
      const v = await verifier.verify(ticket());
      expect(v).toMatchObject({ ...expectFor(mode), captchaCode: code, attempts: 1 });
      expect(v.requestId).toEqual(expect.any(String));
    });

    const API_FAULTS: ReadonlyArray<[name: string, fault: ApiFault | ApiFault[], expect: Expect & { attempts: number }]> = [
      ['latency under the timeout', { kind: 'latency', ms: 30 }, { ...verified, attempts: 1 }],
      ['hang', { kind: 'hang' }, { ...degraded('upstream_timeout', mode), attempts: 1 }],
      ['HTTP 502', { kind: 'http-error', status: 502 }, { ...degraded('upstream_error', mode), attempts: 1 }],
      ['HTTP 503', { kind: 'http-error', status: 503 }, { ...degraded('upstream_error', mode), attempts: 1 }],
      ['InternalError (retried once)', { kind: 'internal-error' }, { ...degraded('upstream_internal_error', mode), attempts: 2 }],
      ['InternalError, then an answer', [{ kind: 'internal-error' }, { kind: 'pass' }], { ...verified, attempts: 2 }],
      ['RequestLimitExceeded', { kind: 'request-limit-exceeded' }, { status: 'degraded', accepted: false, reason: 'upstream_rate_limited', attempts: 1 }],
      ['AuthFailure.SecretIdNotFound', { kind: 'api-error', code: 'AuthFailure.SecretIdNotFound' }, { ...rejected('misconfigured'), attempts: 1 }],
      ['UnauthorizedOperation.Unauthorized', { kind: 'api-error', code: 'UnauthorizedOperation.Unauthorized' }, { ...rejected('misconfigured'), attempts: 1 }],
      ['InvalidParameter', { kind: 'api-error', code: 'InvalidParameter' }, { ...rejected('upstream_bad_request'), attempts: 1 }],
      ['CaptchaCode 26', { kind: 'captcha-code', code: 26 }, { ...degraded('system_busy', mode), attempts: 1 }],
      ['malformed JSON', { kind: 'malformed-json' }, { ...degraded('upstream_error', mode), attempts: 1 }],
      ['connection reset (not retried)', { kind: 'connection-reset' }, { ...degraded('upstream_unreachable', mode), attempts: 1 }],
    ];

    it.each(API_FAULTS)('answers the API fault "%s" as expected', async (_name, fault, expected) => {
      const verifier = verifierFor({ mode, attemptTimeoutMs: 500, deadlineMs: 1000 });
      if (Array.isArray(fault)) emulator.faults.sequence('api', fault);
      else emulator.faults.set('api', fault);
      await expect(verifier.verify(ticket())).resolves.toMatchObject(expected);
    });

    it('answers connection refused as upstream_unreachable after one retry', async () => {
      const port = await closedPort();
      const verifier = verifierFor({ mode, endpoint: `http://127.0.0.1:${port}/` });
      await expect(verifier.verify(ticket())).resolves.toMatchObject({ ...degraded('upstream_unreachable', mode), attempts: 2 });
    });

    it('answers CaptchaCode 9 on the retry as retry_ticket_reused', async () => {
      const verifier = verifierFor({ mode });
      const t = ticket();
      // The first attempt consumed the ticket but failed; the retry then hears "reused".
      await expect(verifier.verify(t)).resolves.toMatchObject(verified);
      emulator.faults.sequence('api', [{ kind: 'internal-error' }, { kind: 'pass' }]);
      await expect(verifier.verify(t)).resolves.toMatchObject({ ...degraded('retry_ticket_reused', mode), captchaCode: 9, attempts: 2 });
    });
  });

  describe('real tickets', () => {
    it('verifies an issued ticket once, then returns ticket_reused', async () => {
      const verifier = verifierFor();
      const t = ticket();
      await expect(verifier.verify(t)).resolves.toMatchObject({ ...verified, captchaCode: 1, evilLevel: 0 });
      await expect(verifier.verify(t)).resolves.toMatchObject({ ...rejected('ticket_reused'), captchaCode: 9 });
    });

    it('returns randstr_mismatch for another randstr', async () => {
      await expect(verifierFor().verify({ ...ticket(), randstr: '@wrong1' })).resolves.toMatchObject({ ...rejected('randstr_mismatch'), captchaCode: 7 });
    });

    it('returns ticket_expired after five minutes', async () => {
      const t = ticket();
      emulatorNow += 301_000;
      await expect(verifierFor().verify(t)).resolves.toMatchObject({ ...rejected('ticket_expired'), captchaCode: 8 });
    });

    it('returns ticket_invalid for a garbled ticket', async () => {
      await expect(verifierFor().verify({ ...ticket(), ticket: 'tr03garbage*' })).resolves.toMatchObject({ ...rejected('ticket_invalid'), captchaCode: 15 });
    });

    it('returns app_id_mismatch for a ticket of another app', async () => {
      const t = emulator.issueTicket({ appId: '123456' });
      await expect(verifierFor().verify({ ticket: t.ticket, randstr: t.randstr, userIp: USER_IP })).resolves.toMatchObject({ ...rejected('app_id_mismatch'), captchaCode: 16 });
    });

    it('returns evil_level_too_high for EvilLevel 100', async () => {
      const t = emulator.issueTicket({ evilLevel: 100 });
      await expect(verifierFor().verify({ ticket: t.ticket, randstr: t.randstr, userIp: USER_IP })).resolves.toMatchObject({ ...rejected('evil_level_too_high'), evilLevel: 100 });
    });

    it('returns risk_score_too_high for a Score over maxScore', async () => {
      const t = emulator.issueTicket({ score: 90 });
      await expect(verifierFor({ maxScore: 80 }).verify({ ticket: t.ticket, randstr: t.randstr, userIp: USER_IP })).resolves.toMatchObject({
        ...rejected('risk_score_too_high'),
        score: 90,
      });
    });

    it('returns misconfigured (CaptchaCode 100) for a wrong AppSecretKey, in open mode too', async () => {
      await expect(verifierFor({ mode: 'open', appSecretKey: 'not-the-app-secret' }).verify(ticket())).resolves.toMatchObject({ ...rejected('misconfigured'), captchaCode: 100 });
    });

    it('returns misconfigured (AuthFailure.SignatureFailure) for a wrong SecretKey, in open mode too', async () => {
      await expect(verifierFor({ mode: 'open', secretKey: 'not-the-secret-key' }).verify(ticket())).resolves.toMatchObject({
        ...rejected('misconfigured'),
        apiError: { code: 'AuthFailure.SignatureFailure' },
      });
    });

    it('accepts a fresh disaster ticket of our app (Tencent says 21) as degraded, and refuses its replay', async () => {
      const verifier = verifierFor();
      const t = { ticket: `trerror_1001_${emulator.appId}_${Math.floor(Date.now() / 1000)}`, randstr: '@abcdefghijk', userIp: USER_IP };
      await expect(verifier.verify(t)).resolves.toMatchObject({ status: 'degraded', accepted: true, reason: 'disaster_ticket', captchaCode: 21 });
      await expect(verifier.verify(t)).resolves.toMatchObject({ ...rejected('ticket_replayed') });
    });
  });

  describe('deadline and breaker in real time', () => {
    it('answers within the deadline (+50 ms) while the emulator hangs', async () => {
      emulator.faults.set('api', { kind: 'hang' });
      const verifier = verifierFor({ attemptTimeoutMs: 400, deadlineMs: 400, storeTimeoutMs: 100 });
      const started = performance.now();
      const v = await verifier.verify(ticket());
      const elapsed = performance.now() - started;
      expect(v).toMatchObject({ status: 'degraded', reason: 'upstream_timeout' });
      expect(elapsed).toBeLessThanOrEqual(400 + 50);
    });

    it('answers within the deadline (+50 ms) when a retry runs into a hang', async () => {
      emulator.faults.sequence('api', [{ kind: 'internal-error' }, { fault: { kind: 'hang' }, times: 5 }]);
      const verifier = verifierFor({ attemptTimeoutMs: 400, deadlineMs: 400, storeTimeoutMs: 100 });
      const started = performance.now();
      const v = await verifier.verify(ticket());
      const elapsed = performance.now() - started;
      expect(v).toMatchObject({ reason: 'upstream_timeout', attempts: 2 });
      expect(elapsed).toBeLessThanOrEqual(400 + 50);
    });

    it('decides in under 5 ms once the breaker is open, and closes after a good probe', async () => {
      // Only Date is faked (the breaker's clock); HTTP and timeouts run in real time.
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
      emulator.faults.set('api', { kind: 'hang' });
      const events: string[] = [];
      const verifier = verifierFor({
        attemptTimeoutMs: 300,
        deadlineMs: 600,
        breaker: { failureThreshold: 2, halfOpenAfterMs: 300 },
        budgets: { outagePerIp: 100 },
        hooks: { onBreakerOpen: () => events.push('open'), onBreakerClose: () => events.push('close') },
      });
      // Two failures a second apart (Date is faked): failures spread over time open the breaker.
      await verifier.verify(ticket());
      vi.setSystemTime(Date.now() + 1000);
      await verifier.verify(ticket());
      expect(verifier.breakerState).toBe('open');
      const latencies: number[] = [];
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        const v = await verifier.verify(ticket());
        latencies.push(performance.now() - started);
        expect(v).toMatchObject({ status: 'degraded', accepted: true, reason: 'breaker_open', attempts: 0 });
      }
      // 90th percentile, so one GC pause on a busy CI machine does not decide the test.
      const sorted = [...latencies].sort((a, b) => a - b);
      expect(sorted[Math.floor(sorted.length * 0.9) - 1]).toBeLessThan(5);
      emulator.faults.clear();
      vi.setSystemTime(Date.now() + 300);
      await expect(verifier.verify(ticket())).resolves.toMatchObject(verified);
      expect(verifier.breakerState).toBe('closed');
      expect(events).toEqual(['open', 'close']);
    });
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
