/**
 * The browser SDK's `errorCode` table (protocol.md §1.8). When the SDK cannot show or verify the
 * captcha it calls back with `ret: 0`, a disaster ticket and one of these codes.
 */

/** Client errorCodes by name. */
export const ClientErrorCode = {
  EntryJsLoadError: 1001,
  CaptchaShowTimeout: 1002,
  FrameJsLoadTimeout: 1003,
  FrameJsLoadError: 1004,
  FrameJsRunError: 1005,
  GetCaptchaConfigRequestError: 1006,
  PreTemplateLoadTimeout: 1007,
  IframeLoadTimeout: 1008,
  LibJqLoadError: 1009,
  CaptchaJsLoadError: 1010,
  CaptchaJsRunError: 1011,
  RefreshError: 1012,
  VerifyError: 1013,
  RateLimit: 1014,
  InvisibleVerifyFailed: 1085,
} as const;
/** One of {@link ClientErrorCode}'s values. */
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** What one client errorCode means. */
export interface ClientErrorInfo {
  code: ClientErrorCode;
  /** The SDK's enum name. */
  name: string;
  /** The `errorMessage` the SDK reports (its enum name lower-cased, or the doc's integrator string). */
  errorMessage: string;
  /** Tencent's documented meaning. */
  description: string;
  /** `true` where the code is attested by a single vendor copy or one doc revision only, or the docs list it but the real SDK lacks it. */
  unconfirmed?: boolean;
}

/** The one table of client errorCodes. */
export const CLIENT_ERROR_CODES: Readonly<Record<ClientErrorCode, ClientErrorInfo>> = {
  1001: { code: 1001, name: 'ENTRYJS_LOAD_ERROR', errorMessage: 'jsload_error', description: 'The SDK script (TCaptcha.js / TJCaptcha.js / TJNCaptcha-global.js) failed to load' },
  1002: { code: 1002, name: 'CAPTCHA_SHOW_TIMEOUT', errorMessage: 'captcha_show_timeout', description: 'show() timed out' },
  1003: { code: 1003, name: 'FRAMEJS_LOAD_TIMEOUT', errorMessage: 'framejs_load_timeout', description: 'Intermediate script load timed out (documented; the real TCaptcha.js has no 1003 and reports a hung frame script as 1002/1004)', unconfirmed: true },
  1004: { code: 1004, name: 'FRAMEJS_LOAD_ERROR', errorMessage: 'framejs_load_error', description: 'Intermediate script failed to load' },
  1005: { code: 1005, name: 'FRAMEJS_RUN_ERROR', errorMessage: 'framejs_run_error', description: 'Intermediate script threw' },
  1006: { code: 1006, name: 'GET_CAPTCHA_CONFIG_REQUEST_ERROR', errorMessage: 'get_captcha_config_request_error', description: 'Fetching the captcha configuration failed or timed out (network, account in arrears, wrong aidEncrypted)' },
  1007: { code: 1007, name: 'PRE_TEMPLATE_LOAD_TIMEOUT', errorMessage: 'pre_template_load_timeout', description: 'iframe load timed out' },
  1008: { code: 1008, name: 'IFRAME_LOAD_TIMEOUT', errorMessage: 'iframe_load_timeout', description: 'iframe failed to load (the SDK name says timeout)' },
  1009: { code: 1009, name: 'LIB_JQ_LOAD_ERROR', errorMessage: 'lib_jq_load_error', description: 'jQuery failed to load' },
  1010: { code: 1010, name: 'CAPTCHA_JS_LOAD_ERROR', errorMessage: 'captcha_js_load_error', description: 'Slider script failed to load' },
  1011: { code: 1011, name: 'CAPTCHA_JS_RUN_ERROR', errorMessage: 'captcha_js_run_error', description: 'Slider script threw' },
  1012: { code: 1012, name: 'REFRESH_ERROR', errorMessage: 'refresh_error', description: 'Refresh failed three times in a row' },
  1013: { code: 1013, name: 'VERIFY_ERROR', errorMessage: 'verify_error', description: 'Verify request failed three times in a row' },
  1014: { code: 1014, name: 'RATE_LIMIT', errorMessage: 'rate_limit', description: 'Rate limited (in the real TCaptcha.js; not in the docs)' },
  1085: { code: 1085, name: 'INVISIBLE_VERIFY_FAILED', errorMessage: 'invisible_verify_failed', description: 'Invisible verification timed out or failed (2.0 SDK)', unconfirmed: true },
};

/** Looks up a client errorCode; `undefined` for codes outside the table. */
export function describeClientErrorCode(code: number): ClientErrorInfo | undefined {
  return Object.hasOwn(CLIENT_ERROR_CODES, code) ? CLIENT_ERROR_CODES[code as ClientErrorCode] : undefined;
}

/** Whether `code` is a known client errorCode. */
export function isClientErrorCode(code: unknown): code is ClientErrorCode {
  return typeof code === 'number' && describeClientErrorCode(code) !== undefined;
}
