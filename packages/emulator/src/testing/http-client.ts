// Test-only helpers: a raw HTTP client that shows exactly what a client observes, and a TC3 signer.
import { request } from 'node:http';
import { signTc3 } from '@tencent-captcha/protocol';

/** What a client observed. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One request over a fresh connection (no pooling, so nothing outlives the test). */
export function rawRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, agent: false, signal: init.signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Input of {@link callApi}. */
export interface CallApiInput {
  apiUrl: string;
  secretId: string;
  secretKey: string;
  body: unknown;
  /** Exact body text instead of `JSON.stringify(body)`. */
  rawBody?: string;
  timestamp?: number;
  action?: string | null;
  version?: string | null;
  contentType?: string;
  /** Host value to sign; the Host header sent is always the URL's host. @default the URL's host */
  signedHost?: string;
  service?: string;
  /** A temporary key's token, sent as `X-TC-Token`. */
  token?: string;
  signal?: AbortSignal;
}

/** Signs (TC3) and posts a DescribeCaptchaResult request; resolves with the parsed JSON and the raw response. */
export async function callApi(input: CallApiInput): Promise<RawResponse & { json: any }> {
  const url = new URL(input.apiUrl);
  const payload = input.rawBody ?? JSON.stringify(input.body);
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  const contentType = input.contentType ?? 'application/json';
  const signature = await signTc3({
    secretId: input.secretId,
    secretKey: input.secretKey,
    service: input.service ?? 'captcha',
    host: input.signedHost ?? url.host,
    timestamp,
    payload,
    contentType,
  });
  const headers: Record<string, string> = {
    'content-type': contentType,
    authorization: signature.authorization,
    'x-tc-timestamp': String(timestamp),
  };
  if (input.token !== undefined) headers['x-tc-token'] = input.token;
  if (input.action !== null) headers['x-tc-action'] = input.action ?? 'DescribeCaptchaResult';
  if (input.version !== null) headers['x-tc-version'] = input.version ?? '2019-07-22';
  const res = await rawRequest(input.apiUrl, { method: 'POST', headers, body: payload, signal: input.signal });
  let json: any;
  try {
    json = JSON.parse(res.text);
  } catch {
    json = undefined;
  }
  return { ...res, json };
}

/** A DescribeCaptchaResult body for a ticket. */
export function describeBody(input: { ticket: string; randstr: string; appId: string; appSecretKey: string; extra?: Record<string, unknown> }) {
  return {
    CaptchaType: 9,
    Ticket: input.ticket,
    UserIp: '203.0.113.7',
    Randstr: input.randstr,
    CaptchaAppId: Number(input.appId),
    AppSecretKey: input.appSecretKey,
    ...input.extra,
  };
}

/** Calls the legacy v2 API with a v2 signature (GET query, or a form POST). */
export async function callLegacy(input: {
  legacyApiUrl: string;
  secretId: string;
  secretKey: string;
  params: Record<string, string | number>;
  method?: 'GET' | 'POST';
  signatureMethod?: 'HmacSHA1' | 'HmacSHA256';
  timestamp?: number;
  nonce?: number;
  signedHost?: string;
  /** Common parameters to leave out (e.g. `Region`). */
  omit?: readonly string[];
  /** Sign with this algorithm whatever `SignatureMethod` says (to test that the server honours it). */
  signWith?: 'HmacSHA1' | 'HmacSHA256';
  signal?: AbortSignal;
}): Promise<RawResponse & { json: any }> {
  const { buildV2StringToSign, signV2, signV2StringToSign } = await import('@tencent-captcha/protocol');
  const url = new URL(input.legacyApiUrl);
  const method = input.method ?? 'GET';
  const params: Record<string, string | number> = {
    Region: 'gz',
    Timestamp: input.timestamp ?? Math.floor(Date.now() / 1000),
    Nonce: input.nonce ?? Math.floor(Math.random() * 1e9) + 1,
    SecretId: input.secretId,
    ...(input.signatureMethod ? { SignatureMethod: input.signatureMethod } : {}),
    ...input.params,
  };
  for (const key of input.omit ?? []) delete params[key];
  const toSign = { method, host: input.signedHost ?? url.host, path: url.pathname, params };
  const signature = input.signWith
    ? await signV2StringToSign(input.secretKey, buildV2StringToSign(toSign), input.signWith)
    : await signV2({ ...toSign, secretKey: input.secretKey });
  const query = new URLSearchParams(Object.entries({ ...params, Signature: signature }).map(([k, v]) => [k, String(v)])).toString();
  const res =
    method === 'GET'
      ? await rawRequest(`${input.legacyApiUrl}?${query}`, { signal: input.signal })
      : await rawRequest(input.legacyApiUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: query, signal: input.signal });
  let json: any;
  try {
    json = JSON.parse(res.text);
  } catch {
    json = undefined;
  }
  return { ...res, json };
}
