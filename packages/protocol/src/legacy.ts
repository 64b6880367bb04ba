/**
 * The legacy 天御 API v2 (`csec.api.qcloud.com/v2/index.php`) used with the `capInit` SDK:
 * HmacSHA1/HmacSHA256 signature, `CaptchaIframeQuery` and `CaptchaCheck` (protocol.md §4).
 * The same signature scheme is API 3.0's "signature v1" (protocol.md §3.6).
 */
import { hmac } from './crypto.js';
import { toBase64 } from './encoding.js';

/** Constants of the legacy API. */
export const LegacyApi = {
  host: 'csec.api.qcloud.com',
  path: '/v2/index.php',
  /** Legacy tickets stay valid this long. */
  ticketLifetimeSeconds: 20 * 60,
  /** …and are accepted for this many verifications. */
  ticketMaxChecks: 2,
  /** `code` of CaptchaCheck for a failed verification. */
  verifyFailedCode: 5100,
} as const;

/** `SignatureMethod` values. Absent means HmacSHA1. */
export type V2SignatureMethod = 'HmacSHA1' | 'HmacSHA256';

/** Input of {@link buildV2StringToSign}. */
export interface V2StringToSignInput {
  method: 'GET' | 'POST';
  host: string;
  /** e.g. `/v2/index.php`, or `/` for API 3.0 signature v1. */
  path: string;
  /** Every parameter except `Signature`. */
  params: Record<string, string | number>;
}

/** `METHOD + host + path + '?' + k=v&…` with keys sorted ASCII, `_` in keys read as `.`, raw values. */
export function buildV2StringToSign(input: V2StringToSignInput): string {
  const query = Object.keys(input.params)
    .filter((k) => k !== 'Signature')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${k.replaceAll('_', '.')}=${input.params[k]}`)
    .join('&');
  return `${input.method.toUpperCase()}${input.host}${input.path}?${query}`;
}

/** Base64 HMAC signature of a v2 string to sign. */
export async function signV2StringToSign(
  secretKey: string,
  stringToSign: string,
  method: V2SignatureMethod = 'HmacSHA1',
): Promise<string> {
  return toBase64(await hmac(secretKey, stringToSign, method === 'HmacSHA256' ? 'SHA-256' : 'SHA-1'));
}

/**
 * Signs v2 parameters. HmacSHA256 is used when `params.SignatureMethod` says so (it is then signed too).
 * Returns the Base64 signature; URL-encode it when sending.
 */
export async function signV2(input: V2StringToSignInput & { secretKey: string }): Promise<string> {
  const method: V2SignatureMethod = input.params.SignatureMethod === 'HmacSHA256' ? 'HmacSHA256' : 'HmacSHA1';
  return signV2StringToSign(input.secretKey, buildV2StringToSign(input), method);
}

/** Common parameters of every v2 call. */
export interface LegacyCommonParams {
  Action: 'CaptchaIframeQuery' | 'CaptchaCheck' | (string & {});
  /** `bj`, `gz`, `sh`, `hk`, `ca` (real code uses `gz`/`sz`). */
  Region: string;
  /** Unix seconds. */
  Timestamp: number;
  /** Random positive integer; with Timestamp it prevents replay. */
  Nonce: number;
  SecretId: string;
  SignatureMethod?: V2SignatureMethod;
  Signature: string;
}

/** `CaptchaIframeQuery` parameters (the main ones). */
export interface CaptchaIframeQueryParams {
  captchaType: number;
  disturbLevel: number;
  isHttps: 0 | 1;
  /** `1` mobile web, `2` PC web, `4` app. */
  clientType: 1 | 2 | 4;
  accountType?: number;
  appId?: string;
  uid?: string;
  businessId?: number;
  sceneId?: number;
  userIp?: string;
}

/** `CaptchaIframeQuery` answer: a single-use JS URL that defines `capInit`. */
export interface CaptchaIframeQueryResponse {
  code: number;
  codeDesc?: string;
  message: string;
  url?: string;
}

/** `CaptchaCheck` parameters (the main ones). */
export interface CaptchaCheckParams {
  ticket: string;
  captchaType: number;
  disturbLevel?: number;
  userIp: string;
  accountType?: number;
  businessId?: number;
  sceneId?: number;
}

/** `CaptchaCheck` answer: `code` 0 passed, 5100 failed, other = request error. */
export interface CaptchaCheckResponse {
  code: number;
  codeDesc?: string;
  message: string;
  is_right?: number;
}

/** Legacy `code` values (protocol.md §4.9). */
export const LEGACY_CODES: ReadonlyMap<number, string> = /* @__PURE__ */ new Map([
  [0, 'Success'],
  [4000, 'Invalid parameters'],
  [4100, 'Authentication failed'],
  [4101, 'Sub-account not authorised for the API'],
  [4102, 'Sub-account not authorised for the resource'],
  [4103, 'Sub-account not authorised for the resource of the API'],
  [4104, 'Key not found'],
  [4105, 'Token error'],
  [4106, 'MFA failed'],
  [4110, 'Other CAM failure'],
  [4300, 'Access denied'],
  [4400, 'Quota exceeded'],
  [4500, 'Replay: Nonce reused or Timestamp off by more than 5 minutes'],
  [4600, 'Protocol unsupported'],
  [5000, 'Resource not found'],
  [5100, 'Resource operation failed (captcha verification failed)'],
  [5200, 'Purchase failed'],
  [5300, 'Insufficient balance'],
  [5400, 'Partial success'],
  [5500, 'Qualification check failed'],
  [6000, 'Internal error'],
  [6100, 'Version unsupported'],
  [6200, 'API temporarily unavailable'],
]);
