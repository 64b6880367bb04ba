/**
 * `@tencent-captcha/core`: server-side verification of Tencent Cloud Captcha tickets
 * (`DescribeCaptchaResult`) with a disaster-recovery policy that fails open safely.
 *
 * @packageDocumentation
 */
export { VerdictStatus } from './types/reasons.js';
export { CaptchaMode, PolicyBranch, BreakerState, type CaptchaVerdict, type VerifyInput, type VerifyOptions, type VerifyRequestFields, type VerdictApiError, type VerdictDisasterTicket } from './types/verdict.js';
export { type CaptchaVerifier } from './types/verifier.js';
export { PolicyReason, type VerdictReason, type VerdictReasonLike } from './types/reasons.js';
export { VERDICT_REASONS, describeVerdictReason, reasonForCaptchaCode, httpStatusForVerdict, verdictResponseBody, httpResponseForVerdict, type VerdictResponseBody, type VerdictHttpResponse } from './decision/reasons.js';
export { type VerdictReasonInfo, type VerdictHttpStatus } from './types/reasons.js';
export { ENV, DEFAULT_ENDPOINT } from './config/credentials.js';
export { CaptchaConfigError, CaptchaConfigErrorCode, isCaptchaConfigError } from './config/errors.js';
export { assertKnownKeys } from './config/validate.js';
export { CAPTCHA_VERIFIER_OPTION_KEYS } from './config/options.js';
export { rateLimitedLogger } from './operations/logging.js';
export { type CaptchaLogTarget, type CaptchaVerifierOptions, type ResolvedCaptchaVerifierOptions, type CaptchaBudgetOptions, type CaptchaDisasterTicketOptions, type CaptchaBreakerOptions, type CaptchaRetryOptions, type CaptchaHooks, type CaptchaLogger, type FetchLike, type VerdictEvent, type BreakerEvent, type BudgetExhaustedEvent, type MisconfigurationEvent, type StoreErrorEvent } from './types/options.js';
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
} from './stores/contract.js';
export { CAPTCHA_FIELD_NAMES, CAPTCHA_HEADER_NAMES } from './adapters/fields.js';
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
} from './adapters/extract.js';
export { isValidBudgetScope, sanitizeBudgetScope, routeBudgetScope, declaredMethod } from './adapters/budget-scope.js';
export { singleUseRefusal } from './adapters/single-use.js';
export { normalizeClientIp } from './adapters/client-ip.js';
export { createCaptchaVerifier } from './engine/verifier.js';
export { createLazyCaptchaVerifier } from './engine/lazy-verifier.js';
export { TelemetryMetric } from './operations/telemetry.js';
export { type CaptchaTelemetryOptions, type TelemetryMeterProvider, type TelemetryTracerProvider, type TraceHeaders } from './types/telemetry.js';
export { CheckStatus, CheckName, type CaptchaCheck, type CaptchaCheckReport, type CheckOptions } from './types/check.js';
export { formatCheckReport } from './operations/doctor.js';
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
} from './config/aid-encrypted.js';
export { MAX_TICKET_LENGTH, MAX_RANDSTR_LENGTH } from './decision/input.js';
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
export {
  CredentialProviderError,
  type TencentCloudCredential,
  type ProvidedCredential,
  type CredentialProvider,
  type CredentialsOption,
} from './credentials/types.js';
export { fromEnv, CREDENTIAL_ENV, type FromEnvOptions } from './credentials/env.js';
export { fromProfile, PROFILE_PATHS, type FromProfileOptions } from './credentials/profile.js';
export { fromCvmRole, DEFAULT_METADATA_URL, type FromCvmRoleOptions } from './credentials/cvm-role.js';
export {
  fromStsAssumeRole,
  fromTkeOidc,
  DEFAULT_STS_ENDPOINT,
  TKE_ENV,
  type FromStsAssumeRoleOptions,
  type FromTkeOidcOptions,
} from './credentials/sts.js';
export { defaultCredentialChain, type DefaultCredentialChainOptions } from './credentials/chain.js';
export type { ProviderFetch } from './credentials/http-get.js';
