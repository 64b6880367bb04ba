/**
 * The one reason table of core: every verdict reason with its status, the HTTP status adapters answer
 * when the verdict is refused, and a message. The CaptchaCode → reason rows come from protocol's
 * `CAPTCHA_CODES` (that table lives there, once); the policy rows from types/reasons.ts.
 */
import { CAPTCHA_CODES, UNKNOWN_CAPTCHA_CODE_REASON, describeCaptchaCode, type CaptchaCodeReason } from '@tencent-captcha/protocol';
import { POLICY_ROWS, PolicyReason, type VerdictHttpStatus, type VerdictReason, type VerdictReasonInfo, type VerdictReasonLike } from '../types/reasons.js';

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
