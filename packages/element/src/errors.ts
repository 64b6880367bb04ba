const BRAND = Symbol.for('@tencent-captcha/element.TencentCaptchaError');

/** Why {@link TencentCaptchaError} was thrown or a `verify()` promise rejected. */
export const TencentCaptchaErrorCode = {
  /** The user closed the challenge. */
  Closed: 'closed',
  /** `reset()`, `destroy()`, a form reset or disconnecting the element cancelled the verification. */
  Cancelled: 'cancelled',
  /** The element (or its fieldset) is disabled. */
  Disabled: 'disabled',
  /** The element is misconfigured: `app-id` missing or not numeric, or no `src` for the legacy SDK. */
  Misconfigured: 'misconfigured',
} as const;
/** One of {@link TencentCaptchaErrorCode}'s values. */
export type TencentCaptchaErrorCode = (typeof TencentCaptchaErrorCode)[keyof typeof TencentCaptchaErrorCode];

/**
 * The one error the element throws (or rejects `verify()` with). A captcha that could not load is not
 * an error: it resolves as a fallback with a disaster ticket.
 */
export class TencentCaptchaError extends Error {
  /** Stable machine-readable reason. */
  readonly code: TencentCaptchaErrorCode;

  constructor(code: TencentCaptchaErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TencentCaptchaError';
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** Whether `error` is a {@link TencentCaptchaError}, even one from another copy of this package. */
  static is(error: unknown): error is TencentCaptchaError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
  }
}
