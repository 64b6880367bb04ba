/**
 * The default opening rule: the breaker opens on failures spread over time, never on one burst
 * (design §3.2a; the idea of cockatiel's `SamplingBreaker`: a failure rate over a duration with a
 * minimum amount of traffic). The last `durationMs` is split into {@link BUCKETS} buckets; the
 * breaker opens when, over that duration,
 *
 * - at least `minimumFailures` requests failed,
 * - at least `failureRate` of the requests that reached Tencent failed, and
 * - failures fell in at least {@link MIN_FAILING_BUCKETS} different buckets (or `minimumFailures`
 *   buckets when that is smaller: a threshold of 1 opens on the first failure, as asked).
 *
 * So any number of failures that end together (one event-loop stall, one burst of junk, one network
 * hiccup) fills one or two buckets and cannot open it, while a real outage, which fails every request
 * for as long as it lasts, opens it once it has lasted two buckets: with the defaults (5 s, 1 s
 * buckets) about 2 s after the first failure is seen.
 */
import type { BreakerStrategy } from './breaker-strategy.js';

/** Buckets the sampling duration is split into. */
const BUCKETS = 5;
/** Distinct buckets that must hold failures (the failures must span at least two bucket lengths). */
export const MIN_FAILING_BUCKETS = 3;

/** Settings of {@link samplingBreaker}. */
export interface SamplingBreakerOptions {
  /** The duration judged, in ms. */
  durationMs: number;
  /** Failures needed within the duration. */
  minimumFailures: number;
  /** Share of failures (0–1] needed within the duration. */
  failureRate: number;
}

/** Opens on a failure rate over a duration, with failures in several buckets of it. */
export function samplingBreaker(options: SamplingBreakerOptions, now: () => number = Date.now): BreakerStrategy {
  const bucketMs = Math.max(1, Math.ceil(options.durationMs / BUCKETS));
  const spread = Math.min(MIN_FAILING_BUCKETS, options.minimumFailures);
  // Ring of buckets: the bucket index (time / bucketMs) each slot holds, and its counts.
  const index = new Float64Array(BUCKETS).fill(-1);
  const failures = new Uint32Array(BUCKETS);
  const successes = new Uint32Array(BUCKETS);
  const slot = (): number => {
    const i = Math.floor(now() / bucketMs);
    const s = i % BUCKETS;
    if (index[s] !== i) {
      index[s] = i;
      failures[s] = 0;
      successes[s] = 0;
    }
    return s;
  };
  return {
    success() {
      successes[slot()]!++;
    },
    failure() {
      failures[slot()]!++;
      const oldest = Math.floor(now() / bucketMs) - BUCKETS + 1;
      let failed = 0;
      let total = 0;
      let failingBuckets = 0;
      for (let s = 0; s < BUCKETS; s++) {
        if (index[s]! < oldest) continue;
        failed += failures[s]!;
        total += failures[s]! + successes[s]!;
        if (failures[s]! > 0) failingBuckets++;
      }
      return failingBuckets >= spread && failed >= options.minimumFailures && failed >= options.failureRate * total;
    },
    reset() {
      index.fill(-1);
      failures.fill(0);
      successes.fill(0);
    },
  };
}
