/**
 * The simplest opening rule: `failureThreshold` consecutive upstream failures open the breaker; one
 * success in between starts the count again. Not the default (one burst of failures opens it, which an
 * attacker can cause; see sampling-breaker.ts): kept as an example of a strategy and for tests.
 */
import type { BreakerStrategy } from './breaker-strategy.js';

/** Opens after `threshold` failures in a row. */
export function consecutiveBreaker(threshold: number): BreakerStrategy {
  let failures = 0;
  return {
    success() {
      failures = 0;
    },
    failure() {
      return ++failures >= threshold;
    },
    reset() {
      failures = 0;
    },
  };
}
