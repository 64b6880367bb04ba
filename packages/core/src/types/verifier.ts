/**
 * The verifier as callers see it. Imports only the other shared types.
 */
import type { CaptchaCheckReport, CheckOptions } from './check.js';
import type { ResolvedCaptchaVerifierOptions } from './options.js';
import type { BreakerState, CaptchaVerdict, VerifyInput, VerifyOptions } from './verdict.js';

/** The verifier `createCaptchaVerifier` returns. */
export interface CaptchaVerifier {
  /**
   * Verifies a ticket. Resolves with a verdict for every ticket, good or bad, within the configured
   * deadline; rejects only with the caller's abort reason, or with a `CaptchaConfigError` when the
   * per-call options are invalid.
   */
  verify(input: VerifyInput, options?: VerifyOptions): Promise<CaptchaVerdict>;
  /** The circuit breaker's current state. */
  readonly breakerState: BreakerState;
  /** The resolved options, without secrets. */
  readonly options: ResolvedCaptchaVerifierOptions;
  /**
   * Checks the setup the way `tencent-captcha doctor` does and explains each result: DNS and TCP/TLS
   * to the endpoint, the clock against Tencent's `Date` header, a signed call with a dummy ticket whose
   * answer proves the SecretId/SecretKey and the CaptchaAppId/AppSecretKey, and the store. Never
   * throws for a failed check (each is a line with `ok: false` and a hint); sends no real ticket.
   */
  check(options?: CheckOptions): Promise<CaptchaCheckReport>;
  /** Closes the pooled connections of the default transport. Idempotent. */
  close(): Promise<void>;
}
