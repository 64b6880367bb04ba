/**
 * TC3-HMAC-SHA256, Tencent Cloud API 3.0's signature (protocol.md §3), over WebCrypto so it runs in
 * browsers, Node and edge runtimes. `signTc3` signs; `createTc3Signer` caches the per-day signing
 * key; `verifyTc3Request` checks a request the way Tencent does (used by the emulator).
 */
import { hmac, importHmacKey, sha256Hex, type HmacKey } from './crypto.js';
import { timingSafeEqualString, toHex } from './encoding.js';

/** The algorithm name in `Authorization`. */
export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';

/** Input of {@link signTc3}. */
export interface Tc3SignInput {
  secretId: string;
  secretKey: string;
  /** Service name, e.g. `captcha` (the host's first label). */
  service: string;
  /** Host header value, e.g. `captcha.tencentcloudapi.com`. */
  host: string;
  /** Unix seconds; also `X-TC-Timestamp`. The credential date is its UTC date. */
  timestamp: number;
  /** The exact request body (empty for GET). */
  payload: string;
  /** @default 'POST' */
  method?: 'POST' | 'GET';
  /** Canonical (RFC 3986 encoded) query string, GET only. @default '' */
  query?: string;
  /** Must equal the header you send. @default 'application/json' */
  contentType?: string;
  /** Further headers to sign besides content-type and host (e.g. `{ 'x-tc-action': 'DescribeCaptchaResult' }`). */
  extraSignedHeaders?: Record<string, string>;
}

/** Everything a TC3 signature is made of, for sending and for debugging. */
export interface Tc3Signature {
  /** The `Authorization` header value. */
  authorization: string;
  /** Lower-case hex signature. */
  signature: string;
  /** UTC date of the timestamp, `YYYY-MM-DD`. */
  date: string;
  signedHeaders: string;
  canonicalRequest: string;
  stringToSign: string;
  hashedPayload: string;
}

