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

/** What one attempt produced. */
export type AttemptOutcome =
  /** Tencent answered with a CaptchaCode. */
  | { kind: 'answer'; response: DescribeCaptchaResultResponse }
  /** Tencent answered with `Response.Error`. */
  | { kind: 'api_error'; code: string; message: string; requestId: string | null; errorKind: ApiErrorKind }
  /** No usable answer. `notSent`: the connection was never made, so Tencent cannot have seen the ticket. */
  | { kind: 'failure'; failure: 'upstream_timeout' | 'upstream_unreachable' | 'upstream_error'; detail: string; notSent: boolean };

/**
 * One upstream API the verifier can speak (`DescribeCaptchaResult`, or the legacy `CaptchaCheck`):
 * builds, signs and sends one attempt and classifies what comes back. Never rejects: a transport error
 * becomes a `failure` outcome (when the verifier cancelled the request it no longer listens).
 */
export interface UpstreamClient {
  /** `extra` is the call's optional request fields as JSON (`,"BusinessId":1…`), already validated; `''` for none. */
  call(input: { ticket: string; randstr: string; userIp: string }, control: TransportControl, extra?: string): Promise<AttemptOutcome>;
}

/** A caller of `DescribeCaptchaResult` for one endpoint and credential. */
export type DescribeCaptchaResultClient = UpstreamClient;

/** Options of {@link createDescribeCaptchaResultClient}. */
export interface DescribeCaptchaResultClientOptions {
  endpoint: string;
  captchaAppId: number;
  appSecretKey: string;
  secretId: string;
  secretKey: string;
  transport: Transport;
  /** Unix milliseconds. */
  now: () => number;
}

/** Creates the client; the signer caches its derived key per UTC day. */
export function createDescribeCaptchaResultClient(options: DescribeCaptchaResultClientOptions): DescribeCaptchaResultClient {
  const host = new URL(options.endpoint).host;
  const signerOptions = { secretId: options.secretId, secretKey: options.secretKey, service: CaptchaApi.service, host };
  // Synchronous node:crypto signing with the date key and credential scope cached (fast-sign.ts);
  // protocol's WebCrypto signer where node:crypto is missing (edge runtimes).
  const fast = createFastTc3Signer(signerOptions);
  const signer: Tc3Signer | null = fast ? null : createTc3Signer(signerOptions);
  const { transport, captchaAppId, now } = options;
  // The constant tail of every body: JSON.stringify of the same object, assembled once.
  const bodyTail = `,"CaptchaAppId":${JSON.stringify(captchaAppId)},"AppSecretKey":${JSON.stringify(options.appSecretKey)}}`;
  const bodyHead = `{"CaptchaType":${CaptchaApi.captchaType},"Ticket":`;
  // Derive today's signing key and load the transport now, not on the first user's request.
  if (signer) signer.sign({ timestamp: Math.floor(now() / 1000), payload: '' }).catch(() => undefined);
  else fast!.sign(Math.floor(now() / 1000), '');
  transport.warm();

  const send = async (payload: string, timestamp: number, authorization: string, control: TransportControl): Promise<AttemptOutcome> => {
    let status: number;
    let body: string;
    try {
      ({ status, body } = await transport.send(
        {
          headers: {
            'content-type': 'application/json',
            authorization,
            'x-tc-action': CaptchaApi.action,
            'x-tc-version': CaptchaApi.version,
            'x-tc-timestamp': String(timestamp),
          },
          body: payload,
        },
        control,
      ));
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code === 'RESPONSE_TOO_LARGE') {
        return { kind: 'failure', failure: 'upstream_error', detail: 'answer over the size cap', notSent: false };
      }
      const notSent = isConnectFailure(error);
      return { kind: 'failure', failure: 'upstream_unreachable', detail: errorCode(error) ?? 'network error', notSent };
    }
    return classifyResponse(status, body);
  };

  return {
    async call(input, control, extra = '') {
      // Field order and escaping exactly as JSON.stringify of a DescribeCaptchaResultRequest.
      const payload = `${bodyHead}${JSON.stringify(input.ticket)},"UserIp":${JSON.stringify(input.userIp)},"Randstr":${JSON.stringify(input.randstr)}${extra === '' ? bodyTail : bodyTail.slice(0, -1) + extra + '}'}`;
      const timestamp = Math.floor(now() / 1000);
      const authorization = fast ? fast.sign(timestamp, payload) : (await signer!.sign({ timestamp, payload })).authorization;
      return send(payload, timestamp, authorization, control);
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
