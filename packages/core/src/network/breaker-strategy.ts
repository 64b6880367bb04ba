/**
 * The breaker's opening rule, behind one interface (cockatiel's `breaker/Breaker.ts` shape): the
 * breaker (breaker.ts) owns the states, the half-open probe and the events; a strategy only says, from
 * the outcomes of requests that reached Tencent while the breaker was closed, when to open. A different
 * rule is a new file implementing {@link BreakerStrategy}; see sampling-breaker.ts for the default.
 */

/** When to open the breaker, from the outcomes seen while it is closed. */
export interface BreakerStrategy {
  /** A request reached Tencent and Tencent answered as a healthy service does. */
  success(): void;
  /** A request reached Tencent and failed in a way that means Tencent is failing. Returns whether to open. */
  failure(): boolean;
  /** The breaker opened or closed: start counting afresh. */
  reset(): void;
}
