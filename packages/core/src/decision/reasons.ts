/**
 * The one reason table of core: every verdict reason with its status, the HTTP status adapters answer
 * when the verdict is refused, and a message. The CaptchaCode → reason rows come from protocol's
 * `CAPTCHA_CODES` (that table lives there, once); this file adds the policy reasons.
 */
import { CAPTCHA_CODES, UNKNOWN_CAPTCHA_CODE_REASON, describeCaptchaCode, type CaptchaCodeReason } from '@tencent-captcha/protocol';
import type { VerdictStatus } from '../types/verdict.js';
import { PolicyReason, type VerdictReason, type VerdictReasonLike } from '../types/reasons.js';

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

const POLICY_ROWS: readonly VerdictReasonInfo[] = [
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
];

function captchaCodeRows(): VerdictReasonInfo[] {
  const rows = new Map<string, VerdictReasonInfo>();
  const add = (reason: CaptchaCodeReason, description: string, kind: string): void => {
    // `pass` is `verified` (a policy row); `misconfigured` codes all map to the one `misconfigured` reason.
    if (kind === 'pass' || kind === 'misconfigured' || rows.has(reason)) return;
    rows.set(
      reason,
      kind === 'unavailable'
        ? { reason, status: 'degraded', httpStatus: 503, retryAfter: true, message: `${description}.`, source: 'captcha_code' }
        : { reason, status: 'rejected', httpStatus: 403, retryAfter: false, message: `${description}.`, source: 'captcha_code' },
    );
  };
  for (const info of CAPTCHA_CODES.values()) add(info.reason, info.description, info.kind);
  const unknown = describeCaptchaCode(Number.NaN);
  add(UNKNOWN_CAPTCHA_CODE_REASON, unknown.description, unknown.kind);
  return [...rows.values()];
}

/** Every verdict reason, keyed by reason. The one reason → status/HTTP table. */
export const VERDICT_REASONS: ReadonlyMap<string, VerdictReasonInfo> = new Map(
  [...POLICY_ROWS, ...captchaCodeRows()].map((row) => [row.reason, row] as const),
);

/** Looks a reason up; an unknown reason (from a newer package) is treated as a 403 rejection. */
export function describeVerdictReason(reason: VerdictReasonLike): VerdictReasonInfo {
  return (
    VERDICT_REASONS.get(reason) ?? {
      // A reason this version does not know (from a newer one): answered as a plain rejection.
      reason: reason as VerdictReason,
      status: 'rejected',
      httpStatus: 403,
      retryAfter: false,
      message: 'The captcha was rejected.',
      source: 'policy',
    }
  );
}

/** The verdict reason of a CaptchaCode Tencent answered (protocol's reason, or `misconfigured`). */
export function reasonForCaptchaCode(code: number): VerdictReason {
  const info = describeCaptchaCode(code);
  return info.kind === 'misconfigured' ? PolicyReason.Misconfigured : info.reason;
}

/**
 * The HTTP status an adapter answers for a verdict: 200 when accepted; otherwise 400 for
 * missing/malformed input, 403 for a refused ticket, 503 without `Retry-After` for our misconfiguration or a bug, 503 (with
 * `Retry-After`) for an outage the policy did not accept.
 */
export function httpStatusForVerdict(verdict: { accepted: boolean; reason: VerdictReasonLike }): VerdictHttpStatus {
  return verdict.accepted ? 200 : describeVerdictReason(verdict.reason).httpStatus;
}

/** The JSON body adapters answer a refused verdict with: `{ code, message }`, `code` being the reason. */
export interface VerdictResponseBody {
  code: VerdictReasonLike;
  message: string;
}

/** Builds the `{ code, message }` body for a verdict. */
export function verdictResponseBody(verdict: { reason: VerdictReasonLike }): VerdictResponseBody {
  return { code: verdict.reason, message: describeVerdictReason(verdict.reason).message };
}

/** Status, headers and body an adapter sends for a refused verdict (and for an accepted one, 200 and no headers). */
export interface VerdictHttpResponse {
  status: VerdictHttpStatus;
  headers: Record<string, string>;
  body: VerdictResponseBody;
}

/** Everything an adapter needs to answer a verdict: status, `Retry-After` where due, and the body. */
export function httpResponseForVerdict(
  verdict: { accepted: boolean; reason: VerdictReasonLike; retryAfterSeconds: number | null },
): VerdictHttpResponse {
  const status = httpStatusForVerdict(verdict);
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (status === 503 && describeVerdictReason(verdict.reason).retryAfter) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(verdict.retryAfterSeconds ?? 1)));
  }
  return { status, headers, body: verdictResponseBody(verdict) };
}
