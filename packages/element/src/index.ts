/**
 * `@tencent-captcha/element`: the `<tencent-captcha>` custom element. Importing this entry has no side
 * effects (safe on a server); `@tencent-captcha/element/define` registers the tag.
 *
 * @packageDocumentation
 */
export {
  TencentCaptchaElement,
  CaptchaRegion,
  DEFAULT_FIELD_PREFIX,
  DEFAULT_SHOW_TIMEOUT,
  DEFAULT_TICKET_LIFETIME,
  MOBILE_QUERY,
  fieldNames,
} from './tencent-captcha.js';
export { CaptchaStatus } from './status.js';
export { PreloadMode, DEFAULT_PRELOAD } from './preload.js';
export {
  TencentCaptchaVerifiedEvent,
  TencentCaptchaFallbackEvent,
  TencentCaptchaClosedEvent,
  TencentCaptchaExpiredEvent,
  FallbackReason,
  type TencentCaptchaEventMap,
  type TencentCaptchaVerification,
  type VerifiedDetail,
  type FallbackDetail,
  type ClosedDetail,
  type ExpiredDetail,
  type CaptchaDriverName,
} from './events.js';
export { TencentCaptchaError, TencentCaptchaErrorCode } from './errors.js';
export {
  loadTencentSdk,
  loadLegacySdk,
  SdkLoadError,
  SdkLoadErrorKind,
  DEFAULT_LOAD_TIMEOUT,
  LOAD_RETRY_DELAY,
  type LoadSdkOptions,
} from './sdk-loader.js';
export { toUserLanguage } from './drivers/modern.js';
export { disasterTicketPrefixFor } from './drivers/driver.js';
export { legacyLayout } from './drivers/legacy-layout.js';
export { registerTranslation, type TencentCaptchaStrings } from './i18n/index.js';
export type { TencentCaptchaTemplateProps } from './template-props.js';
