/**
 * DI tokens and metadata keys. They are registered symbols (`Symbol.for`) so that the ESM and the CJS
 * build of this package — both can end up in one app — agree on them.
 */

/**
 * DI token of the options given to `CaptchaModule.forRoot()` / `forRootAsync()`, as given.
 *
 * @example
 * ```ts
 * constructor(@Inject(CAPTCHA_MODULE_OPTIONS) options: CaptchaModuleOptions) {}
 * ```
 */
export const CAPTCHA_MODULE_OPTIONS: unique symbol = Symbol.for('@tencent-captcha/nestjs:module-options');

/**
 * DI token of the `CaptchaVerifier` the guard calls: the one given as `verifier`, or the one the module
 * created from verifier options. Inject it to verify by hand; replace it in tests with
 * `overrideProvider(CAPTCHA_VERIFIER)`.
 */
export const CAPTCHA_VERIFIER: unique symbol = Symbol.for('@tencent-captcha/nestjs:verifier');

/**
 * DI token of the adapter options after validation, with defaults filled in
 * ({@link ResolvedCaptchaModuleOptions}).
 */
export const CAPTCHA_RESOLVED_OPTIONS: unique symbol = Symbol.for('@tencent-captcha/nestjs:resolved-options');

/**
 * Metadata key `@RequireCaptcha()` and `@SkipCaptcha()` write and the guard reads, on the handler and
 * on the controller class. One key for both, so that whichever decorator sits closer to the handler wins.
 */
export const CAPTCHA_ROUTE_METADATA: unique symbol = Symbol.for('@tencent-captcha/nestjs:route');

/** Property of the request object the guard stores the verdict under (read it with `getCaptchaVerdict`). */
export const CAPTCHA_VERDICT_PROPERTY: unique symbol = Symbol.for('@tencent-captcha/nestjs:verdict');
