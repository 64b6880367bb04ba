/**
 * The state the disaster-recovery policy keeps: budgets (counters per window) and the replay guard.
 * One small interface, one atomic call per degraded decision, so a Redis implementation needs one
 * round trip and several server instances share budgets and replay protection.
 */

/** One budget counter the decision must respect. */
export interface BudgetCounter {
  /** Which budget this is; reported back when it is the one that is spent. */
  scope: 'per_ip' | 'global';
  /** Store key of the counter for the current window (already includes the window index). */
  key: string;
  /** Acceptances allowed in the window. `0` means none. */
  limit: number;
  /** How long the counter must live (at least the rest of its window). */
  ttlMs: number;
}

/** Input of {@link CaptchaStore.acceptDegraded}. */
export interface DegradedAcceptanceRequest {
  /** Key of the replay guard entry for this ticket (it contains the ticket, which is single use anyway). */
  replayKey: string;
  /** How long the ticket stays refused after acceptance: its remaining validity. */
  replayTtlMs: number;
  /** Budgets to check and, on acceptance, to increment. */
  counters: readonly BudgetCounter[];
  /** The verifier's clock, Unix milliseconds (stores that expire entries themselves use it). */
  nowMs: number;
  /**
   * Wall-clock Unix milliseconds (`Date.now()`, not the injected clock) after which the verifier no
   * longer waits for this call. A store must not commit after it: a refused request must never spend a
   * budget or mark a ticket as used (Redis compares it with `TIME` inside the script).
   */
  deadlineMs: number;
}

/** Result of {@link CaptchaStore.acceptDegraded}. */
export type DegradedAcceptanceResult =
  | { accepted: true }
  | { accepted: false; refusal: 'replayed' }
  /** The store cannot remember the ticket (full of live entries, or past the deadline): refuse. */
  | { accepted: false; refusal: 'cannot_remember' }
  | { accepted: false; refusal: 'budget_exhausted'; scope: BudgetCounter['scope']; limit: number };

/**
 * Where budgets and the replay guard live. Implementations: `createMemoryStore()` (default) and
 * `createRedisStore({ client })`.
 */
export interface CaptchaStore {
  /**
   * Atomically: refuse if `replayKey` exists; refuse if any counter is at its limit; otherwise remember
   * `replayKey` for `replayTtlMs` and increment every counter. Rejects (throws) only when the store
   * itself fails — the verifier then refuses the degraded acceptance with `store_unavailable`.
   */
  acceptDegraded(request: DegradedAcceptanceRequest, options?: { signal?: AbortSignal }): Promise<DegradedAcceptanceResult>;
}

/** Whether `value` looks like a {@link CaptchaStore}. */
export function isCaptchaStore(value: unknown): value is CaptchaStore {
  return typeof value === 'object' && value !== null && typeof (value as CaptchaStore).acceptDegraded === 'function';
}
