/**
 * Where a ticket and randstr travel from the browser to the server. The `<tencent-captcha>` element
 * submits them with its form under these field names; clients that call APIs directly can send the
 * headers instead. Adapters read both by default, by one rule (`extractCaptchaFields` in
 * `extract.ts`): a body that carries the field decides; the header counts only when it does not.
 */

/** Form / JSON field names the `<tencent-captcha>` element submits by default. */
export const CAPTCHA_FIELD_NAMES = {
  ticket: 'tencent-captcha-ticket',
  randstr: 'tencent-captcha-randstr',
} as const;

/** Request header names adapters also accept (lower case). */
export const CAPTCHA_HEADER_NAMES = {
  ticket: 'x-tencent-captcha-ticket',
  randstr: 'x-tencent-captcha-randstr',
} as const;
