/**
 * The engine's store calls, in one module: `consult` (may this degraded candidate be accepted? the
 * replay guard and the budgets, in one atomic store call) and `claim` (for APIs that accept a ticket
 * twice: the first verified use claims it). Each call runs under `storeTimeoutMs` and the caller's
 * signal; a store that fails or times out refuses degraded acceptance (`store_unavailable`) and never
 * blocks a verified ticket (design §3.3). What happens is reported to {@link StoreEvents}.
 */
import type { ValidInput } from '../decision/input.js';
import { settleDegraded, storeRequestParts, type DegradedCandidate, type FinalDecision } from '../decision/policy.js';
import { orAbort } from '../network/abort.js';
import type { ResolvedCaptchaVerifierOptions } from '../types/options.js';
import type { VerdictReason } from '../types/reasons.js';
import type { VerdictDisasterTicket } from '../types/verdict.js';
import type { CaptchaStore } from './contract.js';

/** Abort reason telling a store its call is over (a plain value: no DOMException per call). */
const STORE_CALL_DONE = Object.freeze({ name: 'StoreCallDone', message: 'the verifier no longer waits for this store call' });

/** What the store calls report. */
export interface StoreEvents {
  /** A degraded acceptance was committed. */
  degradedCommitted(tier: 'healthy' | 'outage'): void;
  /** A budget is spent for the current window. */
  budgetExhausted(event: { scope: 'per_ip' | 'global' | 'app'; limit: number; tier: 'healthy' | 'outage'; userIp: string; cause: VerdictReason }): void;
  /** The store could not remember the ticket, so the degraded acceptance was refused. */
  storeCannotRemember(): void;
  /** A store call failed (`timedOut`: it did not answer within `timeoutMs`). */
  storeFailed(error: unknown, timedOut: boolean, timeoutMs: number): void;
  /** A verified ticket could not be recorded: a second use would not be refused. */
  claimNotRecorded(): void;
}

/** What the store calls need. */
export interface StoreCallsSetup {
  store: CaptchaStore;
  resolved: ResolvedCaptchaVerifierOptions;
  now: () => number;
  events: StoreEvents;
  /** Remember verified tickets for `ttlMs` (see `VerifierEngineSetup.claimVerifiedTickets`). */
  claimVerifiedTickets: { ttlMs: number } | null;
}

/** The store calls of one verifier. */
export interface StoreCalls {
  /** Settles a degraded candidate: accepted, or refused (budget, replay, store unavailable). */
  consult(
    candidate: DegradedCandidate,
    input: ValidInput,
    disasterTicket: VerdictDisasterTicket | null,
    budgetScope: string,
    signal: AbortSignal | undefined,
  ): Promise<{ decision: FinalDecision; windowEndsMs: number }>;
  /**
   * For APIs that accept a ticket twice: a verified decision becomes `ticket_reused` on a second use,
   * and `store_unavailable` when its use cannot be recorded (fail closed).
   */
  claim(input: ValidInput, decision: FinalDecision, signal: AbortSignal | undefined): Promise<FinalDecision>;
}

export function createStoreCalls(setup: StoreCallsSetup): StoreCalls {
  const { store, resolved, now, events } = setup;
  const context: StoreCallContext = { store, timeoutMs: resolved.storeTimeoutMs, events };

  return {
    async consult(candidate, input, disasterTicket, budgetScope, signal) {
      const nowMs = now();
      const parts = storeRequestParts({
        options: resolved,
        tier: candidate.tier,
        ticket: input.ticket,
        randstr: input.randstr,
        ipBudgetKey: input.ipBudgetKey,
        budgetScope,
        disasterTicket,
        nowMs,
      });
      const result = await ask(
        context,
        (storeSignal, deadlineMs) =>
          store.acceptDegraded({ replayKey: parts.replayKey, replayTtlMs: parts.replayTtlMs, counters: parts.counters, nowMs, deadlineMs }, { signal: storeSignal }),
        signal,
      );
      if (typeof result === 'object' && result.accepted) events.degradedCommitted(candidate.tier);
      if (typeof result === 'object' && !result.accepted && result.refusal === 'budget_exhausted') {
        events.budgetExhausted({ scope: result.scope, limit: result.limit, tier: candidate.tier, userIp: input.userIp, cause: candidate.cause });
      }
      if (typeof result === 'object' && !result.accepted && result.refusal === 'cannot_remember') events.storeCannotRemember();
      return { decision: settleDegraded(candidate, result), windowEndsMs: parts.windowEndsMs };
    },

    async claim(input, decision, signal) {
      const claim = setup.claimVerifiedTickets;
      if (!claim || !decision.accepted || typeof store.claimTicket !== 'function') return decision;
      const nowMs = now();
      const answer = await ask(
        context,
        (storeSignal, deadlineMs) =>
          store.claimTicket!({ key: `${resolved.captchaAppId}:used:${input.ticket}`, ttlMs: claim.ttlMs, nowMs, deadlineMs }, { signal: storeSignal }),
        signal,
      );
      if (answer === 'already_used') return { type: 'final', reason: 'ticket_reused', accepted: false, branch: 'replay_guard', cause: null };
      if (answer === 'claimed') return decision;
      // Tencent accepts this ticket twice: a use that cannot be recorded could be verified again, so
      // it fails closed (issue 18: Redis down or the memory store full verified one ticket twice).
      events.claimNotRecorded();
      return { type: 'final', reason: 'store_unavailable', accepted: false, branch: 'store_failure', cause: null };
    },
  };
}

/** What one store call runs under. */
interface StoreCallContext {
  store: CaptchaStore;
  /** `storeTimeoutMs`. */
  timeoutMs: number;
  events: StoreEvents;
}

/** One store call under `storeTimeoutMs` and the caller's signal; `store_failed` when it fails or times out. */
async function ask<T>(
  context: StoreCallContext,
  call: (signal: AbortSignal | undefined, deadlineMs: number) => Promise<T>,
  signal: AbortSignal | undefined,
): Promise<T | 'store_failed'> {
  const { store, timeoutMs, events } = context;
  if (store.local === true) {
    // No IO, nothing to time out or cancel: a timer and an AbortController per call would cost
    // more than the call (measured with the breaker open).
    try {
      const answer = await call(undefined, Date.now() + timeoutMs);
      if (signal?.aborted) throw signal.reason;
      return answer;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      events.storeFailed(error, false, timeoutMs);
      return 'store_failed';
    }
  }
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const answer = await orAbort(Promise.race([call(controller.signal, Date.now() + timeoutMs), timedOut]), signal);
    if (answer === 'timeout') {
      events.storeFailed(new Error(`store timed out after ${timeoutMs} ms`), true, timeoutMs);
      return 'store_failed';
    }
    return answer;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    events.storeFailed(error, false, timeoutMs);
    return 'store_failed';
  } finally {
    clearTimeout(timer);
    controller.abort(STORE_CALL_DONE);
  }
}
