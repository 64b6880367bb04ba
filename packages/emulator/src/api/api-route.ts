// `POST /` on the API origin: take the next API fault, then answer DescribeCaptchaResult.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeCaptchaCode } from '@tencent-captcha/protocol';
import type { EmulatorContext } from '../context.js';
import type { ApiFault } from '../faults.js';
import { BodyTooLargeError, hostOf, readBody, send, sendJson } from '../http.js';
import { API_ERROR_MESSAGES, apiError, describeCaptchaResult, type ApiEnvelope } from './describe-captcha-result.js';
import { answerSts, isStsAction } from './sts.js';

const STATUS_TEXT: Record<number, string> = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

function traceHeaders(req: IncomingMessage): Record<string, string> {
  const trace = req.headers['x-tc-traceid'];
  return typeof trace === 'string' && /^[\w-]{1,100}$/.test(trace) ? { 'x-tc-traceid': trace } : {};
}

function sendEnvelope(req: IncomingMessage, res: ServerResponse, envelope: ApiEnvelope | { Response: Record<string, unknown> }): void {
  sendJson(res, 200, envelope, traceHeaders(req));
}

/** Answers a request with a fault. Returns `true` when the fault answered (or swallowed) the request. */
async function applyFault(fault: ApiFault, req: IncomingMessage, res: ServerResponse, ctx: EmulatorContext): Promise<boolean> {
  switch (fault.kind) {
    case 'pass':
      return false;
    case 'latency':
      // If the emulator closes meanwhile, the request is dropped.
      return !(await ctx.delay(fault.ms));
    case 'hang':
      // Accept and never answer; `close()` destroys the socket.
      req.resume();
      return true;
    default:
      break;
  }
  if (fault.delayMs) {
    if (!(await ctx.delay(fault.delayMs))) return true;
  }
  switch (fault.kind) {
    case 'http-error': {
      const status = fault.status ?? 502;
      const text = `${status} ${STATUS_TEXT[status] ?? 'Server Error'}`;
      send(res, status, `<html><head><title>${text}</title></head><body><h1>${text}</h1><hr>emulated gateway</body></html>\n`, {
        'content-type': 'text/html; charset=utf-8',
      });
      return true;
    }
    case 'internal-error':
      sendEnvelope(req, res, apiError('InternalError', API_ERROR_MESSAGES.InternalError));
      return true;
    case 'request-limit-exceeded':
      sendEnvelope(req, res, apiError('RequestLimitExceeded', API_ERROR_MESSAGES.RequestLimitExceeded));
      return true;
    case 'api-error':
      sendEnvelope(req, res, apiError(fault.code, fault.message ?? `The emulator answered \`${fault.code}\` (injected fault).`));
      return true;
    case 'captcha-code': {
      const code = fault.code ?? 26;
      sendEnvelope(req, res, {
        Response: {
          CaptchaCode: code,
          CaptchaMsg: fault.message ?? describeCaptchaCode(code).message,
          EvilLevel: 0,
          GetCaptchaTime: 0,
          EvilBitmap: 0,
          SubmitCaptchaTime: 0,
          RequestId: randomUUID(),
        },
      });
      return true;
    }
    case 'malformed-json': {
      const whole = JSON.stringify({ Response: { CaptchaCode: 1, CaptchaMsg: 'OK', EvilLevel: 0, RequestId: randomUUID() } });
      send(res, 200, whole.slice(0, Math.floor(whole.length / 2)), { 'content-type': 'application/json' });
      return true;
    }
    case 'connection-reset':
      req.socket.resetAndDestroy();
      return true;
  }
}

/** STS on the same origin; the API faults are for DescribeCaptchaResult and do not apply. */
async function handleSts(req: IncomingMessage, res: ServerResponse, ctx: EmulatorContext): Promise<string> {
  let body: string;
  try {
    body = await readBody(req, 64 * 1024);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    sendEnvelope(req, res, apiError('RequestSizeLimitExceeded', 'The request body is larger than STS accepts.'));
    return 'STS RequestSizeLimitExceeded';
  }
  const answer = await answerSts({ headers: req.headers, body, host: hostOf(req, new URL(ctx.url()).host) }, ctx);
  sendEnvelope(req, res, answer.envelope);
  return answer.summary;
}

/** Handles `POST /`. @internal */
export async function handleApiRequest(req: IncomingMessage, res: ServerResponse, ctx: EmulatorContext): Promise<string> {
  const action = req.headers['x-tc-action'];
  if (typeof action === 'string' && isStsAction(action)) return handleSts(req, res, ctx);
  const fault = ctx.faults.takeApi();
  if (fault?.kind === 'hang' || fault?.kind === 'connection-reset') {
    await applyFault(fault, req, res, ctx);
    return `fault ${fault.kind}`;
  }
  let body: string;
  try {
    body = await readBody(req);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      sendEnvelope(req, res, apiError('RequestSizeLimitExceeded', 'The request body is larger than the emulator accepts (1 MB).'));
      return 'RequestSizeLimitExceeded';
    }
    throw error;
  }
  if (fault && (await applyFault(fault, req, res, ctx))) return `fault ${fault.kind}`;
  const answer = await describeCaptchaResult(
    { headers: req.headers, body, host: hostOf(req, new URL(ctx.url()).host) },
    ctx,
  );
  sendEnvelope(req, res, answer.envelope);
  return answer.summary + (fault ? ` (after fault ${fault.kind})` : '');
}
