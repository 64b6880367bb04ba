/**
 * `@tencent-captcha/protocol`: the shared vocabulary of Tencent Cloud Captcha. Types of the browser
 * SDK and of `DescribeCaptchaResult`, the CaptchaCode and client errorCode tables, disaster tickets,
 * TC3-HMAC-SHA256 and the legacy v2 signature. No dependencies; browser, Node and edge runtimes.
 *
 * @packageDocumentation
 */
export {
  SdkUrl,
  USER_LANGUAGES,
  LEGACY_LAYOUT,
  type CaptchaType,
  type SdkElement,
  type SdkDocument,
  type TencentCaptchaOptions,
  type TencentCaptchaResult,
  type TencentCaptchaCallback,
  type TencentCaptchaInstance,
  type TencentCaptchaConstructor,
  type UserLanguage,
  type LegacyCapInitOptions,
  type LegacyCaptchaResult,
  type LegacyCaptchaGlobals,
} from './sdk.js';
export {
  ClientErrorCode,
  CLIENT_ERROR_CODES,
  describeClientErrorCode,
  isClientErrorCode,
  type ClientErrorInfo,
} from './client-error-codes.js';
export {
  CaptchaCode,
  CaptchaCodeKind,
  CAPTCHA_CODES,
  UNKNOWN_CAPTCHA_CODE_REASON,
  describeCaptchaCode,
  type CaptchaCodeInfo,
  type CaptchaCodeReason,
} from './captcha-codes.js';
export {
  CaptchaApi,
  ApiErrorCode,
  ApiErrorKind,
  classifyApiError,
  isApiErrorResponse,
  type DescribeCaptchaResultRequest,
  type DescribeCaptchaResultResponse,
  type DescribeCaptchaResultEnvelope,
  type TencentApiError,
  type TencentApiErrorResponse,
} from './api.js';
export {
  DISASTER_TICKET_PREFIXES,
  DisasterTicketError,
  disasterTicketPrefix,
  isDisasterTicket,
  parseDisasterTicket,
  buildDisasterTicket,
  formatDisasterTicket,
  createDisasterRandstr,
  createDisasterResult,
  type DisasterTicket,
  type DisasterTicketPrefix,
  type DisasterTicketParseResult,
  type BuildDisasterTicketInput,
  type DisasterResultInput,
} from './disaster-ticket.js';
export {
  TC3_ALGORITHM,
  tc3Date,
  signTc3,
  createTc3Signer,
  deriveTc3SigningKey,
  signTc3StringToSign,
  buildTc3CanonicalRequest,
  buildTc3StringToSign,
  parseTc3Authorization,
  verifyTc3Request,
  type Tc3SignInput,
  type Tc3Signature,
  type Tc3Signer,
  type Tc3SignerOptions,
  type Tc3SignerRequest,
  type Tc3Authorization,
  type Tc3VerifyInput,
  type Tc3VerifyResult,
} from './tc3.js';
export {
  LegacyApi,
  LEGACY_CODES,
  buildV2StringToSign,
  signV2,
  signV2StringToSign,
  type V2SignatureMethod,
  type V2StringToSignInput,
  type LegacyCommonParams,
  type CaptchaIframeQueryParams,
  type CaptchaIframeQueryResponse,
  type CaptchaCheckParams,
  type CaptchaCheckResponse,
} from './legacy.js';
export { sha256Hex, hmac, importHmacKey, type HmacKey } from './crypto.js';
export { toHex, fromHex, toBase64, fromBase64, utf8, timingSafeEqualString } from './encoding.js';