/** UTC date (`YYYY-MM-DD`) of a Unix-seconds timestamp. */
export function tc3Date(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

/** Headers as they enter the canonical request: lower-cased keys and values, trimmed, sorted. */
function canonicalHeaders(headers: Record<string, string>): { canonical: string; signed: string } {
  const entries = Object.entries(headers)
    .map(([k, v]) => [k.toLowerCase().trim(), v.toLowerCase().trim()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    canonical: entries.map(([k, v]) => `${k}:${v}\n`).join(''),
    signed: entries.map(([k]) => k).join(';'),
  };
}

/** The canonical request of protocol.md §3.2. */
export function buildTc3CanonicalRequest(input: {
  method: string;
  query?: string;
  headers: Record<string, string>;
  hashedPayload: string;
}): { canonicalRequest: string; signedHeaders: string } {
  const { canonical, signed } = canonicalHeaders(input.headers);
  return {
    canonicalRequest: [input.method.toUpperCase(), '/', input.query ?? '', canonical, signed, input.hashedPayload].join('\n'),
    signedHeaders: signed,
  };
}

/** The string to sign of protocol.md §3.2. */
export async function buildTc3StringToSign(timestamp: number, service: string, canonicalRequest: string): Promise<string> {
  return `${TC3_ALGORITHM}\n${timestamp}\n${tc3Date(timestamp)}/${service}/tc3_request\n${await sha256Hex(canonicalRequest)}`;
}

/** SecretSigning = HMAC(HMAC(HMAC("TC3" + key, date), service), "tc3_request"). */
export async function deriveTc3SigningKey(secretKey: string, date: string, service: string): Promise<Uint8Array<ArrayBuffer>> {
  const secretDate = await hmac(`TC3${secretKey}`, date);
  const secretService = await hmac(secretDate, service);
  return hmac(secretService, 'tc3_request');
}

/** The hex signature of `stringToSign` under a derived signing key (bytes or an imported HMAC key). */
export async function signTc3StringToSign(signingKey: Uint8Array | HmacKey, stringToSign: string): Promise<string> {
  return toHex(await hmac(signingKey, stringToSign));
}

function signedHeaderMap(input: Pick<Tc3SignInput, 'host' | 'contentType' | 'extraSignedHeaders'>): Record<string, string> {
  return { 'content-type': input.contentType ?? 'application/json', host: input.host, ...input.extraSignedHeaders };
}

async function assemble(
  input: Omit<Tc3SignInput, 'secretKey'>,
  sign: (date: string, stringToSign: string) => Promise<string>,
): Promise<Tc3Signature> {
  const method = input.method ?? 'POST';
  const hashedPayload = await sha256Hex(input.payload);
  const { canonicalRequest, signedHeaders } = buildTc3CanonicalRequest({
    method,
    query: method === 'GET' ? (input.query ?? '') : '',
    headers: signedHeaderMap(input),
    hashedPayload,
  });
  const date = tc3Date(input.timestamp);
  const stringToSign = await buildTc3StringToSign(input.timestamp, input.service, canonicalRequest);
  const signature = await sign(date, stringToSign);
  const authorization =
    `${TC3_ALGORITHM} Credential=${input.secretId}/${date}/${input.service}/tc3_request, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { authorization, signature, date, signedHeaders, canonicalRequest, stringToSign, hashedPayload };
}

/** Signs one request. For many requests use {@link createTc3Signer}, which derives the key once a day. */
export async function signTc3(input: Tc3SignInput): Promise<Tc3Signature> {
  return assemble(input, async (date, sts) =>
    signTc3StringToSign(await deriveTc3SigningKey(input.secretKey, date, input.service), sts),
  );
}

/** Options of {@link createTc3Signer}. */
export interface Tc3SignerOptions {
  secretId: string;
  secretKey: string;
  service: string;
  host: string;
  /** @default 'application/json' */
  contentType?: string;
}

/** Per-call input of a {@link Tc3Signer}. */
export interface Tc3SignerRequest {
  timestamp: number;
  payload: string;
  extraSignedHeaders?: Record<string, string>;
}

/** Signs requests for one credential, service and host, caching the derived key per UTC day. */
export interface Tc3Signer {
  sign(request: Tc3SignerRequest): Promise<Tc3Signature>;
}

/** Creates a {@link Tc3Signer}. The secret key stays inside the closure. */
export function createTc3Signer(options: Tc3SignerOptions): Tc3Signer {
  const { secretKey, ...rest } = options;
  let cached: { date: string; key: Promise<HmacKey> } | undefined;
  const keyFor = (date: string): Promise<HmacKey> => {
    if (cached?.date !== date) {
      const key = deriveTc3SigningKey(secretKey, date, rest.service).then((bytes) => importHmacKey(bytes));
      // A failed derivation must not stick for the whole day.
      key.catch(() => {
        if (cached?.key === key) cached = undefined;
      });
      cached = { date, key };
    }
    return cached.key;
  };
  return {
    sign: (request) =>
      assemble({ ...rest, ...request }, async (date, sts) => signTc3StringToSign(await keyFor(date), sts)),
  };
}

/** Parsed `Authorization: TC3-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. */
export interface Tc3Authorization {
  secretId: string;
  date: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses an `Authorization` header; `undefined` when it is not a well-formed TC3 one. */
export function parseTc3Authorization(header: string): Tc3Authorization | undefined {
  const m = /^TC3-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{4}-\d{2}-\d{2})\/([a-z0-9-]+)\/tc3_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
    header.trim(),
  );
  if (!m) return undefined;
  const [, secretId, date, service, signed, signature] = m as unknown as [string, string, string, string, string, string];
  return { secretId, date, service, signedHeaders: signed.split(';'), signature };
}

/** Input of {@link verifyTc3Request}. */
export interface Tc3VerifyInput {
  method: string;
  /** Raw query string without `?` (GET). */
  query?: string;
  /** Request headers; keys in any case. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The service this endpoint is. */
  service: string;
  /** Current Unix seconds. */
  now: number;
  /** @default 300 */
  maxSkewSeconds?: number;
  /** Returns the secret key of a SecretId, or `undefined` if unknown. */
  lookupSecretKey(secretId: string): string | undefined;
}

/** Result of {@link verifyTc3Request}; `code` is Tencent's error code for the failure. */
export type Tc3VerifyResult =
  | { ok: true; secretId: string; timestamp: number }
  | {
      ok: false;
      code:
        | 'AuthFailure.InvalidAuthorization'
        | 'AuthFailure.SecretIdNotFound'
        | 'AuthFailure.SignatureExpire'
        | 'AuthFailure.SignatureFailure'
        | 'MissingParameter';
      message: string;
    };

/** Checks a request's TC3 signature and timestamp as Tencent does. Never throws for bad input. */
export async function verifyTc3Request(input: Tc3VerifyInput): Promise<Tc3VerifyResult> {
  const headers = new Map<string, string>();
  for (const [k, v] of Object.entries(input.headers)) {
    if (v !== undefined) headers.set(k.toLowerCase(), Array.isArray(v) ? v.join(',') : v);
  }
  const authHeader = headers.get('authorization');
  if (!authHeader) return { ok: false, code: 'AuthFailure.InvalidAuthorization', message: 'Authorization header is missing.' };
  const auth = parseTc3Authorization(authHeader);
  if (!auth) return { ok: false, code: 'AuthFailure.InvalidAuthorization', message: 'Authorization header is not a valid TC3-HMAC-SHA256 authorization.' };
  if (auth.service !== input.service) {
    return { ok: false, code: 'AuthFailure.InvalidAuthorization', message: `Credential scope service must be \`${input.service}\`.` };
  }
  if (!auth.signedHeaders.includes('content-type') || !auth.signedHeaders.includes('host')) {
    return { ok: false, code: 'AuthFailure.InvalidAuthorization', message: 'SignedHeaders must include content-type and host.' };
  }
  const tsHeader = headers.get('x-tc-timestamp');
  if (!tsHeader) return { ok: false, code: 'MissingParameter', message: 'The request is missing a required parameter `X-TC-Timestamp`.' };
  const timestamp = /^\d{1,12}$/.test(tsHeader) ? Number(tsHeader) : Number.NaN;
  if (!Number.isFinite(timestamp)) return { ok: false, code: 'AuthFailure.InvalidAuthorization', message: 'X-TC-Timestamp is not Unix seconds.' };
  const secretKey = input.lookupSecretKey(auth.secretId);
  if (secretKey === undefined) return { ok: false, code: 'AuthFailure.SecretIdNotFound', message: 'The SecretId is not found, please ensure that your SecretId is correct.' };
  if (Math.abs(input.now - timestamp) > (input.maxSkewSeconds ?? 300)) {
    return { ok: false, code: 'AuthFailure.SignatureExpire', message: `Signature expire. Now server time is ${input.now}, request time is ${timestamp}.` };
  }
  if (auth.date !== tc3Date(timestamp)) {
    return { ok: false, code: 'AuthFailure.SignatureFailure', message: 'The credential date must be the UTC date of X-TC-Timestamp.' };
  }
  const signed: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = headers.get(name);
    if (value === undefined) return { ok: false, code: 'AuthFailure.SignatureFailure', message: `Signed header \`${name}\` is missing.` };
    signed[name] = value;
  }
  const method = input.method.toUpperCase();
  const { canonicalRequest } = buildTc3CanonicalRequest({
    method,
    query: method === 'GET' ? (input.query ?? '') : '',
    headers: signed,
    hashedPayload: await sha256Hex(input.body),
  });
  const stringToSign = await buildTc3StringToSign(timestamp, auth.service, canonicalRequest);
  const expected = await signTc3StringToSign(await deriveTc3SigningKey(secretKey, auth.date, auth.service), stringToSign);
  if (!timingSafeEqualString(expected, auth.signature)) {
    return { ok: false, code: 'AuthFailure.SignatureFailure', message: 'The provided credentials could not be validated. Please check your signature is correct.' };
  }
  return { ok: true, secretId: auth.secretId, timestamp };
}
