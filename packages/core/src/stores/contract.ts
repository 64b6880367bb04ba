/**
 * The state the disaster-recovery policy keeps: budgets (counters per window) and the replay guard.
 * One small interface, one atomic call per degraded decision, so a Redis implementation needs one
 * round trip and several server instances share budgets and replay protection.
 */

/** One budget counter the decision must respect. */
export interface BudgetCounter {
  /**
   * Which budget this is; reported back when it is the one that is spent. `per_ip` and `global` are
   * per budget scope (route); `app` is the app-wide cap across all scopes.
   */
  scope: 'per_ip' | 'global' | 'app';
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

/** Input of {@link CaptchaStore.claimTicket}. */
export interface TicketClaimRequest {
  /** Key of the ticket's entry (the store adds its own prefix). */
  key: string;
  /** How long the ticket stays claimed: its remaining validity. */
  ttlMs: number;
  /** The verifier's clock, Unix milliseconds (stores that expire entries themselves use it). */
  nowMs: number;
  /** Wall-clock Unix milliseconds after which the store must not commit; as in {@link DegradedAcceptanceRequest.deadlineMs}. */
  deadlineMs: number;
}

/**
 * Result of {@link CaptchaStore.claimTicket}: `claimed` (first use, now remembered), `already_used`
 * (refuse it), or `cannot_remember` (full of live entries, or past the deadline: refuse it too).
 */
export type TicketClaimResult = 'claimed' | 'already_used' | 'cannot_remember';

/** Per-call options of a store operation. */
export interface StoreCallOptions {
  /**
   * Aborted when the verifier no longer waits for the answer. The store then rejects promptly; what
   * guarantees that nothing commits later is `deadlineMs` (a command already sent cannot be recalled).
   */
  signal?: AbortSignal;
}

/**
 * Where budgets and the replay guard live. Implementations: `createMemoryStore()` (default) and
 * `createRedisStore({ client })`.
 *
 * Rules every implementation keeps:
 * - nothing commits from `deadlineMs` on (the verifier has answered by then; a late commit would
 *   refuse the user's retry as a replay and spend a budget for a request that was refused);
 * - an aborted `signal` rejects the call promptly;
 * - a store that cannot remember a ticket answers `cannot_remember` rather than forgetting live
 *   entries (a forgotten replay entry or budget counter would reopen a ticket or reset a budget).
 */
export interface CaptchaStore {
  /**
   * `true` for a store that does no IO and answers within the call (the memory store): the verifier then
   * skips its store timer and abort plumbing, which would cost more than the call itself. A store that
   * can block must leave it unset. @default false
   */
  readonly local?: boolean;
  /**
   * Atomically: refuse if `replayKey` exists; refuse if any counter is at its limit; otherwise remember
   * `replayKey` for `replayTtlMs` and increment every counter. Rejects (throws) only when the store
   * itself fails — the verifier then refuses the degraded acceptance with `store_unavailable`.
   */
  acceptDegraded(request: DegradedAcceptanceRequest, options?: StoreCallOptions): Promise<DegradedAcceptanceResult>;
  /**
   * Atomically marks a ticket as used (`SET NX PX` with the deadline rule): `claimed` the first time,
   * `already_used` afterwards until `ttlMs` has passed. The legacy (`CaptchaCheck`) verifier needs it
   * because Tencent accepts a legacy ticket twice. Both built-in stores implement it; a custom store
   * without it cannot back the legacy verifier. Rejects (throws) only when the store itself fails.
   */
  claimTicket?(request: TicketClaimRequest, options?: StoreCallOptions): Promise<TicketClaimResult>;
}

/** Stable codes of {@link CaptchaStoreError}. */
export type CaptchaStoreErrorCode =
  /** The client is not connected (ioredis `status` not `ready`, node-redis `isReady` false): nothing was sent. */
  | 'store_not_ready'
  /** Too many calls are waiting for a stalled store (`maxPendingCalls`): nothing was sent. */
  | 'store_overloaded'
  /** The store answered something this version does not understand. */
  | 'store_bad_answer';

/**
 * Thrown by the built-in stores when they cannot answer. The verifier turns it into
 * `store_unavailable`; `onStoreError` receives it.
 */
export class CaptchaStoreError extends Error {
  // The CJS build's tree-shaking makes the class anonymous (Node would print `Error [CaptchaStoreError]`);
  // the constructor names itself rather than every function being wrapped by `keepNames`.
  static {
    Object.defineProperty(this, 'name', { value: 'CaptchaStoreError' });
  }

  override readonly name = 'CaptchaStoreError';
  /** What went wrong, as a stable code. */
  readonly code: CaptchaStoreErrorCode;
  constructor(code: CaptchaStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Whether `value` looks like a {@link CaptchaStore}. */
export function isCaptchaStore(value: unknown): value is CaptchaStore {
  return typeof value === 'object' && value !== null && typeof (value as CaptchaStore).acceptDegraded === 'function';
}
