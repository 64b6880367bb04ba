/** The element's user-visible strings. Register more languages with `registerTranslation()`. */
export interface TencentCaptchaStrings {
  /** Name of the default trigger button. */
  verify: string;
  /** Name of the trigger button once verified. */
  verified: string;
  /** Name of the trigger button after the captcha was closed or fell back. */
  retry: string;
  /** Live region: the script is loading. */
  loading: string;
  /** Live region: the challenge is shown. */
  verifying: string;
  /** Live region: solved. */
  verifiedStatus: string;
  /** Live region: a disaster ticket stands in; the form can be submitted. */
  fallback: string;
  /** Live region: the user closed the challenge. */
  closed: string;
  /** Live region: misconfigured. */
  error: string;
  /** Validation message while `required` and not verified. */
  required: string;
}
