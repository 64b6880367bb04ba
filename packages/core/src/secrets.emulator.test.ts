/**
 * No secret ever appears in a verdict, an error, a hook payload or a log line. A full run against the
 * emulator — verified, rejected, misconfigured (wrong AppSecretKey, wrong SecretKey), every kind of
 * outage, breaker open/close, budgets, store failure, config errors — is serialised and searched.
 */
import { createEmulator } from '@tencent-captcha/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaptchaVerifier } from './engine/verifier.js';
import type { CaptchaVerifierOptions } from './types/options.js';

const APP_SECRET = 'AppSecret-7Hq2x9ZLp4TeUw0';
const SECRET_KEY = 'ApiSecret-Vb81nQz3KdPq5Ry';
const WRONG_APP_SECRET = 'WrongAppSecret-Jt62cMx0Aa';
const WRONG_SECRET_KEY = 'WrongApiSecret-Pp93kLs7Qe';
const SECRETS = [APP_SECRET, SECRET_KEY, WRONG_APP_SECRET, WRONG_SECRET_KEY];

type Emulator = Awaited<ReturnType<typeof createEmulator>>;
let emulator: Emulator;

beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1', appSecretKey: APP_SECRET, secretKey: SECRET_KEY });
});
afterAll(async () => {
  await emulator.close();
});

/** JSON of anything, errors included (name, message, stack, cause, own properties). */
function dump(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[circular]';
      seen.add(v);
      if (v instanceof Error) {
        return { name: v.name, message: v.message, stack: v.stack, cause: (v as { cause?: unknown }).cause, ...Object.fromEntries(Object.entries(v)) };
      }
    }
    if (typeof v === 'function') return `[function ${v.name}]`;
    return v;
  });
}

describe('secrets', () => {
  it('never appear in verdicts, errors, hook payloads or log lines of a full run', async () => {
    const captured: unknown[] = [];
    const record =
      (name: string) =>
      (...args: unknown[]): void => {
        captured.push({ name, args });
      };
    const base: CaptchaVerifierOptions = {
      captchaAppId: emulator.appId,
      appSecretKey: APP_SECRET,
      secretId: emulator.secretId,
      secretKey: SECRET_KEY,
      endpoint: emulator.apiUrl,
      env: {},
      attemptTimeoutMs: 2000,
      deadlineMs: 3000,
      retry: { delayMs: 0 },
      breaker: { failureThreshold: 30, halfOpenAfterMs: 60_000 },
      budgets: { perIp: 20, global: 100 },
      hooks: {
        onVerdict: record('onVerdict'),
        onBreakerOpen: record('onBreakerOpen'),
        onBreakerClose: record('onBreakerClose'),
        onBudgetExhausted: record('onBudgetExhausted'),
        onMisconfiguration: record('onMisconfiguration'),
        onStoreError: record('onStoreError'),
      },
      logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
    };
    const ip = '203.0.113.9';
    const issue = () => {
      const t = emulator.issueTicket();
      return { ticket: t.ticket, randstr: t.randstr, userIp: ip };
    };

    const created: Array<ReturnType<typeof createCaptchaVerifier>> = [];
    const make = (options: CaptchaVerifierOptions) => {
      const v = createCaptchaVerifier(options);
      created.push(v);
      return v;
    };
    const main = make(base);
    const verdicts: unknown[] = [];
    const run = async (verifier: ReturnType<typeof createCaptchaVerifier>, input: ReturnType<typeof issue>, mode?: 'closed') => {
      verdicts.push(await verifier.verify(input, mode ? { mode } : {}));
    };

    const t = issue();
    await run(main, t);
    await run(main, t); // reused
    await run(main, { ...issue(), randstr: '@nope' });
    await run(main, { ...issue(), ticket: '' });
    for (const fault of [
      { kind: 'internal-error' },
      { kind: 'request-limit-exceeded' },
      { kind: 'http-error' },
      { kind: 'malformed-json' },
      { kind: 'connection-reset' },
      { kind: 'captcha-code', code: 26 },
      { kind: 'api-error', code: 'UnauthorizedOperation.Unauthorized' },
    ] as const) {
      emulator.faults.set('api', fault);
      await run(main, issue());
      await run(main, issue(), 'closed');
    }
    // The breaker opens on hangs and then decides alone.
    const fragile = make({ ...base, attemptTimeoutMs: 50, deadlineMs: 200, breaker: { failureThreshold: 1, halfOpenAfterMs: 60_000 } });
    emulator.faults.set('api', { kind: 'hang' });
    for (let i = 0; i < 3; i++) await run(fragile, issue());
    emulator.faults.clear();
    // Disaster tickets: accepted, replayed, over budget.
    // One timestamp for all: the replay must present the very same ticket even if a second passes.
    const issuedAt = Math.floor(Date.now() / 1000);
    const disaster = (code: number) => ({ ticket: `trerror_${code}_${emulator.appId}_${issuedAt}`, randstr: '@x', userIp: '198.51.100.4' });
    const other = make({ ...base, budgets: { perIp: 1 } });
    await run(other, disaster(1001));
    await run(other, disaster(1001));
    await run(other, disaster(1002));
    // Misconfigured: a wrong AppSecretKey (CaptchaCode 100) and a wrong SecretKey (AuthFailure).
    await run(make({ ...base, appSecretKey: WRONG_APP_SECRET }), issue());
    await run(make({ ...base, secretKey: WRONG_SECRET_KEY }), issue());
    // A failing store (its error mentions nothing of ours, but the path is exercised).
    emulator.faults.set('api', { kind: 'internal-error' });
    await run(make({ ...base, store: { acceptDegraded: () => Promise.reject(new Error('store down')) } }), issue());
    emulator.faults.clear();
    // Config errors built from secret-bearing options.
    const errors: unknown[] = [];
    for (const bad of [
      { appSecretKey: `${APP_SECRET} with space` },
      { secretKey: `${SECRET_KEY}\n` },
      { secretId: `id/${SECRET_KEY}` },
      { captchaAppId: APP_SECRET },
      { endpoint: `https://user:${SECRET_KEY}@example.com/` },
    ]) {
      try {
        createCaptchaVerifier({ ...base, ...bad });
      } catch (error) {
        errors.push(error);
      }
    }
    expect(errors).toHaveLength(5);
    await Promise.all(created.map((v) => v.close()));

    const text = dump({ verdicts, captured, errors, options: [main.options, other.options] });
    // The run did what it claims (so the search is not vacuous).
    for (const expected of ['"verified"', '"ticket_reused"', '"misconfigured"', '"breaker_open"', '"budget_exhausted"', '"ticket_replayed"', '"store_unavailable"', 'onBreakerOpen', 'onMisconfiguration', 'onStoreError', 'onBudgetExhausted']) {
      expect(text).toContain(expected);
    }
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });
});
