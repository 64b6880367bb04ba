/**
 * The element's events. Each is an `Event` subclass with a readonly `detail`, `bubbles` and
 * `composed`, listed in `HTMLElementEventMap` so `addEventListener('verified', e => e.detail.ticket)`
 * is typed. They are dispatched after the element's state (status, form value, validity) is committed.
 */

/** Which SDK produced a result: `TencentCaptcha` (TCaptcha.js / TJCaptcha.js) or the legacy `capInit`. */
export type CaptchaDriverName = 'modern' | 'legacy';

/** Why a disaster ticket stands in for a real one. */
export const FallbackReason = {
  /** Tencent's script failed to load (HTTP error, network error, blocked by CSP) or threw while evaluating. */
  SdkLoadError: 'sdk_load_error',
  /** Tencent's script did not load within `load-timeout`. */
  SdkLoadTimeout: 'sdk_load_timeout',
  /** `new TencentCaptcha(…)` (or `capInit`) threw. */
  SdkInitError: 'sdk_init_error',
  /** The instance's `show()` threw. */
  SdkShowError: 'sdk_show_error',
  /** The SDK itself called back with an `errorCode` (its own disaster ticket is passed through). */
  SdkErrorCode: 'sdk_error_code',
  /**
   * The challenge did not appear (the SDK's `ready` callback) within `show-timeout`: Tencent's script
   * loaded but its second stage hangs. errorCode 1002, as the SDK itself reports it much later.
   */
  SdkShowTimeout: 'sdk_show_timeout',
} as const;
/** One of {@link FallbackReason}'s values. */
export type FallbackReason = (typeof FallbackReason)[keyof typeof FallbackReason];

/** `detail` of the `verified` event: a real ticket from a solved challenge. */
export interface VerifiedDetail {
  readonly status: 'verified';
  /** The ticket to verify on the server (`tr03…`/`t03…` from Tencent). */
  readonly ticket: string;
  /** The random string to send with it (`''` from the legacy SDK, which has none). */
  readonly randstr: string;
  /** The CaptchaAppId the ticket belongs to. */
  readonly appId: string;
  /** Echo of `biz-state`. */
  readonly bizState?: unknown;
  /** Trace id (2.0 SDK). */
  readonly sid?: string;
  /** ms the verify request took (2.0 SDK). */
  readonly verifyDuration?: number;
  /** ms from the user's action to success (2.0 SDK). */
  readonly actionDuration?: number;
  /** Which SDK produced it. */
  readonly driver: CaptchaDriverName;
}

/**
 * `detail` of the `fallback` event: the captcha could not run and a disaster ticket in Tencent's
 * format (`terror_<errorCode>_<appId>_<unixSeconds>` for `TCaptcha.js`, `trerror_…` for
 * `TJCaptcha.js` / `TJNCaptcha-global.js`) stands in. Send it like any ticket; the server decides
 * whether to let it through.
 */
export interface FallbackDetail {
  readonly status: 'fallback';
  /** The disaster ticket: the SDK's own when it reported an `errorCode`, else one built by the element. */
  readonly ticket: string;
  /** `'@'` and random base-36 digits, or the SDK's. */
  readonly randstr: string;
  readonly appId: string;
  readonly bizState?: unknown;
  /** Tencent's client errorCode: 1001 when the script failed, timed out or threw; 1002 when the challenge did not appear in time; else the SDK's own. */
  readonly errorCode: number;
  /** Short machine string, e.g. `jsload_error`, `get_captcha_config_request_error`. */
  readonly errorMessage: string;
  /** What failed. */
  readonly reason: FallbackReason;
  readonly driver: CaptchaDriverName;
}

/** `detail` of the `closed` event: the user closed the challenge (ret 2; ret 1 in the legacy SDK). */
export interface ClosedDetail {
  readonly status: 'closed';
  /** The SDK's `ret`. */
  readonly ret: number;
  readonly appId: string;
  readonly bizState?: unknown;
  readonly driver: CaptchaDriverName;
}

/**
 * `detail` of the `expired` event: a ticket (real or disaster) outlived `ticket-lifetime` and was
 * dropped from the form; the element is back to `idle`.
 */
export interface ExpiredDetail {
  readonly status: 'expired';
  /** The dropped ticket. */
  readonly ticket: string;
  readonly appId: string;
  /** Whether the dropped ticket came from a solve or stood in for one. */
  readonly previous: 'verified' | 'fallback';
  readonly driver: CaptchaDriverName;
}

/** What `verify()` resolves with: a real ticket, or a disaster ticket standing in for one. */
export type TencentCaptchaVerification = VerifiedDetail | FallbackDetail;

/** What the three events share: a frozen, readonly `detail` whose `status` is the event's name; `bubbles` and `composed`. */
abstract class TencentCaptchaEvent<D extends { status: string }> extends Event {
  readonly detail: D;
  constructor(detail: D) {
    super(detail.status, { bubbles: true, composed: true });
    this.detail = Object.freeze({ ...detail });
  }
}

/** Fired when the user solved the challenge. The ticket and randstr are now in the form. */
export class TencentCaptchaVerifiedEvent extends TencentCaptchaEvent<VerifiedDetail> {}

/** Fired when a disaster ticket stands in for a real one. The disaster ticket is now in the form. */
export class TencentCaptchaFallbackEvent extends TencentCaptchaEvent<FallbackDetail> {}

/** Fired when the user closed the challenge without solving it. */
export class TencentCaptchaClosedEvent extends TencentCaptchaEvent<ClosedDetail> {}

/** Fired when a ticket expired and was dropped; the element is `idle` again (and `required` blocks the form). */
export class TencentCaptchaExpiredEvent extends TencentCaptchaEvent<ExpiredDetail> {}

/** The element's events by name. */
export interface TencentCaptchaEventMap {
  verified: TencentCaptchaVerifiedEvent;
  fallback: TencentCaptchaFallbackEvent;
  closed: TencentCaptchaClosedEvent;
  expired: TencentCaptchaExpiredEvent;
}

declare global {
  // Events bubble and are composed, so any element (or the document) may hear them.
  interface HTMLElementEventMap extends TencentCaptchaEventMap {}
  interface DocumentEventMap extends TencentCaptchaEventMap {}
}
