/**
 * `@tencent-captcha/emulator`: an offline stand-in for Tencent Cloud Captcha (腾讯云验证码) — the
 * browser SDK (`TCaptcha.js` / `TJCaptcha.js`), `DescribeCaptchaResult` with TC3 signatures, and the
 * legacy v2 API — with fault injection from code and over a JSON control endpoint.
 *
 * @packageDocumentation
 */
export { createEmulator, type Emulator, type EmulatorSdkUrls, type EmulatorTemporaryKeys, type TemporaryKeyStats } from './emulator.js';
export { TOKEN_FAILURE, type TemporaryKey, type TokenProblem } from './temporary-keys.js';
export { METADATA_ROLE_PATH } from './metadata.js';
export { StsApi } from './api/sts.js';
export { DEMO_CREDENTIALS, DEMO_ROLE, type EmulatorOptions, type EmulatorApp } from './options.js';
export { EmulatorError, EmulatorErrorCode } from './errors.js';
export {
  FaultTarget,
  ApiFaultKind,
  SdkFaultKind,
  SDK_SHOW_TIMEOUT_MS,
  SDK_FRAME_RETRY_MS,
  checkApiFault,
  checkSdkFault,
  parseFaultCommand,
  type ApiFault,
  type SdkFault,
  type FaultFor,
  type FaultDelay,
  type FaultStep,
  type FaultQueueEntry,
  type FaultState,
  type FaultCommand,
  type FaultCheck,
  type FaultController,
  type SetFaultOptions,
  type SdkCallSite,
} from './faults.js';
export { type IssueTicketOptions, type IssuedTicket } from './tickets.js';
export type { EmulatorHook, HookResult } from './browser/automation.js';
export { ControlErrorCode } from './control.js';
export { SDK_SCRIPTS, CHALLENGE_TOLERANCE } from './sdk-routes.js';
export { API_ERROR_MESSAGES, type ApiEnvelope } from './api/describe-captcha-result.js';
