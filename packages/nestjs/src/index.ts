/**
 * `@tencent-captcha/nestjs`: Tencent Cloud Captcha (腾讯云验证码) for NestJS on Express and Fastify — a
 * module, a guard, `@RequireCaptcha()` / `@SkipCaptcha()` / `@CaptchaVerdict()` and an `HttpException`
 * with the same statuses and `{ code, message }` body as the other adapters. Verification and its
 * disaster-recovery policy are `@tencent-captcha/core`'s.
 *
 * @packageDocumentation
 */
export { CaptchaModule, type CaptchaModuleForRootOptions, type CaptchaModuleAsyncOptions } from './captcha.module.js';
export { CaptchaGuard } from './captcha.guard.js';
export { RequireCaptcha, SkipCaptcha, CaptchaVerdict } from './captcha.decorators.js';
export {
  CaptchaException,
  CaptchaClientClosedException,
  CLIENT_CLOSED_REQUEST_STATUS,
} from './captcha.exception.js';
export {
  CAPTCHA_MODULE_OPTIONS,
  CAPTCHA_VERIFIER,
  CAPTCHA_RESOLVED_OPTIONS,
  CAPTCHA_ROUTE_METADATA,
  CAPTCHA_VERDICT_PROPERTY,
} from './captcha.constants.js';
export { getCaptchaVerdict } from './captcha.request.js';
export {
  defaultGetTicket,
  defaultGetRandstr,
  defaultGetUserIp,
  type CaptchaModuleOptions,
  type CaptchaModuleExtras,
  type CaptchaRouteOptions,
  type RequireCaptchaOptions,
  type CaptchaRouteMetadata,
  type CaptchaHttpRequest,
  type CaptchaRequestValue,
  type CaptchaRequestGetter,
  type CaptchaSkipFunction,
  type ResolvedCaptchaModuleOptions,
} from './captcha.options.js';
