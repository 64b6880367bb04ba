/**
 * One signed request to the legacy v2 API (protocol.md §4.3, §4.8): the common parameters with a fresh
 * `Timestamp` and `Nonce` each time, the v2 signature over `POST + host + path + ? + sorted raw k=v`,
 * sent as a form body. Shared by `CaptchaCheck` and `CaptchaIframeQuery`.
 */
import { buildV2StringToSign, signV2StringToSign, type V2SignatureMethod } from '@tencent-captcha/protocol';
import type { SigningKey } from '../network/describe-captcha-result.js';

/** What every legacy request is signed with. */
export interface LegacySigningContext {
  /** `host[:port]` of the endpoint, as signed. */
  host: string;
  /** Path of the endpoint, as signed (`/v2/index.php`). */
  path: string;
  region: string;
  signatureMethod: V2SignatureMethod;
  /** Unix milliseconds. */
  now: () => number;
}

/**
 * A `Nonce`: a random positive 63-bit integer, as the official v2 SDK draws (`randint(1, maxsize)`).
 * Tencent refuses a Nonce seen again within the timestamp window, so a small range would collide
 * under load.
 */
export function createNonce(): string {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  const value = ((BigInt(words[0]! & 0x7fffffff) << 32n) | BigInt(words[1]!)) || 1n;
  return value.toString();
}

/** Signs v2 parameters as one request of `method` to `host` + `path`. Exported for the signing vectors. */
export async function signLegacyParams(input: {
  method: 'GET' | 'POST';
  host: string;
  path: string;
  params: Record<string, string | number>;
  secretKey: string;
  signatureMethod: V2SignatureMethod;
}): Promise<string> {
  const stringToSign = buildV2StringToSign({ method: input.method, host: input.host, path: input.path, params: input.params });
  return signV2StringToSign(input.secretKey, stringToSign, input.signatureMethod);
}

/**
 * The form body of one request: the action's parameters, the common ones (fresh `Timestamp`, fresh
 * `Nonce`, `Region`, `SecretId`; `SignatureMethod` only for HmacSHA256: absent means HmacSHA1, as in
 * the legacy docs' examples; a temporary key's `Token`, signed like every parameter) and the
 * `Signature`. The secret key is used for the HMAC only; it never appears in the body.
 */
export async function buildLegacyForm(
  context: LegacySigningContext,
  key: SigningKey,
  action: string,
  actionParams: Record<string, string | number>,
): Promise<string> {
  const params: Record<string, string | number> = {
    ...actionParams,
    Action: action,
    Region: context.region,
    Timestamp: Math.floor(context.now() / 1000),
    Nonce: createNonce(),
    SecretId: key.secretId,
    ...(context.signatureMethod === 'HmacSHA256' ? { SignatureMethod: 'HmacSHA256' } : {}),
    ...(key.token !== undefined ? { Token: key.token } : {}),
  };
  const signature = await signLegacyParams({
    method: 'POST',
    host: context.host,
    path: context.path,
    params,
    secretKey: key.secretKey,
    signatureMethod: context.signatureMethod,
  });
  const form = new URLSearchParams();
  for (const key of Object.keys(params)) form.append(key, String(params[key]));
  form.append('Signature', signature);
  return form.toString();
}

/** Headers of a legacy form POST. */
export const LEGACY_FORM_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/x-www-form-urlencoded',
  accept: 'application/json',
});

/**
 * What a legacy `code` (protocol.md §4.9) says about our request, in the API-error kinds the policy
 * knows: a flood can cause 4400 (quota), Tencent failing is 6000/6200, our parameters are 4000, and
 * everything else (signature, key, permissions, replay window — our clock —, balance, version) is our
 * configuration.
 */
export function classifyLegacyCode(code: number): 'bad_request' | 'rate_limited' | 'unavailable' | 'misconfigured' {
  if (code === 4000) return 'bad_request';
  if (code === 4400) return 'rate_limited';
  if (code === 6000 || code === 6200) return 'unavailable';
  return 'misconfigured';
}
