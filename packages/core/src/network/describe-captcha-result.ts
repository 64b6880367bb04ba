/**
 * One `DescribeCaptchaResult` call: build and sign the request (TC3, key derived once per UTC day),
 * send it, and classify whatever comes back into an {@link AttemptOutcome}. Never throws except with
 * the abort of its signal; everything else becomes an outcome.
 */
import {
  CaptchaApi,
  classifyApiError,
  createTc3Signer,
  describeCaptchaCode,
  isApiErrorResponse,
  type ApiErrorKind,
  type DescribeCaptchaResultRequest,
  type DescribeCaptchaResultResponse,
  type Tc3Signer,
} from '@tencent-captcha/protocol';
import { isConnectFailure, type Transport, type TransportControl } from './transport.js';
import { createFastTc3Signer } from './fast-sign.js';
import type { VerifyRequestFields } from '../types/verdict.js';
import { describeLocalFault, isLocalFault } from './local-fault.js';

/** What one attempt produced. */
export type AttemptOutcome =
  /** Tencent answered with a CaptchaCode. */
  | { kind: 'answer'; response: DescribeCaptchaResultResponse }
  /** Tencent answered with `Response.Error`. */
  | { kind: 'api_error'; code: string; message: string; requestId: string | null; errorKind: ApiErrorKind }
  /** No usable answer. `notSent`: the connection was never made, so Tencent cannot have seen the ticket. */
  | { kind: 'failure'; failure: 'upstream_timeout' | 'upstream_unreachable' | 'upstream_error'; detail: string; notSent: boolean }
  /**
   * Failed in this process before any byte left it (local-fault.ts): a transport that cannot run
   * here, a missing API, a signer that cannot sign. Says nothing about Tencent: `misconfigured`.
   */
  | { kind: 'local_fault'; detail: string };

/**
 * One upstream API the verifier can speak (`DescribeCaptchaResult`, or the legacy `CaptchaCheck`):
 * builds, signs and sends one attempt and classifies what comes back. Never rejects: a transport error
 * becomes a `failure` outcome (when the verifier cancelled the request it no longer listens).
 */
export interface UpstreamClient {
  /**
   * `extra` is the call's optional request fields as JSON (`,"BusinessId":1…`), already validated;
   * `''` for none. `key` is the API key to sign with (a temporary one carries its token).
   */
  call(input: { ticket: string; randstr: string; userIp: string }, control: TransportControl, extra: string, key: SigningKey): Promise<AttemptOutcome>;
}

/** The API key one request is signed with. */
export interface SigningKey {
  secretId: string;
  secretKey: string;
  /** A temporary key's session token (`X-TC-Token`, or `Token` on the legacy API). */
  token: string | undefined;
}

/** A caller of `DescribeCaptchaResult` for one endpoint and credential. */
export type DescribeCaptchaResultClient = UpstreamClient;

/** Options of {@link createDescribeCaptchaResultClient}. */
export interface DescribeCaptchaResultClientOptions {
  endpoint: string;
  captchaAppId: number;
  appSecretKey: string;
  /** A key known at creation (a static one): today's signing key is derived from it at once. */
  warmKey: SigningKey | undefined;
  transport: Transport;
  /** Unix milliseconds. */
  now: () => number;
}

/** Signs a JSON POST at a timestamp: synchronously where node:crypto is there. */
type Sign = (timestamp: number, payload: string) => string | Promise<string>;

/** Creates the client; the signer caches its derived key per UTC day. */
export function createDescribeCaptchaResultClient(options: DescribeCaptchaResultClientOptions): DescribeCaptchaResultClient {
  const host = new URL(options.endpoint).host;
  const { transport, captchaAppId, now } = options;
  // One signer per key, kept while the key is: a provider's key changes about once an hour, and the
  // date key and credential scope are then derived again (fast-sign.ts caches them per UTC day).
  let current: { secretId: string; secretKey: string; sign: Sign } | undefined;
  const signerFor = (key: SigningKey): Sign => {
    if (current && current.secretId === key.secretId && current.secretKey === key.secretKey) return current.sign;
    const signerOptions = { secretId: key.secretId, secretKey: key.secretKey, service: CaptchaApi.service, host };
    // Synchronous node:crypto signing (fast-sign.ts); protocol's WebCrypto signer where node:crypto
    // is missing (edge runtimes).
    const fast = createFastTc3Signer(signerOptions);
    const signer: Tc3Signer | null = fast ? null : createTc3Signer(signerOptions);
    const sign: Sign = fast ? (timestamp, payload) => fast.sign(timestamp, payload) : async (timestamp, payload) => (await signer!.sign({ timestamp, payload })).authorization;
    current = { secretId: key.secretId, secretKey: key.secretKey, sign };
    return sign;
  };
  // The constant tail of every body: JSON.stringify of the same object, assembled once.
  const bodyTail = `,"CaptchaAppId":${JSON.stringify(captchaAppId)},"AppSecretKey":${JSON.stringify(options.appSecretKey)}}`;
  const bodyHead = `{"CaptchaType":${CaptchaApi.captchaType},"Ticket":`;
  // Derive today's signing key and load the transport now, not on the first user's request.
  if (options.warmKey) Promise.resolve(signerFor(options.warmKey)(Math.floor(now() / 1000), '')).catch(() => undefined);
  transport.warm();

  const send = async (payload: string, timestamp: number, authorization: string, token: string | undefined, control: TransportControl): Promise<AttemptOutcome> => {
    let status: number;
    let body: string;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      authorization,
      'x-tc-action': CaptchaApi.action,
      'x-tc-version': CaptchaApi.version,
      'x-tc-timestamp': String(timestamp),
    };
    // A temporary key's token (protocol.md §3.1); not signed, as the official SDK does.
    if (token !== undefined) headers['x-tc-token'] = token;
    try {
      ({ status, body } = await transport.send({ headers, body: payload }, control));
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code === 'RESPONSE_TOO_LARGE') {
        return { kind: 'failure', failure: 'upstream_error', detail: 'answer over the size cap', notSent: false };
      }
      if (isLocalFault(error)) return { kind: 'local_fault', detail: describeLocalFault(error) };
      const notSent = isConnectFailure(error);
      return { kind: 'failure', failure: 'upstream_unreachable', detail: errorCode(error) ?? 'network error', notSent };
    }
    return classifyResponse(status, body);
  };

  return {
    async call(input, control, extra, key) {
      // Field order and escaping exactly as JSON.stringify of a DescribeCaptchaResultRequest.
      const payload = `${bodyHead}${JSON.stringify(input.ticket)},"UserIp":${JSON.stringify(input.userIp)},"Randstr":${JSON.stringify(input.randstr)}${extra === '' ? bodyTail : bodyTail.slice(0, -1) + extra + '}'}`;
      const timestamp = Math.floor(now() / 1000);
      const signed = signerFor(key)(timestamp, payload);
      const authorization = typeof signed === 'string' ? signed : await signed;
      return send(payload, timestamp, authorization, key.token, control);
    },
  };
}

function errorCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]{2,64}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Classifies an HTTP answer of the endpoint. Exported for tests. */
export function classifyResponse(status: number, body: string): AttemptOutcome {
  // Throttling said with HTTP instead of `RequestLimitExceeded`: a flood can cause it, never accepted.
  if (status === 429) {
    return { kind: 'api_error', code: 'RequestLimitExceeded', message: 'HTTP 429 Too Many Requests', requestId: null, errorKind: 'rate_limited' };
  }
  if (status < 200 || status > 299) {
    return { kind: 'failure', failure: 'upstream_error', detail: `HTTP ${status}`, notSent: false };
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { kind: 'failure', failure: 'upstream_error', detail: 'malformed JSON', notSent: false };
  }
  const response = (json as { Response?: unknown } | null)?.Response;
  if (typeof response !== 'object' || response === null) {
    return { kind: 'failure', failure: 'upstream_error', detail: 'no Response object', notSent: false };
  }
  if (isApiErrorResponse(response as never)) {
    const err = (response as { Error: { Code?: unknown; Message?: unknown } }).Error;
    const code = str(err.Code);
    if (!code) return { kind: 'failure', failure: 'upstream_error', detail: 'Error without Code', notSent: false };
    return {
      kind: 'api_error',
      code,
      message: str(err.Message) ?? '',
      requestId: str((response as { RequestId?: unknown }).RequestId),
      errorKind: classifyApiError(code),
    };
  }
  const r = response as Record<string, unknown>;
  if (typeof r.CaptchaCode !== 'number' || !Number.isInteger(r.CaptchaCode)) {
    return { kind: 'failure', failure: 'upstream_error', detail: 'no CaptchaCode', notSent: false };
  }
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const answer: DescribeCaptchaResultResponse = {
    CaptchaCode: r.CaptchaCode,
    CaptchaMsg: str(r.CaptchaMsg),
    EvilLevel: num(r.EvilLevel),
    RequestId: str(r.RequestId) ?? '',
  };
  const score = num(r.Score);
  if (score !== null) answer.Score = score;
  const submit = num(r.SubmitCaptchaTime);
  if (submit !== null) answer.SubmitCaptchaTime = submit;
  answer.GetCaptchaTime = num(r.GetCaptchaTime);
  answer.EvilBitmap = num(r.EvilBitmap);
  answer.DeviceRiskCategory = str(r.DeviceRiskCategory);
  return { kind: 'answer', response: answer };
}

/** Whether an outcome says Tencent is failing (counts towards the circuit breaker). */
export function isUpstreamFailure(outcome: AttemptOutcome): boolean {
  switch (outcome.kind) {
    case 'failure':
      return true;
    case 'local_fault':
      return false;
    case 'api_error':
      // Not `rate_limited`: a flood can cause it, and an open breaker widens the budget.
      return outcome.errorKind === 'unavailable';
    case 'answer':
      return describeCaptchaCode(outcome.response.CaptchaCode).kind === 'unavailable';
  }
}

/**
 * Whether an attempt may be retried: only where Tencent cannot have consumed the ticket — the
 * connection was never made, or Tencent said `InternalError` (tickets are single use and the API has
 * no idempotency key).
 */
export function isRetryable(outcome: AttemptOutcome): boolean {
  if (outcome.kind === 'failure') return outcome.notSent;
  if (outcome.kind === 'api_error') return outcome.code === 'InternalError';
  return false;
}

/** Serialises validated optional request fields as the tail of a `DescribeCaptchaResult` body. */
export function requestFieldsJson(fields: VerifyRequestFields | undefined): string {
  if (!fields) return '';
  let json = '';
  if (fields.businessId !== undefined) json += `,"BusinessId":${fields.businessId}`;
  if (fields.sceneId !== undefined) json += `,"SceneId":${fields.sceneId}`;
  if (fields.macAddress !== undefined) json += `,"MacAddress":${JSON.stringify(fields.macAddress)}`;
  if (fields.imei !== undefined) json += `,"Imei":${JSON.stringify(fields.imei)}`;
  if (fields.needGetCaptchaTime) json += ',"NeedGetCaptchaTime":1';
  return json;
}
