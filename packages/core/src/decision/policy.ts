/**
 * The disaster-recovery policy (design §3.2), all of it, as pure functions: what Tencent's answer (or
 * its absence) means, when a degraded verdict may be accepted, which budget applies, how a disaster
 * ticket is checked. The verifier does the IO around it.
 *
 * The rules, in order:
 * 1. Input is checked before any network call (input.ts); a disaster ticket (`trerror_`/`terror_`)
 *    must parse, name our CaptchaAppId and be fresh (max age + small skew), or it is rejected without
 *    asking Tencent.
 * 2. Tencent's answer decides when there is one: CaptchaCode 1 is verified (unless EvilLevel/Score are
 *    over the limit); 7, 8, 9, 15, 16, 21 (without a disaster prefix), 25, … are rejected; 100/31 and
 *    `AuthFailure.*`/`UnauthorizedOperation.*` are `misconfigured` — rejected and reported, never opened.
 * 3. Causes an attacker can produce never open the gate: bad input, randstr mismatch, reuse,
 *    `RequestLimitExceeded`, misconfiguration.
 * 4. The answer is unknown — timeout, network error, 5xx, malformed answer, `InternalError`,
 *    CaptchaCode 26, breaker open, CaptchaCode 9 on a retry — or the ticket is a valid disaster ticket:
 *    that is a degraded candidate. Mode `closed` refuses it (503 + Retry-After). Modes `open` and
 *    `adaptive` accept it if the ticket was not accepted before (replay guard) and the per-IP and
 *    global budgets are not spent — `adaptive` uses the small budget while the breaker is closed and
 *    the outage budget while it is open; `open` always uses the outage budget. If the store fails,
 *    the candidate is refused (`store_unavailable`).
 */
import { CaptchaApi, describeCaptchaCode, parseDisasterTicket, isDisasterTicket } from '@tencent-captcha/protocol';
import type { NetworkOutcome } from '../network/upstream.js';
import type { ResolvedCaptchaVerifierOptions } from '../types/options.js';
import { PolicyReason, type VerdictReason } from '../types/reasons.js';
import { reasonForCaptchaCode } from './reasons.js';
import type { BudgetCounter, DegradedAcceptanceResult } from '../stores/contract.js';
import type { BreakerState, CaptchaMode, PolicyBranch, VerdictDisasterTicket } from '../types/verdict.js';

/**
 * What the network part produced: an attempt's outcome; `breaker_open` when no request was made
 * because of the breaker; `overloaded` when this server could not send the request in time (local
 * queue full or its wait over, or the event loop too late to tell Tencent's silence from our own).
 */
export type UpstreamOutcome = NetworkOutcome;

/** Result of {@link checkDisasterTicket}. */
export type DisasterCheck =
  | { kind: 'not_disaster' }
  | { kind: 'invalid'; reason: PolicyReason; ticket: VerdictDisasterTicket | null }
  | { kind: 'valid'; ticket: VerdictDisasterTicket };

/** Checks a disaster ticket locally: well formed, our app id, fresh within max age and skew. */
export function checkDisasterTicket(
  ticket: string,
  context: { captchaAppId: number; nowMs: number; maxAgeSeconds: number; clockSkewSeconds: number },
): DisasterCheck {
  if (!isDisasterTicket(ticket)) return { kind: 'not_disaster' };
  const parsed = parseDisasterTicket(ticket);
  if (!parsed.ok) return { kind: 'invalid', reason: PolicyReason.DisasterTicketMalformed, ticket: null };
  const { prefix, errorCode, appId, timestamp } = parsed.ticket;
  const info: VerdictDisasterTicket = { prefix, errorCode, appId, timestamp };
  // Exact string comparison: a leading zero is not our app id either.
  if (appId !== String(context.captchaAppId)) return { kind: 'invalid', reason: PolicyReason.DisasterTicketAppIdMismatch, ticket: info };
  const nowSeconds = Math.floor(context.nowMs / 1000);
  if (timestamp - nowSeconds > context.clockSkewSeconds) {
    return { kind: 'invalid', reason: PolicyReason.DisasterTicketFromFuture, ticket: info };
  }
  if (nowSeconds - timestamp > context.maxAgeSeconds + context.clockSkewSeconds) {
    return { kind: 'invalid', reason: PolicyReason.DisasterTicketExpired, ticket: info };
  }
  return { kind: 'valid', ticket: info };
}

