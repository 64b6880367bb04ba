/**
 * The JSON control endpoint under `/__emulator` (CORS open to any origin):
 *
 * - `GET /__emulator` — what this emulator is: URLs and the public app id (no secrets).
 * - `GET /__emulator/faults` — every fault queue.
 * - `POST /__emulator/faults` — `{ target, fault, times? }` or `{ target, sequence }`; answers the new state.
 * - `DELETE /__emulator/faults[?target=api|sdk]` — clears (clearing SDK faults also answers 503 to
 *   the requests SDK hang faults still hold); answers the new state.
 * - `POST /__emulator/tickets` — `{ appId?, evilLevel?, score? }` issues a ticket as a solved challenge would.
 *
 * Bad input gets HTTP 400 `{ code, message }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext } from './context.js';
import { parseFaultCommand } from './faults.js';
import { BodyTooLargeError, readBody, sendJson } from './http.js';
import type { IssueTicketOptions } from './tickets.js';

/** `code` values of the control endpoint's error answers. */
export const ControlErrorCode = {
  InvalidJson: 'invalid_json',
  InvalidFault: 'invalid_fault',
  InvalidTicketRequest: 'invalid_ticket_request',
  NotFound: 'not_found',
  MethodNotAllowed: 'method_not_allowed',
  BodyTooLarge: 'body_too_large',
} as const;
/** One of {@link ControlErrorCode}'s values. */
export type ControlErrorCode = (typeof ControlErrorCode)[keyof typeof ControlErrorCode];

const CONTROL_BODY_LIMIT = 64 * 1024;

/** Reads a JSON body; answers 400 and returns `undefined` when it is not JSON. */
export async function readJsonBody(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): Promise<{ value: unknown } | undefined> {
  let text: string;
  try {
    text = await readBody(req, CONTROL_BODY_LIMIT);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      sendJson(res, 413, { code: 'body_too_large', message: `The body must be at most ${CONTROL_BODY_LIMIT} bytes.` }, headers);
      return undefined;
    }
    throw error;
  }
  if (text.trim() === '') return { value: undefined };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    sendJson(res, 400, { code: 'invalid_json', message: 'The body is not valid JSON.' }, headers);
    return undefined;
  }
}

/** Validates the body of `POST /__emulator/tickets`. @internal */
export function parseTicketRequest(body: unknown): { ok: true; value: IssueTicketOptions } | { ok: false; message: string } {
  if (body === undefined) return { ok: true, value: {} };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, message: 'The body must be a JSON object.' };
  const b = body as Record<string, unknown>;
  const extra = Object.keys(b).filter((k) => !['appId', 'evilLevel', 'score'].includes(k));
  if (extra.length) return { ok: false, message: `Unknown field(s): ${extra.join(', ')}` };
  const value: IssueTicketOptions = {};
  if (b.appId !== undefined) {
    if (typeof b.appId !== 'string' || !/^[1-9]\d{0,19}$/.test(b.appId)) return { ok: false, message: '`appId` must be digits, as a string.' };
    value.appId = b.appId;
  }
  for (const key of ['evilLevel', 'score'] as const) {
    const v = b[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100) return { ok: false, message: `\`${key}\` must be an integer from 0 to 100.` };
    value[key] = v;
  }
  return { ok: true, value };
}

/** Handles `/__emulator`, `/__emulator/faults` and `/__emulator/tickets`: a log summary, or `undefined` for other paths. @internal */
export async function handleControlRequest(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: EmulatorContext & { issueTicket(options: IssueTicketOptions): unknown; info(): unknown },
  headers: Record<string, string>,
): Promise<string | undefined> {
  const path = url.pathname.replace(/\/+$/, '');
  const method = req.method ?? 'GET';
  const notAllowed = (allow: string): void =>
    sendJson(res, 405, { code: 'method_not_allowed', message: `${method} is not allowed here; use ${allow}.` }, { ...headers, allow });

  if (path === '/__emulator') {
    if (method !== 'GET') notAllowed('GET');
    else sendJson(res, 200, ctx.info(), headers);
    return 'info';
  }

  if (path === '/__emulator/faults') {
    if (method === 'GET') {
      sendJson(res, 200, ctx.faults.state(), headers);
      return 'fault state';
    }
    if (method === 'POST') {
      const body = await readJsonBody(req, res, headers);
      if (!body) return 'bad body';
      const command = parseFaultCommand(body.value);
      if (!command.ok) {
        sendJson(res, 400, { code: 'invalid_fault', message: command.message }, headers);
        return `invalid fault: ${command.message}`;
      }
      const c = command.value;
      let summary: string;
      if ('sequence' in c) {
        ctx.faults.sequence(c.target, c.sequence as never);
        summary = `${c.target} sequence ${c.sequence.map((s) => `${s.fault.kind}×${s.times ?? 1}`).join(', ')}`;
      } else {
        ctx.faults.set(c.target, c.fault as never, c.times === undefined ? {} : { times: c.times });
        summary = `${c.target} fault ${c.fault.kind} ${c.times === undefined ? 'until cleared' : `×${c.times}`}`;
      }
      sendJson(res, 200, ctx.faults.state(), headers);
      return summary;
    }
    if (method === 'DELETE') {
      const target = url.searchParams.get('target');
      if (target !== null && target !== 'api' && target !== 'sdk') {
        sendJson(res, 400, { code: 'invalid_fault', message: '`target` must be "api" or "sdk" (or absent to clear both).' }, headers);
        return 'invalid target';
      }
      ctx.faults.clear(target ?? undefined);
      if (target !== 'api') ctx.releaseHeld();
      sendJson(res, 200, ctx.faults.state(), headers);
      return `cleared ${target ?? 'all'} faults`;
    }
    notAllowed('GET, POST, DELETE');
    return 'method not allowed';
  }

  if (path === '/__emulator/tickets') {
    if (method !== 'POST') {
      notAllowed('POST');
      return 'method not allowed';
    }
    const body = await readJsonBody(req, res, headers);
    if (!body) return 'bad body';
    const request = parseTicketRequest(body.value);
    if (!request.ok) {
      sendJson(res, 400, { code: 'invalid_ticket_request', message: request.message }, headers);
      return 'invalid ticket request';
    }
    sendJson(res, 201, ctx.issueTicket(request.value), headers);
    return 'ticket issued';
  }

  return undefined;
}
