/**
 * `CaptchaCode` returned by `DescribeCaptchaResult` (protocol.md §2.4), each mapped to a stable
 * snake_case reason. Only code 1 means the ticket passed.
 */

/** What a CaptchaCode says about the request. */
export const CaptchaCodeKind = {
  /** The ticket passed (code 1). */
  Pass: 'pass',
  /** The ticket itself is bad: wrong randstr, expired, reused, garbled, other app. */
  Ticket: 'ticket',
  /** Tencent's risk engine flagged the request (or, for 21, a disaster ticket: look at the prefix). */
  Risk: 'risk',
  /** Tencent could not decide (26 system busy). */
  Unavailable: 'unavailable',
  /** Our own configuration is wrong (100, 31). */
  Misconfigured: 'misconfigured',
} as const;
/** One of {@link CaptchaCodeKind}'s values. */
export type CaptchaCodeKind = (typeof CaptchaCodeKind)[keyof typeof CaptchaCodeKind];

/** The stable reason of every CaptchaCode in the table, and of codes outside it. */
export type CaptchaCodeReason =
  | 'verified'
  | 'randstr_invalid'
  | 'randstr_mismatch'
  | 'ticket_expired'
  | 'ticket_reused'
  | 'ticket_sequence_invalid'
  | 'cookie_invalid'
  | 'ticket_length_invalid'
  | 'ip_mismatch'
  | 'ticket_invalid'
  | 'app_id_mismatch'
  | 'command_mismatch'
  | 'uin_mismatch'
  | 'ticket_redirected'
  | 'no_captcha_required'
  | 'ticket_diff'
  | 'captcha_type_mismatch'
  | 'verify_type_invalid'
  | 'invalid_package'
  | 'bad_visitor'
  | 'system_busy'
  | 'account_unauthorized'
  | 'app_secret_key_mismatch'
  | 'unknown_captcha_code';

/** One row of the CaptchaCode table. */
export interface CaptchaCodeInfo {
  code: number;
  /** Current `CaptchaMsg`. */
  message: string;
  /** Older `CaptchaMsg` strings for the same code. */
  formerMessages: readonly string[];
  /** Stable snake_case reason. */
  reason: CaptchaCodeReason;
  kind: CaptchaCodeKind;
  /** `true` for codes only found in older SDK models. */
  historical: boolean;
  description: string;
}

const row = (
  code: number,
  message: string,
  reason: CaptchaCodeReason,
  kind: CaptchaCodeKind,
  description: string,
  historical = false,
  formerMessages: readonly string[] = [],
): CaptchaCodeInfo => ({ code, message, formerMessages, reason, kind, historical, description });

// Built in a function marked pure, so browser bundles that never read the table drop it.
function createCaptchaCodeTable(): ReadonlyMap<number, CaptchaCodeInfo> {
  return new Map(
    [
      row(1, 'OK', 'verified', 'pass', 'The ticket passed'),
      row(6, 'user code len error', 'randstr_invalid', 'ticket', 'Randstr missing or wrong case', true),
      row(7, 'captcha no match', 'randstr_mismatch', 'ticket', 'Randstr invalid or does not match the ticket'),
      row(8, 'ticket expired', 'ticket_expired', 'ticket', 'Ticket older than 5 minutes', false, ['verify timeout']),
      row(9, 'ticket reused', 'ticket_reused', 'ticket', 'Ticket already verified', false, ['Sequnce repeat']),
      row(10, 'Sequnce invalid', 'ticket_sequence_invalid', 'ticket', 'Ticket sequence invalid', true),
      row(11, 'Cookie invalid', 'cookie_invalid', 'ticket', 'Cookie invalid', true),
      row(12, 'sig len error', 'ticket_length_invalid', 'ticket', 'Ticket length invalid', true),
      row(13, 'verify ip no match', 'ip_mismatch', 'ticket', 'User IP does not match', true),
      row(15, 'decrypt fail', 'ticket_invalid', 'ticket', 'Ticket invalid or garbled'),
      row(16, 'appid-ticket mismatch', 'app_id_mismatch', 'ticket', 'CaptchaAppId differs from the front end, or a disaster ticket whose app id cannot be parsed', false, ['appid no match']),
      row(17, 'cmd no much', 'command_mismatch', 'ticket', 'Command mismatch', true),
      row(18, 'uin no match', 'uin_mismatch', 'ticket', 'uin mismatch', true),
      row(19, 'seq redirect', 'ticket_redirected', 'ticket', 'Sequence redirected', true),
      row(20, 'opt no vcode', 'no_captcha_required', 'ticket', 'No captcha for this operation', true),
      row(21, 'diff', 'ticket_diff', 'risk', 'A disaster ticket (trerror_/terror_ prefix), otherwise flagged by the risk engine'),
      row(22, 'captcha type not match', 'captcha_type_mismatch', 'ticket', 'Captcha type mismatch', true),
      row(23, 'verify type error', 'verify_type_invalid', 'ticket', 'Verify type error', true),
      row(24, 'invalid pkg', 'invalid_package', 'ticket', 'Invalid package', true),
      row(25, 'bad visitor', 'bad_visitor', 'risk', 'Blocked by the risk strategy', true),
      row(26, 'system busy', 'system_busy', 'unavailable', 'Internal error at Tencent: fail open per the disaster-recovery guide', true),
      row(31, 'UnauthorizedOperation.Unauthorized', 'account_unauthorized', 'misconfigured', 'No package or account in arrears (documented for mini-program verification)', true),
      row(100, 'appid-secretkey-ticket mismatch', 'app_secret_key_mismatch', 'misconfigured', 'CaptchaAppId/AppSecretKey wrong, or ticket not issued for this app', false, ['param err']),
      row(104, 'Ticket Reuse', 'ticket_reused', 'ticket', 'Ticket already verified (one SDK revision)', true),
    ].map((r) => [r.code, r] as const),
  );
}

/** The one CaptchaCode table. */
export const CAPTCHA_CODES: ReadonlyMap<number, CaptchaCodeInfo> = /* @__PURE__ */ createCaptchaCodeTable();

/** The CaptchaCodes this project names in code. */
export const CaptchaCode = {
  Ok: 1,
  RandstrMismatch: 7,
  TicketExpired: 8,
  TicketReused: 9,
  DecryptFail: 15,
  AppIdMismatch: 16,
  Diff: 21,
  BadVisitor: 25,
  SystemBusy: 26,
  AppSecretKeyMismatch: 100,
} as const;

/** Reason for a CaptchaCode outside the table (e.g. the CLI's `0 "not valid"`). */
export const UNKNOWN_CAPTCHA_CODE_REASON = 'unknown_captcha_code' satisfies CaptchaCodeReason;

/** Looks a CaptchaCode up; codes outside the table get kind `ticket` and reason `unknown_captcha_code`. */
export function describeCaptchaCode(code: number): CaptchaCodeInfo {
  return (
    CAPTCHA_CODES.get(code) ??
    row(code, 'unknown', UNKNOWN_CAPTCHA_CODE_REASON, 'ticket', 'A code outside the documented table')
  );
}
