/**
 * `DescribeCaptchaResult` (API 3.0, version 2019-07-22): request, response and error envelope
 * (protocol.md §2).
 */

/** Constants of the captcha API. */
export const CaptchaApi = {
  host: 'captcha.tencentcloudapi.com',
  /** International site host. */
  internationalHost: 'captcha.intl.tencentcloudapi.com',
  /** Service name used in TC3 signing. */
  service: 'captcha',
  version: '2019-07-22',
  action: 'DescribeCaptchaResult',
  /** `CaptchaType` is fixed. */
  captchaType: 9,
  /** Tickets live this long and are single use. */
  ticketLifetimeSeconds: 300,
  /** The signature timestamp may be off by this much. */
  signatureSkewSeconds: 300,
} as const;

/** The JSON body of a `DescribeCaptchaResult` request. */
export interface DescribeCaptchaResultRequest {
  /** Fixed `9`. */
  CaptchaType: 9;
  Ticket: string;
  /** The end user's public IP as seen by your server. */
  UserIp: string;
  Randstr: string;
  /** Sent as a JSON number. */
  CaptchaAppId: number;
  /** Server-side secret; never log it. */
  AppSecretKey: string;
  BusinessId?: number;
  SceneId?: number;
  MacAddress?: string;
  Imei?: string;
  /** `1` returns `GetCaptchaTime`. */
  NeedGetCaptchaTime?: 0 | 1;
}

/** `Response` of a successful call (any CaptchaCode). */
export interface DescribeCaptchaResultResponse {
  /** Only `1` means pass. */
  CaptchaCode: number;
  CaptchaMsg?: string | null;
  /** `0` no malice, `100` malicious (invisible mode). */
  EvilLevel?: number | null;
  GetCaptchaTime?: number | null;
  EvilBitmap?: number | null;
  SubmitCaptchaTime?: number;
  DeviceRiskCategory?: string | null;
  /** 0–100, higher is riskier (newer models). */
  Score?: number;
  RequestId: string;
}

/** `Response.Error` of a failed call (HTTP 200). */
export interface TencentApiError {
  Code: string;
  Message: string;
}

/** `Response` of a failed call. */
export interface TencentApiErrorResponse {
  Error: TencentApiError;
  RequestId: string;
}

/** The whole JSON answer; some examples carry `retcode`/`retmsg` beside `Response`. */
export interface DescribeCaptchaResultEnvelope {
  Response: DescribeCaptchaResultResponse | TencentApiErrorResponse;
  retcode?: number;
  retmsg?: string;
}

/** Whether a `Response` is the error form. */
export function isApiErrorResponse(r: DescribeCaptchaResultEnvelope['Response']): r is TencentApiErrorResponse {
  return typeof r === 'object' && r !== null && 'Error' in r && typeof (r as TencentApiErrorResponse).Error === 'object';
}

/** API error codes this project names (protocol.md §2.6). Unknown codes are handled generically. */
export const ApiErrorCode = {
  InternalError: 'InternalError',
  InvalidParameter: 'InvalidParameter',
  InvalidParameterValue: 'InvalidParameterValue',
  MissingParameter: 'MissingParameter',
  InvalidAction: 'InvalidAction',
  NoSuchVersion: 'NoSuchVersion',
  RequestLimitExceeded: 'RequestLimitExceeded',
  AuthFailureSignatureFailure: 'AuthFailure.SignatureFailure',
  AuthFailureSignatureExpire: 'AuthFailure.SignatureExpire',
  AuthFailureInvalidAuthorization: 'AuthFailure.InvalidAuthorization',
  AuthFailureSecretIdNotFound: 'AuthFailure.SecretIdNotFound',
  UnauthorizedOperationErrAuth: 'UnauthorizedOperation.ErrAuth',
  UnauthorizedOperationUnauthorized: 'UnauthorizedOperation.Unauthorized',
} as const;

/** What an API error code says about the call. */
export const ApiErrorKind = {
  /** Tencent failed; the answer is unknown (`InternalError`). */
  Unavailable: 'unavailable',
  /** Throttled. An attacker can cause it by flooding, so it never opens the gate. */
  RateLimited: 'rate_limited',
  /** Our credentials, clock, account or code are wrong (`AuthFailure.*`, `UnauthorizedOperation.*`, …). */
  Misconfigured: 'misconfigured',
  /** The request's parameters were refused (`InvalidParameter`, `MissingParameter`). */
  BadRequest: 'bad_request',
} as const;
/** One of {@link ApiErrorKind}'s values. */
export type ApiErrorKind = (typeof ApiErrorKind)[keyof typeof ApiErrorKind];

/** Classifies a `Response.Error.Code`. */
export function classifyApiError(code: string): ApiErrorKind {
  if (code === 'InternalError' || code.startsWith('InternalError.') || code === 'FailedOperation') return 'unavailable';
  if (code === 'RequestLimitExceeded' || code.startsWith('RequestLimitExceeded.') || code === 'LimitExceeded') return 'rate_limited';
  if (code.startsWith('InvalidParameter') || code === 'MissingParameter' || code === 'InvalidRequest') return 'bad_request';
  return 'misconfigured';
}
