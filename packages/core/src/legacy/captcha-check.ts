/**
 * One legacy `CaptchaCheck` call (protocol.md §4.5): sign (v2), POST the form, and classify the answer
 * into the same {@link AttemptOutcome} as `DescribeCaptchaResult`, so the one pipeline and the one
 * reason table decide:
 *
 * | legacy answer | outcome |
 * |---|---|
 * | `code` 0 | CaptchaCode 1 → `verified` (`is_right` is ignored: Tencent's own example shows 0 on success) |
 * | `code` 5100 | CaptchaCode 15 → `ticket_invalid` (rejected); for a disaster ticket CaptchaCode 21, as DescribeCaptchaResult answers one |
 * | 4000 | API error, `bad_request` → `upstream_bad_request` |
 * | 4400 (quota) | API error, `rate_limited` → `upstream_rate_limited` (never accepted) |
 * | 6000, 6200 | API error, `unavailable` → `upstream_internal_error` (degraded) |
 * | 4100–4110, 4300, 4500, 4600, 5000, 5200–5500, 6100, any other | API error, `misconfigured` |
 * | HTTP 429 | `rate_limited` |
 * | other HTTP status, malformed JSON, no `code`, network error | failure (degraded) |
 *
 * The API error's `code` is the legacy code as a string (`'4100'`). Never rejects.
 */
import { isDisasterTicket, type DescribeCaptchaResultResponse } from '@tencent-captcha/protocol';
import type { AttemptOutcome, UpstreamClient } from '../network/describe-captcha-result.js';
import { describeLocalFault, isLocalFault } from '../network/local-fault.js';
import { isConnectFailure, type Transport } from '../network/transport.js';
import { LEGACY_FORM_HEADERS, buildLegacyForm, classifyLegacyCode, type LegacySigningContext } from './request.js';
import type { ResolvedLegacyOptions } from './options.js';

/** CaptchaCodes a legacy answer is expressed in. */
const PASSED = 1;
const FAILED = 15;
const DISASTER = 21;

/** Options of {@link createCaptchaCheckClient}. */
export interface CaptchaCheckClientOptions {
  legacy: ResolvedLegacyOptions;
  transport: Transport;
  /** Unix milliseconds. */
  now: () => number;
}

/** The parameters both legacy actions share, so `CaptchaCheck` sends what the script query sent. */
export function sharedActionParams(legacy: ResolvedLegacyOptions): Record<string, number> {
  const params: Record<string, number> = {
    captchaType: legacy.captchaType,
    disturbLevel: legacy.disturbLevel,
    accountType: legacy.accountType,
  };
  if (legacy.businessId !== null) params.businessId = legacy.businessId;
  if (legacy.sceneId !== null) params.sceneId = legacy.sceneId;
  return params;
}

/** The signing context of an endpoint. */
export function signingContext(options: { legacy: ResolvedLegacyOptions; now: () => number }): LegacySigningContext {
  const url = new URL(options.legacy.endpoint);
  return {
    host: url.host,
    path: url.pathname,
    region: options.legacy.region,
    signatureMethod: options.legacy.signatureMethod,
    now: options.now,
  };
}

/** Creates the `CaptchaCheck` client. */
export function createCaptchaCheckClient(options: CaptchaCheckClientOptions): UpstreamClient {
  const context = signingContext(options);
  const shared = sharedActionParams(options.legacy);
  const { transport } = options;
  transport.warm();
  return {
    async call(input, control, _extra, key) {
      // CaptchaCheck takes no randstr; it is checked by the element and used by the replay guard only.
      const body = await buildLegacyForm(context, key, 'CaptchaCheck', { ...shared, ticket: input.ticket, userIp: input.userIp });
      let status: number;
      let text: string;
      try {
        ({ status, body: text } = await transport.send({ headers: { ...LEGACY_FORM_HEADERS }, body }, control));
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code === 'RESPONSE_TOO_LARGE') {
          return { kind: 'failure', failure: 'upstream_error', detail: 'answer over the size cap', notSent: false };
        }
        if (isLocalFault(error)) return { kind: 'local_fault', detail: describeLocalFault(error) };
        return { kind: 'failure', failure: 'upstream_unreachable', detail: errorCode(error) ?? 'network error', notSent: isConnectFailure(error) };
      }
      return classifyCaptchaCheckResponse(status, text, isDisasterTicket(input.ticket));
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

/** Reads a legacy JSON answer: its integer `code` and text fields, or why it is not one. */
export function parseLegacyAnswer(status: number, text: string): { ok: true; code: number; message: string; json: Record<string, unknown> } | { ok: false; outcome: AttemptOutcome } {
  if (status === 429) {
    return { ok: false, outcome: { kind: 'api_error', code: '429', message: 'HTTP 429 Too Many Requests', requestId: null, errorKind: 'rate_limited' } };
  }
  if (status < 200 || status > 299) {
    return { ok: false, outcome: { kind: 'failure', failure: 'upstream_error', detail: `HTTP ${status}`, notSent: false } };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, outcome: { kind: 'failure', failure: 'upstream_error', detail: 'malformed JSON', notSent: false } };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, outcome: { kind: 'failure', failure: 'upstream_error', detail: 'not a JSON object', notSent: false } };
  }
  const record = json as Record<string, unknown>;
  // Some gateways send the code as a string.
  const raw = typeof record.code === 'string' && /^\d{1,6}$/.test(record.code) ? Number(record.code) : record.code;
  if (typeof raw !== 'number' || !Number.isInteger(raw)) {
    return { ok: false, outcome: { kind: 'failure', failure: 'upstream_error', detail: 'no code', notSent: false } };
  }
  const message = [record.codeDesc, record.message].filter((v): v is string => typeof v === 'string' && v !== '').join(': ');
  return { ok: true, code: raw, message, json: record };
}

/** Classifies a `CaptchaCheck` answer (see the module comment). Exported for tests. */
export function classifyCaptchaCheckResponse(status: number, text: string, disasterTicket: boolean): AttemptOutcome {
  const parsed = parseLegacyAnswer(status, text);
  if (!parsed.ok) return parsed.outcome;
  const { code, message } = parsed;
  if (code === 0 || code === 5100) {
    const response: DescribeCaptchaResultResponse = {
      CaptchaCode: code === 0 ? PASSED : disasterTicket ? DISASTER : FAILED,
      CaptchaMsg: message || null,
      EvilLevel: null,
      RequestId: '',
    };
    return { kind: 'answer', response };
  }
  return { kind: 'api_error', code: String(code), message, requestId: null, errorKind: classifyLegacyCode(code) };
}
