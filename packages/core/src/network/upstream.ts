/**
 * The network part as one object with one call: input → outcome. It knows nothing of budgets,
 * policies or verdicts. The chain (design §3.2a, house-style "A pipeline of policies"):
 *
 *   per-client cap (a client over `maxInFlightPerClient` calls is `overloaded` alone) → breaker
 *   (breaker.ts: blocked while open) → admission (dispatch-queue.ts: a connection, at once or from a
 *   bounded queue, round-robin between clients) → one attempt with its timer (attempt.ts) → at most
 *   one retry
 *
 * - a request that cannot get a connection in time is `overloaded`, never counted by the breaker;
 * - the attempt timer starts when the request holds a connection, so local waiting never looks like
 *   Tencent's silence; a timer that fires far too late is `overloaded` too;
 * - a request whose caller went away counts neither as a failure nor as a success, and a half-open
 *   probe is not cancelled by its caller: it finishes on its own timer and decides the breaker.
 *
 * Events (breaker opened/closed, the final upstream failure) go to {@link NetworkEvents}: the link that
 * knows emits them, logging and hooks subscribe.
 */
import type { ValidInput } from '../decision/input.js';
import type { VerificationSpan, VerifierTelemetry } from '../operations/telemetry.js';
import type { VerdictReason } from '../types/reasons.js';
import type { BreakerState } from '../types/verdict.js';
import { abortableDelay, orAbort } from './abort.js';
import { runAttempt, type AttemptRequest, type AttemptSetup } from './attempt.js';
import { createBreaker, type Breaker, type BreakerAdmission, type BreakerOptions } from './breaker.js';
import { isRetryable, isUpstreamFailure, type AttemptOutcome, type SigningKey, type UpstreamClient } from './describe-captcha-result.js';
import { createStallMonitor } from './stall-monitor.js';
import { createDispatchQueue, type DispatchQueue } from './dispatch-queue.js';
import type { Transport, TransportControl } from './transport.js';

/** What the network part answers: Tencent's outcome, or why no answer could be had. */
export type NetworkOutcome =
  | AttemptOutcome
  | { kind: 'breaker_open' }
  | { kind: 'overloaded'; detail: 'client_limit' | 'queue_full' | 'queue_timeout' | 'event_loop_lag' };

/** The network part's result. */
export interface NetworkResult {
  outcome: NetworkOutcome;
  /** Requests sent (0 when the breaker or the queue refused; at most 2). */
  attempts: number;
}

/** What the network part reports. */
export interface NetworkEvents {
  /** The breaker opened, after a failure with this cause and detail. */
  breakerOpened(at: number, cause: VerdictReason | null, detail: string | null): void;
  /** A half-open probe succeeded. */
  breakerClosed(at: number): void;
  /** A call ended with no usable answer from Tencent. */
  upstreamFailed(detail: string, failure: string): void;
}

/** What the network part is built from. */
export interface NetworkSetup {
  client: UpstreamClient;
  transport: Transport;
  /** The whole time a call may spend here, from its start. */
  networkBudgetMs: number;
  attemptTimeoutMs: number;
  maxConnections: number;
  maxQueued: number;
  /** Calls one client (its IP's budget key) may have here at once; past it, `overloaded` for it alone. */
  maxInFlightPerClient: number;
  breaker: BreakerOptions;
  retry: { enabled: boolean; delayMs: number };
  events: NetworkEvents;
  telemetry: VerifierTelemetry | null;
  redact: (text: string) => string;
}

/** One call: input → outcome. */
export interface Network {
  /** `key`: the API key every attempt of this call signs with. */
  call(input: ValidInput, extra: string, signal: AbortSignal | undefined, started: number, span: VerificationSpan | null, key: SigningKey): Promise<NetworkResult>;
  readonly breakerState: BreakerState;
  /** Milliseconds until the open breaker lets a probe through. */
  readonly msUntilProbe: number;
  /** The last failure's detail (`ECONNREFUSED`, `timed out`, `HTTP 502`, an API error code). */
  readonly lastFailureDetail: string | null;
  /** Stops the stall monitor's heartbeat. */
  close(): void;
}

/** The last upstream failure the breaker counted: what its opening is reported with. */
interface LastFailure {
  cause: VerdictReason | null;
  detail: string | null;
}

/**
 * Records what an attempt says about Tencent's health: it gives back the attempt's connection slot and
 * tells the breaker. Lateness, a cancelled request and our own fault (nothing was sent) say nothing
 * about Tencent.
 */
