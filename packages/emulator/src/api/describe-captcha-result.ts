/**
 * `DescribeCaptchaResult` at `POST /` of the API origin (protocol.md §2, §3, §5): TC3 signature
 * and 5-minute timestamp skew, `X-TC-Action`/`X-TC-Version`, parameter validation, then the ticket's
 * CaptchaCode. Errors use Tencent's envelope: HTTP 200 and `Response.Error`. Every answer has a
 * `RequestId`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { CaptchaApi, CaptchaCode, describeCaptchaCode, type DescribeCaptchaResultResponse } from '@tencent-captcha/protocol';
import type { TemporaryKeyStore } from '../temporary-keys.js';
import type { ResolvedEmulatorOptions } from '../options.js';
import type { TicketStore } from '../tickets.js';
import { checkTc3Auth, header } from './tc3-auth.js';

/** The JSON an API call answers with (HTTP 200). */
export type ApiEnvelope =
  | { Response: DescribeCaptchaResultResponse }
  | { Response: { Error: { Code: string; Message: string }; RequestId: string } };

/** An answer plus a one-line summary for the log (never secrets). @internal */
export interface ApiAnswer {
  envelope: ApiEnvelope;
  summary: string;
}

/** Tencent's messages for the errors the emulator answers with. */
export const API_ERROR_MESSAGES = {
  InternalError: 'An internal error has occurred. Retry your request, but if the problem persists, contact us.',
  RequestLimitExceeded: 'Your current request times exceeds limit, please try again later.',
} as const;

/** Builds an error envelope. */
export function apiError(code: string, message: string, requestId: string = randomUUID()): ApiEnvelope {
  return { Response: { Error: { Code: code, Message: message }, RequestId: requestId } };
}

const REQUIRED = ['CaptchaType', 'Ticket', 'UserIp', 'Randstr', 'CaptchaAppId', 'AppSecretKey'] as const;
const INTEGER_PARAMS = ['CaptchaType', 'CaptchaAppId', 'BusinessId', 'SceneId', 'NeedGetCaptchaTime'] as const;
const STRING_PARAMS = ['Ticket', 'UserIp', 'Randstr', 'AppSecretKey', 'MacAddress', 'Imei'] as const;
const KNOWN = new Set<string>([...INTEGER_PARAMS, ...STRING_PARAMS]);

/** Validates the JSON body; returns the request or an error (code, message). */
function validateParams(
  params: unknown,
): { ok: true; value: Record<string, unknown> } | { ok: false; code: string; message: string } {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    return { ok: false, code: 'InvalidParameter', message: 'The request body must be a JSON object.' };
  }
  const p = params as Record<string, unknown>;
  for (const key of Object.keys(p)) {
    if (!KNOWN.has(key)) return { ok: false, code: 'UnknownParameter', message: `The parameter \`${key}\` is not recognized.` };
  }
  for (const key of REQUIRED) {
    if (p[key] === undefined || p[key] === null) {
      return { ok: false, code: 'MissingParameter', message: `The request is missing a required parameter \`${key}\`.` };
    }
  }
  for (const key of INTEGER_PARAMS) {
    const v = p[key];
    if (v !== undefined && v !== null && !(typeof v === 'number' && Number.isSafeInteger(v))) {
      return { ok: false, code: 'InvalidParameter', message: `The type of parameter \`${key}\` is wrong: expected Integer.` };
    }
  }
  for (const key of STRING_PARAMS) {
    const v = p[key];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      return { ok: false, code: 'InvalidParameter', message: `The type of parameter \`${key}\` is wrong: expected String.` };
    }
  }
  return { ok: true, value: p };
}

/** Handles one `POST /` whose body has been read. Never throws for client input. @internal */
export async function describeCaptchaResult(
  request: { headers: IncomingHttpHeaders; body: string; host: string },
  deps: { options: ResolvedEmulatorOptions; tickets: TicketStore; temporaryKeys: TemporaryKeyStore },
): Promise<ApiAnswer> {
  const { headers, body, host } = request;
  const { options, tickets } = deps;
  const requestId = randomUUID();
  const fail = (code: string, message: string): ApiAnswer => ({ envelope: apiError(code, message, requestId), summary: code });

  const auth = await checkTc3Auth({ headers, body, host }, CaptchaApi.service, deps);
  if (!auth.ok) return fail(auth.code, auth.message);

  const action = header(headers, 'x-tc-action');
  if (!action) return fail('MissingParameter', 'The request is missing a required parameter `X-TC-Action`.');
  if (action !== CaptchaApi.action) return fail('InvalidAction', `The requested action \`${action.slice(0, 100)}\` does not exist.`);
  const version = header(headers, 'x-tc-version');
  if (!version) return fail('MissingParameter', 'The request is missing a required parameter `X-TC-Version`.');
  if (version !== CaptchaApi.version) {
    return fail('NoSuchVersion', `The requested version \`${version.slice(0, 40)}\` of service \`captcha\` does not exist.`);
  }

  const contentType = (header(headers, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') {
    return fail('InvalidParameter', 'The emulator accepts `Content-Type: application/json` request bodies only.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return fail('InvalidParameter', 'The request body is not valid JSON.');
  }
  const checked = validateParams(parsed);
  if (!checked.ok) return fail(checked.code, checked.message);
  const p = checked.value as {
    CaptchaType: number;
    Ticket: string;
    UserIp: string;
    Randstr: string;
    CaptchaAppId: number;
    AppSecretKey: string;
    NeedGetCaptchaTime?: number;
  };

  const answer = (code: number, extra: Partial<DescribeCaptchaResultResponse> = {}): ApiAnswer => {
    const response: DescribeCaptchaResultResponse = {
      CaptchaCode: code,
      CaptchaMsg: describeCaptchaCode(code).message,
      EvilLevel: 0,
      GetCaptchaTime: 0,
      EvilBitmap: 0,
      SubmitCaptchaTime: 0,
      ...extra,
      RequestId: requestId,
    };
    return { envelope: { Response: response }, summary: `CaptchaCode ${code}` };
  };

  // The real service historically answered these with 15 `decrypt fail` (protocol.md §2.4).
  if (p.CaptchaType !== CaptchaApi.captchaType) return answer(CaptchaCode.DecryptFail);
  if (isIP(p.UserIp) === 0) return answer(CaptchaCode.DecryptFail);

  const appId = String(p.CaptchaAppId);
  const secret = options.apps.get(appId);
  if (secret === undefined || secret !== p.AppSecretKey) return answer(CaptchaCode.AppSecretKeyMismatch);

  const verdict = tickets.verify({ ticket: p.Ticket, randstr: p.Randstr, appId });
  const extra: Partial<DescribeCaptchaResultResponse> = {
    EvilLevel: verdict.evilLevel,
    SubmitCaptchaTime: verdict.submitCaptchaTime,
    GetCaptchaTime: p.NeedGetCaptchaTime === 1 ? verdict.getCaptchaTime : 0,
  };
  if (verdict.score !== undefined) extra.Score = verdict.score;
  return answer(verdict.code, extra);
}
