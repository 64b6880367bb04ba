/**
 * What the element needs from an SDK. Two implementations: `modern.ts` (the `TencentCaptcha` class of
 * TCaptcha.js / TJCaptcha.js / TJNCaptcha-global.js) and `legacy.ts` (天御's `capInit`). The element
 * never touches an SDK directly, so both drive the same states and events.
 */
import { createDisasterRandstr, formatDisasterTicket, type DisasterTicketPrefix } from '@tencent-captcha/protocol';
import type { CaptchaDriverName, ClosedDetail, FallbackDetail, FallbackReason, VerifiedDetail } from '../events.js';

/** Everything a driver needs to show a challenge, resolved from the element's attributes. */
export interface DriverConfig {
  appId: string;
  src: string;
  nonce: string | undefined;
  loadTimeout: number;
  /** ms from `show()` to the challenge appearing (the SDK's `ready`) before falling back with 1002. */
  showTimeout: number;
  type: 'popup' | 'embed';
  /** The page's language (element, ancestors, document), if the page said one. */
  lang: string | undefined;
  darkMode: boolean | 'force';
  bizState: unknown;
  aidEncrypted: string | undefined;
  /** Extra SDK options from the `options` property; attributes win. */
  options: Readonly<Record<string, unknown>>;
  /** Light-DOM box the SDK renders into (embed, legacy; none for a popup). */
  container: HTMLElement | undefined;
  /** The legacy script is a mobile (H5) one: from its URL's `clientype`, else a small screen. It goes full screen. */
  mobile: boolean;
}

/** What the user (or the SDK) decided. */
export type DriverOutcome = VerifiedDetail | FallbackDetail | ClosedDetail;

/** One SDK behind the element. */
export interface CaptchaDriver {
  readonly name: CaptchaDriverName;
  /** Loads the SDK script (rejects with `SdkLoadError`); `undefined` when it is loaded already. */
  load(config: DriverConfig): Promise<void> | undefined;
  /**
   * Creates an SDK instance and shows it. Returns why not when the SDK threw (its constructor, `show()`
   * or `capInit`), so the element falls back. `onOutcome` may be called more than once, even before
   * `show` returns (stale calls are the element's to ignore). `onShown`, when the SDK tells, says the
   * challenge is on screen.
   */
  show(config: DriverConfig, onOutcome: (outcome: DriverOutcome) => void, onShown?: () => void): FallbackReason | undefined;
  /** Asks the SDK for a fresh challenge in place; `false` when it cannot (then the element shows anew). */
  refresh(): boolean;
  /** Tears the SDK's UI down; safe to call repeatedly. */
  destroy(): void;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Tencent's errorCode when the entry script failed to load; the docs use it for every client-side failure. */
export const ENTRY_JS_LOAD_ERROR = 1001;

/**
 * The disaster-ticket prefix of the script at `src`, as that script makes its own: `terror_` for
 * `TCaptcha.js` (and `TCaptcha-global.js`), `trerror_` for `TJCaptcha.js`, `TJNCaptcha-global.js`
 * and any other name (current docs).
 */
export function disasterTicketPrefixFor(src: string | undefined): DisasterTicketPrefix {
  const file = (src ?? '').split(/[?#]/)[0]!.split('/').pop()!;
  return /^TCaptcha(-global)?\.js$/i.test(file) ? 'terror_' : 'trerror_';
}

/** The disaster result that stands in when the SDK could not run, in Tencent's ticket format and with the prefix of the script `config.src`. */
export function createFallback(
  driver: CaptchaDriverName,
  config: Pick<DriverConfig, 'appId' | 'bizState'> & { src?: string },
  reason: FallbackReason,
  errorCode = ENTRY_JS_LOAD_ERROR,
  errorMessage = 'jsload_error',
): Mutable<FallbackDetail> {
  const detail: Mutable<FallbackDetail> = {
    status: 'fallback',
    // protocol's format without buildDisasterTicket's checks (and their messages, in every page's
    // bundle): the element's app id is digits (#config) and its own errorCodes are integers.
    ticket: formatDisasterTicket(disasterTicketPrefixFor(config.src), errorCode, config.appId),
    randstr: createDisasterRandstr(),
    appId: config.appId,
    errorCode,
    errorMessage,
    reason,
    driver,
  };
  return config.bizState === undefined ? detail : { ...detail, bizState: config.bizState };
}
