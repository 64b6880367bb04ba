/**
 * The policy reasons core adds, each with its row (status, HTTP status, message, Retry-After), and the
 * verdict statuses: a new policy reason is one entry in {@link PolicyReason} and one row in
 * {@link POLICY_ROWS}, here. A leaf: imports nothing but `@tencent-captcha/protocol`. The lookups
 * (`describeVerdictReason`, HTTP responses) and the CaptchaCode rows are in `decision/reasons.ts`.
 */
import type { CaptchaCodeReason } from '@tencent-captcha/protocol';

/** The reasons core's policy adds to protocol's CaptchaCode reasons. */
export const PolicyReason = {
  /** Tencent passed the ticket (CaptchaCode 1). Same string as protocol's row for code 1. */
  Verified: 'verified',
  // Input, checked before any network call (400).
  TicketMissing: 'ticket_missing',
  TicketMalformed: 'ticket_malformed',
  RandstrMissing: 'randstr_missing',
  RandstrMalformed: 'randstr_malformed',
  UserIpInvalid: 'user_ip_invalid',
  DisasterTicketMalformed: 'disaster_ticket_malformed',
  // Disaster tickets that fail the local checks (403).
  DisasterTicketAppIdMismatch: 'disaster_ticket_app_id_mismatch',
  DisasterTicketExpired: 'disaster_ticket_expired',
  DisasterTicketFromFuture: 'disaster_ticket_from_future',
  // Tencent passed the ticket, but the risk figures are over the limit (403).
  EvilLevelTooHigh: 'evil_level_too_high',
  RiskScoreTooHigh: 'risk_score_too_high',
  // Our side is wrong (503 without Retry-After: not the user's fault, and never a 500).
  Misconfigured: 'misconfigured',
  InternalError: 'internal_error',
  /** Tencent refused our request's parameters (`InvalidParameter`, `MissingParameter`). */
  UpstreamBadRequest: 'upstream_bad_request',
  // Tencent's answer is unknown (degraded; 503 + Retry-After when refused).
  UpstreamTimeout: 'upstream_timeout',
  UpstreamUnreachable: 'upstream_unreachable',
  UpstreamError: 'upstream_error',
  UpstreamInternalError: 'upstream_internal_error',
  /** `RequestLimitExceeded`: a flood can cause it, so it is never accepted. */
  UpstreamRateLimited: 'upstream_rate_limited',
  BreakerOpen: 'breaker_open',
  /** CaptchaCode 9 on a retry: the first attempt probably consumed the ticket, the user is not at fault. */
  RetryTicketReused: 'retry_ticket_reused',
  /** A well-formed, fresh disaster ticket for our app id. */
  DisasterTicket: 'disaster_ticket',
  // Policy refusals of a degraded candidate.
  BudgetExhausted: 'budget_exhausted',
  TicketReplayed: 'ticket_replayed',
  StoreUnavailable: 'store_unavailable',
  /**
   * This server could not send the request in time (no free connection, local queue full): local
   * overload, not an outage. Never degraded, never counted by the breaker; 503 + Retry-After.
   */
  Overloaded: 'overloaded',
  /**
   * An adapter refused a second action on one verdict: one HTTP request (a GraphQL request with
   * aliased or batched guarded fields) used an accepted ticket for more actions than the route allows.
   */
  CaptchaSingleUse: 'captcha_single_use',
} as const;
/** One of {@link PolicyReason}'s values. */
export type PolicyReason = (typeof PolicyReason)[keyof typeof PolicyReason];
/**
 * A verdict reason: a {@link PolicyReason}, or the reason protocol's CaptchaCode table gives a code
 * Tencent answered (`randstr_mismatch`, `ticket_expired`, `ticket_reused`, `ticket_invalid`,
 * `app_id_mismatch`, `ticket_diff`, `bad_visitor`, `system_busy`, `unknown_captcha_code`, …).
 */
export type VerdictReason = PolicyReason | CaptchaCodeReason;
/**
 * A reason as the lookup functions accept it: any {@link VerdictReason}, or a string from a newer
 * version of this package (looked up as a plain rejection).
 */
export type VerdictReasonLike = VerdictReason | (string & {});

