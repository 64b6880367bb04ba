/**
 * The verifier's circuit breaker: its strategy (breaker-strategy.ts; by default failures spread over
 * time, sampling-breaker.ts) opens it; while open, verification
 * decides without the network; after `halfOpenAfterMs` one request probes, and its outcome closes or
 * re-opens it.
 *
 * Hand-written rather than cockatiel's `circuitBreaker` because the threat model (design §3.2a) needs
 * outcomes that count neither way: a request refused for local overload, or whose client went away,
 * says nothing about Tencent. cockatiel's `execute()` can only count a call as a success or a failure
 * (an unhandled error closes a half-open breaker), and costs a promise chain and events per call.
 */
import type { BreakerState } from '../types/verdict.js';
import type { BreakerStrategy } from './breaker-strategy.js';
import { samplingBreaker } from './sampling-breaker.js';

/** What {@link Breaker.admit} decides for one request. */
export type BreakerAdmission = 'pass' | 'probe' | 'blocked';

/** Events of a breaker. */
export interface BreakerListener {
  onOpen(at: number): void;
  onClose(at: number): void;
}

/** The breaker's settings (the validated `breaker` option). */
export interface BreakerOptions {
  failureThreshold: number;
  halfOpenAfterMs: number;
  samplingDurationMs: number;
  failureRate: number;
}

/** A breaker with one probe at a time; when it opens is its strategy's call. */
export interface Breaker {
  readonly state: BreakerState;
  /** Milliseconds until a probe may go out (0 when closed or due). */
  readonly msUntilProbe: number;
  /** Whether a request may go out now; `probe` makes the caller the one half-open probe. */
  admit(): BreakerAdmission;
  /** The request reached Tencent and Tencent answered as a healthy service does. */
  success(admission: BreakerAdmission): void;
  /** The request reached Tencent and failed in a way that means Tencent is failing. */
  failure(admission: BreakerAdmission): void;
  /** The request proved nothing (local overload, cancelled before it was sent): a probe slot is freed. */
  release(admission: BreakerAdmission): void;
}

/**
 * Creates a breaker; `now` is Unix milliseconds (Date.now, so fake timers move it). The strategy
 * defaults to {@link samplingBreaker}: at least `failureThreshold` failures, at a rate of at least
 * `failureRate`, spread over the last `samplingDurationMs`.
 */
export function createBreaker(
  options: BreakerOptions,
  listener: BreakerListener,
  now: () => number = Date.now,
  strategy: BreakerStrategy = samplingBreaker({ durationMs: options.samplingDurationMs, minimumFailures: options.failureThreshold, failureRate: options.failureRate }, now),
): Breaker {
  let state: BreakerState = 'closed';
  let openedAt = 0;

  const open = (): void => {
    state = 'open';
    openedAt = now();
    strategy.reset();
    listener.onOpen(openedAt);
  };

  return {
    get state() {
      return state;
    },
    get msUntilProbe() {
      return state === 'open' ? Math.max(0, options.halfOpenAfterMs - (now() - openedAt)) : 0;
    },
    admit() {
      if (state === 'closed') return 'pass';
      if (state === 'half_open') return 'blocked';
      if (now() - openedAt < options.halfOpenAfterMs) return 'blocked';
      state = 'half_open';
      return 'probe';
    },
    success(admission) {
      if (admission === 'probe') {
        if (state !== 'half_open') return;
        state = 'closed';
        strategy.reset();
        listener.onClose(now());
        return;
      }
      if (state === 'closed') strategy.success();
    },
    failure(admission) {
      if (admission === 'probe') {
        if (state === 'half_open') open();
        return;
      }
      if (state !== 'closed') return;
      if (strategy.failure()) open();
    },
    release(admission) {
      // The probe proved nothing: stay open and let the next request probe right away.
      if (admission === 'probe' && state === 'half_open') state = 'open';
    },
  };
}
