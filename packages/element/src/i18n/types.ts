/**
 * The element's user-visible strings: English built in (also for `en-in`), Tencent's other 30
 * languages as modules in `dist/locales/`; override or add languages with `registerTranslation()`.
 * The status messages (read out by the `role="status"` live region) are keyed by the status they describe.
 */
export interface TencentCaptchaStrings {
  /** Name of the default trigger button. */
  trigger: string;
  /** Name of the trigger button once verified. */
  triggerVerified: string;
  /** Name of the trigger button after the captcha was closed or fell back. */
  triggerRetry: string;
  /** Validation message while `required` and not verified. */
  required: string;
  /** Status: the script is loading. */
  loading: string;
  /** Status: the challenge is shown. */
  verifying: string;
  /** Status: solved. */
  verified: string;
  /** Status: a disaster ticket stands in; the form can be submitted. */
  fallback: string;
  /** Status: the user closed the challenge. */
  closed: string;
  /** Status: misconfigured. */
  error: string;
  /** Status: the ticket expired and was dropped; verify again. Falls back to English when a registered translation lacks it. */
  expired?: string;
  /** Status: a disaster ticket stands in but Tencent could not load this app's configuration (errorCode 1006), so the server will probably refuse it. Falls back to English when missing. */
  fallbackUnavailable?: string;
}
