/**
 * `CaptchaConfigError`, the one error class core throws: a wrong call or configuration, never a
 * wrong ticket. Each carries a stable `code` and the option it is about.
 */

/** What is wrong with a configuration. */
export const CaptchaConfigErrorCode = {
  /** A credential (app id, app secret key, secret id, secret key) is neither given nor in the environment. */
  MissingCredential: 'missing_credential',
  /** A credential has the wrong shape (e.g. a non-numeric CaptchaAppId). */
  InvalidCredential: 'invalid_credential',
  /** `endpoint` is not an http(s) URL with path `/`. */
  InvalidEndpoint: 'invalid_endpoint',
  /** Any other option has a wrong type or is out of range. */
  InvalidOption: 'invalid_option',
} as const;
/** One of {@link CaptchaConfigErrorCode}'s values. */
export type CaptchaConfigErrorCode = (typeof CaptchaConfigErrorCode)[keyof typeof CaptchaConfigErrorCode];
export const CONFIG_ERROR_BRAND = Symbol.for('@tencent-captcha/core.CaptchaConfigError');
export function isBranded(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[CONFIG_ERROR_BRAND] === true;
}
/**
 * Thrown by `createCaptchaVerifier` (and by `verify` for invalid per-call options) when the call itself
 * is wrong. Never thrown for a ticket. The message names the option, never its value.
 * `instanceof` works across two copies of the package (brand check via `Symbol.for`).
 */
export class CaptchaConfigError extends Error {
  // The CJS build's tree-shaking makes the class anonymous (Node would print `Error [CaptchaConfigError]`);
  // the constructor names itself rather than every function being wrapped by `keepNames`.
  static {
    Object.defineProperty(this, 'name', { value: 'CaptchaConfigError' });
  }

  /** What is wrong. */
  readonly code: CaptchaConfigErrorCode;
  /** The option at fault, as a path (`budgets.perIp`). */
  readonly option: string;

  constructor(code: CaptchaConfigErrorCode, option: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CaptchaConfigError';
    this.code = code;
    this.option = option;
    Object.defineProperty(this, CONFIG_ERROR_BRAND, { value: true });
  }

  /** Whether `value` is a `CaptchaConfigError` from any copy of this package. */
  static is(value: unknown): value is CaptchaConfigError {
    return isBranded(value);
  }

  // No reference to the class's own name inside its body: bundlers would rename the class
  // (`_CaptchaConfigError`) and that is the name Node prints.
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isBranded(value);
  }
}
/** Whether `value` is a {@link CaptchaConfigError} (from any copy of the package). */
export function isCaptchaConfigError(value: unknown): value is CaptchaConfigError {
  return CaptchaConfigError.is(value);
}