/** A decision that needs nothing more. */
export interface FinalDecision {
  type: 'final';
  reason: VerdictReason;
  accepted: boolean;
  branch: PolicyBranch;
  cause: VerdictReason | null;
  /** Set when the decision is a misconfiguration to report. */
  misconfigured?: boolean;
}

/** A degraded verdict the policy would accept if the store agrees (replay guard, budgets). */
export interface DegradedCandidate {
  type: 'degraded';
  cause: VerdictReason;
  /** Which budget applies: `healthy` (small) or `outage` (large). */
  tier: 'healthy' | 'outage';
}

/** What {@link decide} returns. */
export type Decision = FinalDecision | DegradedCandidate;

/** Input of {@link decide}. */
export interface DecideInput {
  mode: CaptchaMode;
  outcome: UpstreamOutcome;
  /** Requests sent (a CaptchaCode 9 on the second one is not the user's fault). */
  attempts: number;
  /** The locally valid disaster ticket, if the ticket is one. */
  disasterTicket: VerdictDisasterTicket | null;
  /** Breaker state after the call. */
  breaker: BreakerState;
  maxEvilLevel: number;
  maxScore: number;
}

const final = (reason: VerdictReason, branch: PolicyBranch, accepted = false, cause: VerdictReason | null = null): FinalDecision => ({
  type: 'final',
  reason,
  accepted,
  branch,
  cause,
});

/** The cause when Tencent's answer is unknown, or `undefined` when the outcome decides by itself. */
function unknownAnswerCause(input: DecideInput): VerdictReason | FinalDecision {
  const { outcome } = input;
  switch (outcome.kind) {
    case 'overloaded':
      // Local overload says nothing about the ticket or Tencent; an attacker can cause it at will.
      return final(PolicyReason.Overloaded, 'overloaded');
    case 'breaker_open':
      return PolicyReason.BreakerOpen;
    case 'local_fault':
      // Failed before a byte left this process: our fault, never Tencent's outage, never accepted.
      return { ...final(PolicyReason.Misconfigured, 'misconfigured'), misconfigured: true };
    case 'failure':
      return outcome.failure;
    case 'api_error':
      switch (outcome.errorKind) {
        case 'unavailable':
          return PolicyReason.UpstreamInternalError;
        case 'rate_limited':
          // The answer is unknown, but a flood can cause it: never accepted.
          return final(PolicyReason.UpstreamRateLimited, 'rate_limited', false, PolicyReason.UpstreamRateLimited);
        case 'misconfigured':
          return { ...final(PolicyReason.Misconfigured, 'misconfigured'), misconfigured: true };
        case 'bad_request':
          return final(PolicyReason.UpstreamBadRequest, 'tencent_answer');
      }
      break;
    case 'answer': {
      const r = outcome.response;
      const code = r.CaptchaCode;
      // 21 (standard) or 16 (Tencent could not read the app id) for a ticket we checked ourselves.
      if (input.disasterTicket && (code === 21 || code === 16)) return PolicyReason.DisasterTicket;
      if (code === 1) {
        if ((r.EvilLevel ?? 0) > input.maxEvilLevel) return final(PolicyReason.EvilLevelTooHigh, 'risk_limit');
        if ((r.Score ?? 0) > input.maxScore) return final(PolicyReason.RiskScoreTooHigh, 'risk_limit');
        return final(PolicyReason.Verified, 'tencent_answer', true);
      }
      // The first attempt may have consumed the ticket before failing: unknown, not the user's fault.
      if (code === 9 && input.attempts > 1) return PolicyReason.RetryTicketReused;
      const kind = describeCaptchaCode(code).kind;
      if (kind === 'unavailable') return reasonForCaptchaCode(code);
      if (kind === 'misconfigured') return { ...final(PolicyReason.Misconfigured, 'misconfigured'), misconfigured: true };
      return final(reasonForCaptchaCode(code), 'tencent_answer');
    }
  }
  return final(PolicyReason.InternalError, 'internal_error');
}

/** Decides from the upstream outcome: a final decision, or a degraded candidate for the store. */
export function decide(input: DecideInput): Decision {
  const result = unknownAnswerCause(input);
  if (typeof result !== 'string') return result;
  // A disaster ticket stays a disaster ticket whatever else went wrong upstream.
  const cause = input.disasterTicket ? PolicyReason.DisasterTicket : result;
  if (input.mode === 'closed') return final(cause, 'mode_closed', false, cause);
  const tier = input.mode === 'open' || input.breaker !== 'closed' ? 'outage' : 'healthy';
  return { type: 'degraded', cause, tier };
}