function healthRecorder(queue: DispatchQueue, breaker: Breaker, lastFailure: LastFailure) {
  return (admission: BreakerAdmission, outcome: AttemptOutcome | 'lagged' | 'cancelled'): void => {
    queue.release();
    if (outcome === 'lagged' || outcome === 'cancelled' || outcome.kind === 'local_fault') return breaker.release(admission);
    if (isUpstreamFailure(outcome)) {
      lastFailure.cause = causeOfFailure(outcome);
      lastFailure.detail = detailOfFailure(outcome);
      breaker.failure(admission);
    } else {
      breaker.success(admission);
    }
  };
}

/** The result, reporting a failure to get an answer. */
function reportFailure(events: NetworkEvents, result: NetworkResult): NetworkResult {
  if (result.outcome.kind === 'failure') events.upstreamFailed(result.outcome.detail, result.outcome.failure);
  return result;
}

/** Creates the network part of one verifier. */
export function createNetwork(setup: NetworkSetup): Network {
  const { networkBudgetMs, events } = setup;
  const attemptTimeoutMs = Math.min(setup.attemptTimeoutMs, networkBudgetMs);
  // A request may wait for a connection only as long as its first attempt can still run whole.
  const maxQueueWaitMs = networkBudgetMs - attemptTimeoutMs;
  const queue = createDispatchQueue(Math.min(setup.maxConnections, setup.transport.connections), setup.maxQueued);
  const lastFailure: LastFailure = { cause: null, detail: null };
  const breaker = createBreaker(setup.breaker, {
    onOpen: (at) => events.breakerOpened(at, lastFailure.cause, lastFailure.detail),
    onClose: (at) => events.breakerClosed(at),
  });
  const stalls = createStallMonitor();
  const attemptSetup = { client: setup.client, telemetry: setup.telemetry, redact: setup.redact, stalls };
  const record = healthRecorder(queue, breaker, lastFailure);
  const end = (result: NetworkResult): NetworkResult => reportFailure(events, result);
  const clients = createClientLimit(setup.maxInFlightPerClient);

  async function call(input: ValidInput, extra: string, signal: AbortSignal | undefined, started: number, span: VerificationSpan | null, key: SigningKey): Promise<NetworkResult> {
    // The per-client cap first: a client over it is overloaded alone, before the breaker and the queue.
    if (!clients.enter(input.ipBudgetKey)) return { outcome: { kind: 'overloaded', detail: 'client_limit' }, attempts: 0 };
    const admission = breaker.admit();
    if (admission === 'blocked') {
      clients.leave(input.ipBudgetKey);
      return { outcome: { kind: 'breaker_open' }, attempts: 0 };
    }
    const deadline = started + networkBudgetMs;
    let attempts = 0;
    let last: AttemptOutcome | undefined;
    try {
      for (;;) {
        // 1. A connection: at once when one is free, else from the bounded queue.
        const waitMs = attempts === 0 ? Math.min(maxQueueWaitMs, deadline - performance.now() - attemptTimeoutMs) : deadline - performance.now();
        const admitted = admit(queue, breaker, admission, waitMs, signal, input.ipBudgetKey);
        const slot = typeof admitted === 'object' ? await admitted : admitted;
        if (slot !== true) return end(attempts > 0 && last ? { outcome: last, attempts } : { outcome: { kind: 'overloaded', detail: slot }, attempts });
        // 2. The attempt, timed from here: the request now holds a connection to Tencent.
        attempts++;
        const timeoutMs = Math.max(1, Math.min(attemptTimeoutMs, deadline - performance.now()));
        const request: AttemptRequest = { input, extra, key, timeoutMs, deadline, control: { cancel: null }, cancelled: { value: false }, parent: span, attempt: attempts };
        const outcome = await cancellableAttempt({ setup: attemptSetup, admission, signal, record }, request);
        if (outcome === 'lagged') return { outcome: { kind: 'overloaded', detail: 'event_loop_lag' }, attempts };
        last = outcome;
        // 3. At most one retry (see retryDelay).
        const delayMs = retryDelay(setup.retry, { outcome, attempts, breakerState: breaker.state, deadline });
        if (delayMs === null) return end({ outcome, attempts });
        if (delayMs > 0) await abortableDelay(delayMs, signal);
        if (deadline - performance.now() < 1) return end({ outcome, attempts });
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw error;
    } finally {
      clients.leave(input.ipBudgetKey);
    }
  }

  return {
    call,
    get breakerState() {
      return breaker.state;
    },
    get msUntilProbe() {
      return breaker.msUntilProbe;
    },
    get lastFailureDetail() {
      return lastFailure.detail;
    },
    close() {
      stalls.stop();
    },
  };
}

/** What an attempt runs under. */
interface AttemptContext {
  setup: AttemptSetup;
  admission: BreakerAdmission;
  signal: AbortSignal | undefined;
  /** Told what the attempt says about Tencent's health, when it settles. */
  record(admission: BreakerAdmission, outcome: AttemptOutcome | 'lagged' | 'cancelled'): void;
}

/** One attempt, cancelled when the caller goes away (a probe excepted). */
function cancellableAttempt(context: AttemptContext, request: AttemptRequest): Promise<AttemptOutcome | 'lagged'> {
  const { admission, signal } = context;
  // The request is built whole by the caller: an object spread here cost more CPU than the rest of
  // the attempt's own code (a slow-mode copy that every later read of it paid for; measured).
  const attempt = runAttempt(context.setup, request, (o) => context.record(admission, o));
  return orAbort(attempt, signal, () => {
    // A probe finishes on its own timer and decides the breaker; anything else is cancelled
    // and counts neither way.
    if (admission === 'probe') return;
    request.cancelled.value = true;
    request.control.cancel?.(signal!.reason as Error);
  });
}

/** Where a call stands after an attempt. */
interface RetryState {
  outcome: AttemptOutcome;
  attempts: number;
  breakerState: BreakerState;
  deadline: number;
}

/**
 * The wait before a retry, or `null` for none: at most one retry, only where Tencent cannot have
 * consumed the ticket, only while the breaker still lets requests through, and only when the delay
 * ends before the deadline.
 */
function retryDelay(retry: { enabled: boolean; delayMs: number }, state: RetryState): number | null {
  if (state.attempts > 1 || !retry.enabled || !isRetryable(state.outcome) || state.breakerState !== 'closed') return null;
  if (retry.delayMs > 0 && state.deadline - performance.now() <= retry.delayMs) return null;
  return retry.delayMs;
}

/** Calls in flight per client, up to `max` each; an entry exists only while its client has a call. */
function createClientLimit(max: number): { enter(client: string): boolean; leave(client: string): void } {
  const inFlight = new Map<string, number>();
  return {
    enter(client) {
      const held = inFlight.get(client) ?? 0;
      if (held >= max) return false;
      inFlight.set(client, held + 1);
      return true;
    },
    leave(client) {
      const left = inFlight.get(client)! - 1;
      if (left > 0) inFlight.set(client, left);
      else inFlight.delete(client);
    },
  };
}

/**
 * A connection for the next attempt: `true` at once, `queue_full`, or a promise of `true` or
 * `queue_timeout`. When none comes the admission is released.
 */
function admit(queue: DispatchQueue, breaker: Breaker, admission: BreakerAdmission, waitMs: number, signal: AbortSignal | undefined, client: string): true | 'queue_full' | Promise<true | 'queue_timeout'> {
  const slot = queue.acquire(Math.floor(waitMs), client);
  if (slot === 'queue_full') {
    breaker.release(admission);
    return 'queue_full';
  }
  if (slot === true) return true;
  let gaveUp = false;
  return orAbort(slot, signal, () => {
    gaveUp = true;
    breaker.release(admission);
    // A slot granted after the caller left goes straight back.
    slot.then((g) => g && queue.release(), () => undefined);
  }).then((granted) => {
    if (granted) return true;
    if (!gaveUp) breaker.release(admission);
    return 'queue_timeout';
  });
}

/** The failure's detail for logs: `ECONNREFUSED`, `timed out`, `HTTP 502`, an API error code, a CaptchaCode. */
function detailOfFailure(o: AttemptOutcome): string {
  if (o.kind === 'api_error') return o.code;
  return o.kind === 'answer' ? `CaptchaCode ${o.response.CaptchaCode}` : o.detail;
}

function causeOfFailure(o: AttemptOutcome): VerdictReason | null {
  if (o.kind === 'failure') return o.failure;
  if (o.kind === 'api_error') return 'upstream_internal_error';
  if (o.kind === 'answer') return 'system_busy';
  return null;
}