/** The three outcomes of a verification (design §3.1). */
export const VerdictStatus = {
  /** Tencent answered CaptchaCode 1 and the risk figures are within the configured limits. */
  Verified: 'verified',
  /** Tencent's answer is unknown, or the ticket is a disaster ticket; `accepted` says what the policy decided. */
  Degraded: 'degraded',
  /** The ticket is bad (missing, malformed, refused by Tencent, replayed) or our configuration is wrong. */
  Rejected: 'rejected',
} as const;
/** One of {@link VerdictStatus}'s values. */
export type VerdictStatus = (typeof VerdictStatus)[keyof typeof VerdictStatus];

/** The HTTP statuses adapters answer with. */
export type VerdictHttpStatus = 200 | 400 | 403 | 503;
/** One row of the reason table. */
export interface VerdictReasonInfo {
  reason: VerdictReason;
  /** The verdict status this reason always comes with. */
  status: VerdictStatus;
  /** HTTP status adapters answer when a verdict with this reason is refused (accepted ones get 200). */
  httpStatus: VerdictHttpStatus;
  /** Whether the refusal carries `Retry-After` (outages: not the user's fault). */
  retryAfter: boolean;
  /** A short English message, safe to show to end users. */
  message: string;
  /** Where the reason comes from: core's policy, or protocol's CaptchaCode table. */
  source: 'policy' | 'captcha_code';
}
const policy = (
  reason: PolicyReason,
  status: VerdictStatus,
  httpStatus: VerdictHttpStatus,
  message: string,
  retryAfter = false,
): VerdictReasonInfo => ({ reason, status, httpStatus, retryAfter, message, source: 'policy' });
export const POLICY_ROWS: readonly VerdictReasonInfo[] = [
  policy('verified', 'verified', 200, 'The captcha was solved.'),
  policy('ticket_missing', 'rejected', 400, 'The captcha ticket is missing.'),
  policy('ticket_malformed', 'rejected', 400, 'The captcha ticket is malformed.'),
  policy('randstr_missing', 'rejected', 400, 'The captcha randstr is missing.'),
  policy('randstr_malformed', 'rejected', 400, 'The captcha randstr is malformed.'),
  policy('user_ip_invalid', 'rejected', 400, 'The client IP address is missing or invalid.'),
  policy('disaster_ticket_malformed', 'rejected', 400, 'The fallback captcha ticket is malformed.'),
  policy('disaster_ticket_app_id_mismatch', 'rejected', 403, 'The fallback captcha ticket belongs to another captcha app.'),
  policy('disaster_ticket_expired', 'rejected', 403, 'The fallback captcha ticket has expired.'),
  policy('disaster_ticket_from_future', 'rejected', 403, 'The fallback captcha ticket is dated in the future.'),
  policy('evil_level_too_high', 'rejected', 403, 'The captcha was solved, but the request looks malicious.'),
  policy('risk_score_too_high', 'rejected', 403, 'The captcha was solved, but the request looks too risky.'),
  policy('misconfigured', 'rejected', 503, 'Captcha verification is misconfigured on the server.'),
  policy('internal_error', 'rejected', 503, 'Captcha verification failed unexpectedly.'),
  policy('upstream_bad_request', 'rejected', 400, 'The captcha service refused the verification request.'),
  policy('upstream_timeout', 'degraded', 503, 'The captcha service did not answer in time.', true),
  policy('upstream_unreachable', 'degraded', 503, 'The captcha service could not be reached.', true),
  policy('upstream_error', 'degraded', 503, 'The captcha service answered with an error.', true),
  policy('upstream_internal_error', 'degraded', 503, 'The captcha service had an internal error.', true),
  policy('upstream_rate_limited', 'degraded', 503, 'The captcha service is rate limiting verification.', true),
  policy('breaker_open', 'degraded', 503, 'The captcha service is unavailable.', true),
  policy('retry_ticket_reused', 'degraded', 503, 'The captcha service could not confirm the ticket.', true),
  policy('disaster_ticket', 'degraded', 503, 'The captcha could not run in the browser.', true),
  policy('budget_exhausted', 'degraded', 503, 'Too many unverified captcha answers; try again later.', true),
  policy('ticket_replayed', 'rejected', 403, 'The captcha ticket was already used.'),
  policy('store_unavailable', 'degraded', 503, 'Captcha verification is temporarily unavailable.', true),
  policy('overloaded', 'rejected', 503, 'The server is too busy to verify the captcha; try again shortly.', true),
  policy('captcha_single_use', 'rejected', 400, 'One captcha authorises one action; this request asked for more.'),
];
