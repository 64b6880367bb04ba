/**
 * Building the verdict: from the policy's final decision and what the call gathered on the way
 * (Tencent's answer, attempts, the disaster ticket), the `CaptchaVerdict` callers get, with the
 * `Retry-After` seconds of refusals answered with 503. Text from outside is redacted here.
 */
import type { FinalDecision, UpstreamOutcome } from './policy.js';
import { describeVerdictReason } from './reasons.js';
import { PolicyReason } from '../types/reasons.js';
import type { BreakerState, CaptchaMode, CaptchaVerdict, VerdictDisasterTicket } from '../types/verdict.js';

/** What verify() has gathered by the time it builds the verdict. */
export interface Trace {
  mode: CaptchaMode;
  outcome: UpstreamOutcome | null;
  attempts: number;
  disasterTicket: VerdictDisasterTicket | null;
  retryAfterSeconds: number | null;
}

/** What the verdict reads from the rest of the verifier. */
export interface VerdictContext {
  redact: (text: string) => string;
  now: () => number;
  /** The breaker, for the verdict's `breaker` (logs, metrics, hooks). */
  network: { readonly breakerState: BreakerState };
  /** The configured `Retry-After` for other refusals, whatever the breaker's state. */
  retryAfterSeconds: number;
}

/** Seconds a client should wait before retrying, for refusals answered with 503; otherwise `null`. */
export function retryAfterFor(decision: FinalDecision, windowEndsMs: number | null, ctx: VerdictContext): number | null {
  const info = describeVerdictReason(decision.reason);
  if (decision.accepted || !info.retryAfter) return null;
  if (decision.reason === PolicyReason.BudgetExhausted && windowEndsMs !== null) {
    return Math.max(1, Math.ceil((windowEndsMs - ctx.now()) / 1000));
  }
  if (decision.reason === PolicyReason.Overloaded) return 1;
  // Never the time until the breaker's probe: clients would learn that it opened, and when it closes.
  return ctx.retryAfterSeconds;
}

/** The verdict of a decision; `started` is the call's `performance.now()`. */
export function buildVerdict(decision: FinalDecision, trace: Trace, started: number, ctx: VerdictContext): CaptchaVerdict {
  const { redact } = ctx;
  const info = describeVerdictReason(decision.reason);
  const o = trace.outcome;
  const answer = o?.kind === 'answer' ? o.response : null;
  const apiError = o?.kind === 'api_error' ? o : null;
  return {
    status: info.status,
    accepted: decision.accepted,
    reason: decision.reason,
    message: info.message,
    cause: decision.cause,
    branch: decision.branch,
    mode: trace.mode,
    captchaCode: answer ? answer.CaptchaCode : null,
    captchaMsg: answer?.CaptchaMsg != null ? redact(answer.CaptchaMsg) : null,
    requestId: answer ? answer.RequestId || null : (apiError?.requestId ?? null),
    evilLevel: answer?.EvilLevel ?? null,
    score: answer?.Score ?? null,
    getCaptchaTime: answer?.GetCaptchaTime ?? null,
    submitCaptchaTime: answer?.SubmitCaptchaTime ?? null,
    evilBitmap: answer?.EvilBitmap ?? null,
    deviceRiskCategory: answer?.DeviceRiskCategory ?? null,
    apiError: apiError ? { code: apiError.code, message: redact(apiError.message) } : null,
    disasterTicket: trace.disasterTicket,
    attempts: trace.attempts,
    latencyMs: Math.max(0, Math.round((performance.now() - started) * 1000) / 1000),
    breaker: ctx.network.breakerState,
    retryAfterSeconds: trace.retryAfterSeconds,
  };
}
