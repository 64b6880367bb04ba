// Breaker-open decisions: a verifier whose circuit breaker is open decides without the network; a
// valid-looking ticket is then a degraded candidate (cause breaker_open) and costs one store call
// (replay guard + per-IP and global budgets). These helpers build such verifiers with public APIs only.
import { createServer } from 'node:net';
import { createCaptchaVerifier } from './core.mjs';
import { CREDENTIALS } from './clients.mjs';

/** A loopback port nothing listens on (bound, then released), so connects are refused at once. */
export function closedPort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * A verifier pointed at a refused port, its breaker opened by one failed call (threshold 1, retry off,
 * half-open after an hour), with budgets large enough that none is spent during the run unless
 * `budgets` says otherwise.
 */
export async function openBreakerVerifier({ port, store, budgets }) {
  const verifier = createCaptchaVerifier({
    ...CREDENTIALS,
    endpoint: `http://127.0.0.1:${port}/`,
    store,
    retry: { enabled: false },
    breaker: { failureThreshold: 1, halfOpenAfterMs: 3_600_000 },
    budgets: budgets ?? { outagePerIp: 1_000_000_000, outageGlobal: 1_000_000_000 },
    storeTimeoutMs: 1000,
    // Core warns (rate-limited, per verifier) about the open breaker and fail-open; a fresh verifier per
    // round would print it every round. Silenced so the decision path, not console output, is measured.
    logger: {},
    deadlineMs: 3000,
  });
  await verifier.verify({ ticket: 'tr03benchopener*', randstr: '@bench1', userIp: '192.0.2.1' });
  if (verifier.breakerState !== 'open') throw new Error(`breaker is ${verifier.breakerState} after a refused connect, expected open`);
  return verifier;
}

/** A distinct client IP per call (10.0.0.0/8), so every decision touches its own per-IP counter. */
export const ipFor = (i) => `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;

/**
 * A `call(i)` for `round()`: verifies a distinct ticket from a distinct IP, throws if the network was
 * used, and tallies the verdict reasons into `reasons`.
 */
export function breakerOpenCall(verifier, reasons, tag) {
  return async (i) => {
    const v = await verifier.verify({ ticket: `tr03bo${tag}${i.toString(36)}*`, randstr: '@bench1', userIp: ipFor(i) });
    if (v.attempts !== 0) throw new Error('breaker open but the network was used');
    reasons.set(v.reason, (reasons.get(v.reason) ?? 0) + 1);
  };
}
