/**
 * Verdict reasons as types: the policy reasons core adds, and every reason a verdict can carry.
 * A leaf: imports nothing but `@tencent-captcha/protocol`. The table of reasons is `decision/reasons.ts`.
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
