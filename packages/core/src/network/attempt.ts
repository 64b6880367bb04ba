/**
 * One attempt with its timer. Tencent's silence counts only from when the request was written to the
 * socket (the transport says when, through `control.onSent`; undici writes a request on a reused
 * socket only in a later event-loop phase) and only while this process could hear the answer: an
 * attempt during which the event loop stalled beyond a threshold (stall-monitor.ts), or whose timer
 * fired far too late, ends `lagged` (→ `overloaded`), never as a failure the breaker counts. A
 * request not yet written when its timer fires after a stall gets the rest of the call's deadline to
 * be written and answered. Releases the connection and reports the outcome (to the breaker, through
 * `settle`) when it settles, whoever still waits for it.
 */
import type { AttemptSummary, VerificationSpan, VerifierTelemetry } from '../operations/telemetry.js';
import type { AttemptOutcome, SigningKey, UpstreamClient } from './describe-captcha-result.js';
import type { ValidInput } from '../decision/input.js';
import type { StallMonitor } from './stall-monitor.js';
import type { TransportControl } from './transport.js';
import { describeLocalFault } from './local-fault.js';

/** Reason a transport gets when the attempt timer cancels its request. */
const ATTEMPT_TIMED_OUT = Object.freeze(Object.assign(new Error('the attempt timed out'), { code: 'ATTEMPT_TIMEOUT' }));
/** How late an attempt timer may fire before the lateness, not Tencent, is taken to be the cause. */
const MIN_TIMER_LAG_MS = 250;
/** The next turn of the event loop: `setImmediate` where there is one (not in workerd without `nodejs_compat`). */
const nextTurn: (fn: () => void) => void = typeof setImmediate === 'function' ? setImmediate : (fn) => setTimeout(fn, 0);

/** One attempt's request. */
export interface AttemptRequest {
  input: ValidInput;
  /** The optional request fields as JSON. */
  extra: string;
  /** The API key to sign with. */
  key: SigningKey;
  timeoutMs: number;
  /** When the whole network part must have answered (`performance.now()` time): no timer goes past it. */
  deadline: number;
  control: TransportControl;
  /** Set when the caller went away: the outcome then proves nothing. */
  cancelled: { value: boolean };
  parent: VerificationSpan | null;
  /** 1 for the first attempt, 2 for the retry. */
  attempt: number;
}

/** What runs an attempt needs. */
export interface AttemptSetup {
  client: UpstreamClient;
  telemetry: VerifierTelemetry | null;
  redact: (text: string) => string;
  stalls: StallMonitor;
}

/**
 * Runs one attempt; resolves with the outcome, or `lagged`. Never rejects. `settle` is called once,
 * when the attempt settles, with the outcome or `cancelled`.
 */
export function runAttempt(
  setup: AttemptSetup,
  request: AttemptRequest,
  settle: (outcome: AttemptOutcome | 'lagged' | 'cancelled') => void,
): Promise<AttemptOutcome | 'lagged'> {
  const { client, telemetry, redact, stalls } = setup;
  const { input, extra, key, timeoutMs, deadline, control, cancelled, parent, attempt } = request;
  return new Promise((resolve) => {
    let done = false;
    const started = performance.now();
    let sentAt = -1;
    control.onSent = () => {
      sentAt = performance.now();
    };
    stalls.start();
    let due = started + timeoutMs;
    const span = parent ? telemetry!.startAttempt(parent, attempt) : null;
    const finish = (outcome: AttemptOutcome | 'lagged'): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stalls.end();
      settle(cancelled.value ? 'cancelled' : outcome);
      if (span) telemetry!.endAttempt(span, summarizeAttempt(outcome, cancelled.value));
      resolve(outcome);
    };
    const threshold = Math.max(MIN_TIMER_LAG_MS, timeoutMs / 4);
    const arm = (at: number): ReturnType<typeof setTimeout> => {
      due = at;
      return setTimeout(onTimer, Math.max(1, at - performance.now()));
    };
    const onTimer = (): void => {
      const now = performance.now();
      const lag = now - due;
      const stalled = lag > threshold || stalls.blockedSince(started) > threshold;
      // The clock runs from the write; a request a stall kept from being written gets the rest of
      // the deadline (its own timeout once written).
      const next = sentAt >= 0 ? Math.min(sentAt + timeoutMs, deadline) : stalled ? Math.min(now + timeoutMs, deadline) : now;
      if (next - now >= 1) {
        timer = arm(next);
        return;
      }
      // One turn of grace: if the answer is already in the socket (a busy event loop ran the timer
      // before reading it), the poll phase delivers it before this check runs.
      nextTurn(() => {
        if (done) return;
        control.cancel?.(ATTEMPT_TIMED_OUT);
        // Our process, not Tencent, was too slow to tell.
        finish(stalled ? 'lagged' : { kind: 'failure', failure: 'upstream_timeout', detail: 'timed out', notSent: false });
      });
    };
    let timer = arm(due);
    client.call(input, control, extra, key).then(
      (outcome) => {
        clearTimeout(timer);
        finish(outcome);
      },
      (error: unknown) => {
        clearTimeout(timer);
        // The client never rejects for a network failure; a rejection is the signer's or the
        // request builder's: nothing was sent (network/local-fault.ts).
        finish({ kind: 'local_fault', detail: redact(describeLocalFault(error)) });
      },
    );
  });
}

/** What an attempt span records about an attempt. */
function summarizeAttempt(outcome: AttemptOutcome | 'lagged', cancelled: boolean): AttemptSummary {
  if (cancelled) return { kind: 'cancelled' };
  if (outcome === 'lagged') return { kind: 'lagged', error: 'event_loop_lag' };
  if (outcome.kind === 'answer') return { kind: 'answer', captchaCode: outcome.response.CaptchaCode };
  if (outcome.kind === 'api_error') return { kind: 'api_error', error: outcome.code };
  if (outcome.kind === 'local_fault') return { kind: 'local_fault', error: 'local_fault' };
  return { kind: 'failure', error: outcome.detail === 'timed out' ? 'timeout' : outcome.detail };
}
