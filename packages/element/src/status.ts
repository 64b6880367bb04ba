/**
 * Where a `<tencent-captcha>` is in its life cycle. The element keeps exactly one of these and
 * derives its rendering, its form value and its validity from it.
 *
 * ```
 * idle ─show()─▶ loading ─▶ ready ─▶ verifying ─▶ verified | fallback | closed
 *   ▲                 └──────(script failed / timed out)──────▶ fallback
 *   ├──── reset() / destroy() / form reset ◀── any state        error: misconfigured (from connect)
 *   └──── ticket-lifetime passed (`expired` event) ◀── verified | fallback
 * ```
 */
export const CaptchaStatus = {
  /** Nothing loaded or shown yet (or reset). */
  Idle: 'idle',
  /** Tencent's script is loading. */
  Loading: 'loading',
  /** The script is loaded and the SDK instance is being created. */
  Ready: 'ready',
  /** The challenge is on screen, waiting for the user. */
  Verifying: 'verifying',
  /** The user solved the challenge: a real ticket is in the form. */
  Verified: 'verified',
  /** The captcha could not run: a disaster ticket stands in (see the `fallback` event). */
  Fallback: 'fallback',
  /** The user closed the challenge without solving it. */
  Closed: 'closed',
  /** The element is misconfigured (for instance no numeric `app-id`); nothing can be shown. */
  Error: 'error',
} as const;
/** One of {@link CaptchaStatus}'s values. */
export type CaptchaStatus = (typeof CaptchaStatus)[keyof typeof CaptchaStatus];
