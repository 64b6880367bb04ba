/**
 * Fetch-API helper for Next.js route handlers, Hono, Bun, Deno and workers: read the ticket and
 * randstr from a `Request` (JSON, urlencoded or multipart body, or headers), verify, and answer a
 * refused verdict with core's status mapping. No Node APIs.
 */
import { CAPTCHA_FIELD_NAMES, CAPTCHA_HEADER_NAMES } from '../fields.js';
import { httpResponseForVerdict } from '../reasons.js';
import type { CaptchaMode, CaptchaVerdict, CaptchaVerifier } from '../verdict.js';

type MaybePromise<T> = T | Promise<T>;
/** What a getter returns; `null`/`undefined` means "not sent". */
export type RequestFieldValue = string | null | undefined;

/** Options of {@link verifyFetchRequest}. */
export interface FetchRequestOptions {
  /**
   * The end user's IP. Required: only your platform knows which header to trust (`cf-connecting-ip`
   * on Cloudflare, the last proxy hop of `x-forwarded-for` behind your own proxy, `server.requestIP`
   * on Bun, …). A client-controlled header here lets a client choose its own per-IP budget.
   */
  getUserIp: (request: Request) => MaybePromise<RequestFieldValue>;
  /** Reads the ticket. @default the body field `tencent-captcha-ticket`, then the header `x-tencent-captcha-ticket` */
  getTicket?: (request: Request) => MaybePromise<RequestFieldValue>;
  /** Reads the randstr. @default the body field `tencent-captcha-randstr`, then the header `x-tencent-captcha-randstr` */
  getRandstr?: (request: Request) => MaybePromise<RequestFieldValue>;
  /** Overrides the verifier's mode for this route. */
  mode?: CaptchaMode;
  /** Aborts the verification. @default request.signal */
  signal?: AbortSignal;
  /** Bodies larger than this are not read (the ticket is then taken from the headers). @default 1048576 */
  maxBodyBytes?: number;
}

/** The two fields, as found in a request. */
export interface CaptchaRequestFields {
  ticket: string | undefined;
  randstr: string | undefined;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

async function readBounded(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) return undefined;
  if (!request.body) return undefined;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Not awaited: cancelling one branch of a teed (cloned) body waits for the other branch.
      reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Reads the body fields of a copy of `request` (the original stays readable). Never throws. */
async function bodyFields(request: Request, maxBytes: number): Promise<CaptchaRequestFields> {
  const none = { ticket: undefined, randstr: undefined };
  const type = (request.headers.get('content-type') ?? '').toLowerCase();
  const json = /^application\/([\w.+-]*\+)?json\b/.test(type);
  const form = type.startsWith('application/x-www-form-urlencoded');
  const multipart = type.startsWith('multipart/form-data');
  if (!json && !form && !multipart) return none;
  try {
    const bytes = await readBounded(request.clone(), maxBytes);
    if (!bytes) return none;
    if (json) {
      const data = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
      if (typeof data !== 'object' || data === null) return none;
      const record = data as Record<string, unknown>;
      return { ticket: str(record[CAPTCHA_FIELD_NAMES.ticket]), randstr: str(record[CAPTCHA_FIELD_NAMES.randstr]) };
    }
    if (form) {
      const params = new URLSearchParams(new TextDecoder().decode(bytes));
      return { ticket: params.get(CAPTCHA_FIELD_NAMES.ticket) ?? undefined, randstr: params.get(CAPTCHA_FIELD_NAMES.randstr) ?? undefined };
    }
    const data = await new Response(bytes, { headers: { 'content-type': type } }).formData();
    return { ticket: str(data.get(CAPTCHA_FIELD_NAMES.ticket)), randstr: str(data.get(CAPTCHA_FIELD_NAMES.randstr)) };
  } catch {
    // Malformed body, body already used: the fields are simply not there.
    return none;
  }
}

/**
 * Reads the ticket and randstr from a request: the body fields `tencent-captcha-ticket` /
 * `tencent-captcha-randstr` (JSON, urlencoded or multipart), then the headers
 * `x-tencent-captcha-ticket` / `x-tencent-captcha-randstr`. Reads a clone; never throws.
 */
export async function readCaptchaFields(request: Request, options: { maxBodyBytes?: number } = {}): Promise<CaptchaRequestFields> {
  const body = await bodyFields(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY);
  return {
    ticket: body.ticket ?? request.headers.get(CAPTCHA_HEADER_NAMES.ticket) ?? undefined,
    randstr: body.randstr ?? request.headers.get(CAPTCHA_HEADER_NAMES.randstr) ?? undefined,
  };
}

/**
 * Verifies the captcha of a Fetch-API `Request`. Resolves with the verdict (check `accepted`);
 * rejects only with the abort reason of `signal` (default `request.signal`) or for invalid options.
 *
 * @example
 * ```ts
 * export async function POST(request: Request) {
 *   const verdict = await verifyFetchRequest(verifier, request, { getUserIp: (r) => r.headers.get('cf-connecting-ip') });
 *   if (!verdict.accepted) return createVerdictResponse(verdict);
 *   // … the protected action …
 * }
 * ```
 */
export async function verifyFetchRequest(verifier: CaptchaVerifier, request: Request, options: FetchRequestOptions): Promise<CaptchaVerdict> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const needBody = !options.getTicket || !options.getRandstr;
  const fields = needBody ? await readCaptchaFields(request, { maxBodyBytes }) : { ticket: undefined, randstr: undefined };
  const [ticket, randstr, userIp] = await Promise.all([
    options.getTicket ? options.getTicket(request) : fields.ticket,
    options.getRandstr ? options.getRandstr(request) : fields.randstr,
    options.getUserIp(request),
  ]);
  const signal = options.signal ?? request.signal;
  return verifier.verify({ ticket, randstr, userIp }, { ...(signal ? { signal } : {}), ...(options.mode ? { mode: options.mode } : {}) });
}

/**
 * A JSON `Response` for a verdict: 200 `{ code, message }` when accepted; otherwise 400/403/503
 * with `Retry-After` where due.
 */
export function createVerdictResponse(verdict: CaptchaVerdict): Response {
  const { status, headers, body } = httpResponseForVerdict(verdict);
  return new Response(JSON.stringify(body), { status, headers });
}
