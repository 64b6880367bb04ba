/**
 * `@tencent-captcha/core`: server-side verification of Tencent Cloud Captcha tickets
 * (`DescribeCaptchaResult`) with a disaster-recovery policy that fails open safely.
 *
 * @packageDocumentation
 */
export {
  VerdictStatus,
  CaptchaMode,
  PolicyBranch,
  BreakerState,
  type CaptchaVerdict,
  type CaptchaVerifier,
  type VerifyInput,
  type VerifyOptions,
  type VerifyRequestFields,
  type VerdictApiError,
  type VerdictDisasterTicket,
} from './verdict.js';
export {
  PolicyReason,
  VERDICT_REASONS,
  describeVerdictReason,
  reasonForCaptchaCode,
  httpStatusForVerdict,
  verdictResponseBody,
  httpResponseForVerdict,
  type VerdictReason,
  type VerdictReasonLike,
  type VerdictReasonInfo,
  type VerdictHttpStatus,
  type VerdictResponseBody,
  type VerdictHttpResponse,
} from './reasons.js';
export {
  ENV,
  DEFAULT_ENDPOINT,
  CaptchaConfigError,
  CaptchaConfigErrorCode,
  isCaptchaConfigError,
  assertKnownKeys,
  CAPTCHA_VERIFIER_OPTION_KEYS,
  rateLimitedLogger,
  type CaptchaLogTarget,
  type CaptchaVerifierOptions,
  type ResolvedCaptchaVerifierOptions,
  type CaptchaBudgetOptions,
  type CaptchaDisasterTicketOptions,
  type CaptchaBreakerOptions,
  type CaptchaRetryOptions,
  type CaptchaHooks,
  type CaptchaLogger,
  type FetchLike,
  type VerdictEvent,
  type BreakerEvent,
  type BudgetExhaustedEvent,
  type MisconfigurationEvent,
  type StoreErrorEvent,
} from './options.js';
export {
  isCaptchaStore,
  CaptchaStoreError,
  type CaptchaStoreErrorCode,
  type CaptchaStore,
  type BudgetCounter,
  type DegradedAcceptanceRequest,
  type DegradedAcceptanceResult,
  type TicketClaimRequest,
  type TicketClaimResult,
  type StoreCallOptions,
} from './store.js';
export { CAPTCHA_FIELD_NAMES, CAPTCHA_HEADER_NAMES } from './fields.js';
export {
  extractCaptchaField,
  extractCaptchaFields,
  MALFORMED_FIELD_VALUE,
  type CaptchaFieldName,
  type CaptchaFieldMalformedReason,
  type CaptchaFieldExtraction,
  type CaptchaFieldSource,
  type CaptchaFieldsSource,
  type ExtractedCaptchaFields,
} from './extract.js';
export { isValidBudgetScope, sanitizeBudgetScope, routeBudgetScope, declaredMethod } from './adapters/budget-scope.js';
export { createCaptchaVerifier } from './verifier.js';
export {
  TelemetryMetric,
  type CaptchaTelemetryOptions,
  type TelemetryMeterProvider,
  type TelemetryTracerProvider,
  type TraceHeaders,
} from './telemetry.js';
export {
  CheckStatus,
  CheckName,
  formatCheckReport,
  type CaptchaCheck,
  type CaptchaCheckReport,
  type CheckOptions,
} from './doctor.js';
export { createMemoryStore, type MemoryStore, type MemoryStoreOptions } from './stores/memory.js';
export {
  createRedisStore,
  ACCEPT_DEGRADED_SCRIPT,
  CLAIM_TICKET_SCRIPT,
  type RedisStore,
  type RedisScriptClient,
  type IoRedisScriptClient,
  type NodeRedisScriptClient,
  type NodeRedisEvalOptions,
  type RedisStoreOptions,
} from './stores/redis.js';
export {
  buildAidEncrypted,
  decryptAidEncrypted,
  type AidEncryptedType,
  type AidEncryptedOptions,
  type AidEncryptedResult,
  type AidEncryptedPayload,
  type DecryptAidEncryptedOptions,
} from './aid-encrypted.js';
export { MAX_TICKET_LENGTH, MAX_RANDSTR_LENGTH } from './input.js';
export {
  verifyFetchRequest,
  createVerdictResponse,
  readCaptchaFields,
  fetchRequestBudgetScope,
  forwardedClientIp,
  type FetchRequestOptions,
  type CaptchaRequestFields,
  type RequestFieldValue,
} from './adapters/fetch.js';
export {
  captchaMiddleware,
  type CaptchaMiddlewareOptions,
  type NodeMiddleware,
  type CaptchaRequestHandler,
  type NodeRequestLike,
  type NodeResponseLike,
} from './adapters/express.js';
export {
  createLegacyCaptchaVerifier,
  type LegacyCaptchaVerifier,
} from './legacy/verifier.js';
export {
  DEFAULT_LEGACY_ENDPOINT,
  type LegacyCaptchaVerifierOptions,
  type ResolvedLegacyOptions,
} from './legacy/options.js';
export {
  LegacyScriptUrlError,
  LegacyScriptUrlErrorCode,
  detectLegacyClientType,
  type LegacyScriptUrlInput,
  type LegacyScriptUrlOptions,
} from './legacy/script-url.js';
