/**
 * What the engine reports (the network part and the store calls report their own: `NetworkEvents` in
 * network/upstream.ts, `StoreEvents` in stores/calls.ts). operations/reports.ts subscribes to all
 * three: logging, hooks and telemetry counters.
 */
import type { UpstreamOutcome } from '../decision/policy.js';
import type { CaptchaVerdict, VerifyInput } from '../types/verdict.js';

export interface EngineEvents {
  /** A ticket was accepted without Tencent's word. */
  degradedAccepted(verdict: CaptchaVerdict, outcome: UpstreamOutcome | null): void;
  /** The policy found the setup misconfigured (CaptchaCode 100, an auth error…). */
  misconfigured(outcome: UpstreamOutcome): void;
  /** No usable API key (the credential provider failed): the verdict is `misconfigured`. */
  credentialsUnavailable(provider: string, error: string): void;
  /** The request was refused before reaching Tencent (local queue, event-loop lag). */
  overloaded(outcome: UpstreamOutcome): void;
  /** A bug: the verification threw; the verdict is `internal_error`. */
  internalError(error: unknown): void;
  /** The verdict is out. */
  verdictReached(verdict: CaptchaVerdict, input: VerifyInput): void;
  /** Refused for a missing or invalid client IP; `source` is where the caller read it (`userIpSource`). */
  userIpRefused(input: VerifyInput, source: string | undefined): void;
}
