/**
 * `@tencent-captcha/koa`: Koa middleware that verifies Tencent Cloud Captcha (腾讯云验证码) tickets
 * with `@tencent-captcha/core`'s verifier and its safe disaster-recovery policy.
 *
 * @packageDocumentation
 */
export {
  tencentCaptcha,
  defaultGetTicket,
  defaultGetRandstr,
  defaultGetUserIp,
  type TencentCaptchaMiddleware,
} from './middleware.js';
export type {
  TencentCaptchaOptions,
  TencentCaptchaVerifierOptions,
  TencentCaptchaOwnVerifierOptions,
  KoaCaptchaAdapterOptions,
  CaptchaContext,
  CaptchaFieldValue,
  MaybePromise,
} from './options.js';
export {
  CAPTCHA_HTTP_ERROR_TYPE,
  isCaptchaHttpError,
  type CaptchaHttpError,
  type ClientAbortError,
} from './errors.js';