/** The replay-guard key and budget counters of a degraded candidate. */
export function storeRequestParts(context: {
  options: ResolvedCaptchaVerifierOptions;
  tier: DegradedCandidate['tier'];
  /** The ticket itself: validated (≤ 2048 safe characters), exact, no hash collisions. */
  ticket: string;
  /** The randstr sent with it (validated; no spaces). */
  randstr: string;
  ipBudgetKey: string;
  /** The call's budget scope (validated: printable ASCII without spaces). */
  budgetScope: string;
  disasterTicket: VerdictDisasterTicket | null;
  nowMs: number;
}): { replayKey: string; replayTtlMs: number; counters: BudgetCounter[]; windowEndsMs: number } {
  const { options, tier, nowMs } = context;
  const ns = String(options.captchaAppId);
  const windowMs = options.budgets.windowSeconds * 1000;
  const window = Math.floor(nowMs / windowMs);
  const windowEndsMs = (window + 1) * windowMs;
  // Keep counters a little past their window so a late write cannot resurrect one with a fresh TTL.
  const ttlMs = windowEndsMs - nowMs + 1000;
  const perIp = tier === 'healthy' ? options.budgets.perIp : options.budgets.outagePerIp;
  const global = tier === 'healthy' ? options.budgets.global : options.budgets.outageGlobal;
  const appGlobal = tier === 'healthy' ? options.budgets.appGlobal : options.budgets.outageAppGlobal;
  const { maxAgeSeconds, clockSkewSeconds } = options.disasterTickets;
  // A ticket stays refused for as long as it could still be presented.
  const validUntilMs = context.disasterTicket
    ? (context.disasterTicket.timestamp + maxAgeSeconds + clockSkewSeconds) * 1000
    : nowMs + (CaptchaApi.ticketLifetimeSeconds + clockSkewSeconds) * 1000;
  return {
    // A disaster ticket has no random part (`trerror_<code>_<appid>_<second>`): every user whose SDK
    // failed in the same second sends the same string, each with its own random randstr. Keying on
    // both refuses a true replay without refusing those users. It costs nothing against forgery: an
    // attacker can mint any number of distinct valid disaster tickets anyway, and the budget caps them.
    replayKey: context.disasterTicket ? `${ns}:replay:${context.ticket} ${context.randstr}` : `${ns}:replay:${context.ticket}`,
    replayTtlMs: Math.max(1000, validUntilMs - nowMs),
    counters: [
      { scope: 'per_ip', key: `${ns}:budget:${context.budgetScope}:ip:${context.ipBudgetKey}:${window}`, limit: perIp, ttlMs },
      { scope: 'global', key: `${ns}:budget:${context.budgetScope}:global:${window}`, limit: global, ttlMs },
      // Across every scope: n routes do not make n × the global budget, and the store only ever holds
      // entries for what this cap accepts (design §3.2a). Last, so a spent route budget is named first.
      { scope: 'app', key: `${ns}:budget:app:${tier}:${window}`, limit: appGlobal, ttlMs },
    ],
    windowEndsMs,
  };
}

/** Turns the store's answer (or its failure) into the final decision of a degraded candidate. */
export function settleDegraded(candidate: DegradedCandidate, result: DegradedAcceptanceResult | 'store_failed'): FinalDecision {
  if (result === 'store_failed') return final(PolicyReason.StoreUnavailable, 'store_failure', false, candidate.cause);
  // Strictly `true`: a custom store answering `{ accepted: 'no' }` or `1` must not open the gate.
  if (result.accepted === true) return final(candidate.cause, 'degraded_accept', true, candidate.cause);
  if (result.refusal === 'replayed') return final(PolicyReason.TicketReplayed, 'replay_guard', false, candidate.cause);
  if (result.refusal === 'budget_exhausted') return final(PolicyReason.BudgetExhausted, 'budget', false, candidate.cause);
  // `cannot_remember`, or an answer this version does not know: nothing vouches for the ticket.
  return final(PolicyReason.StoreUnavailable, 'store_failure', false, candidate.cause);
}
