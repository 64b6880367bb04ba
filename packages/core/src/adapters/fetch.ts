/**
 * Fetch-API helper for Next.js route handlers, Hono, Bun, Deno and workers: read the ticket and
 * randstr from a `Request` (JSON, urlencoded or multipart body, or headers), verify, and answer a
 * refused verdict with core's status mapping. No Node APIs.
 */
import { extractCaptchaFields, type CaptchaFieldMalformedReason, type CaptchaFieldName } from './extract.js';
import { CAPTCHA_FIELD_NAMES } from './fields.js';
import { assertRiskLimits, riskLimits } from './risk-limits.js';
import { CaptchaConfigError } from '../config/errors.js';
import { assertKnownKeys } from '../config/validate.js';
import { httpResponseForVerdict } from '../decision/reasons.js';
import { CaptchaMode, type CaptchaVerdict } from '../types/verdict.js';
import { type CaptchaVerifier } from '../types/verifier.js';
import { isValidBudgetScope, routeBudgetScope } from './budget-scope.js';
import { normalizeClientIp } from './client-ip.js';

type MaybePromise<T> = T | Promise<T>;
/** What a getter returns; `null`/`undefined` means "not sent". */
export type RequestFieldValue = string | null | undefined;

/** Options of {@link verifyFetchRequest}. */
export interface FetchRequestOptions {
  /**
   * The end user's IP. Required: only your platform knows which header to trust (`cf-connecting-ip`
   * on Cloudflare, `server.requestIP(request)` on Bun, `info.remoteAddr` on Deno). Behind N proxies
   * of your own that each append to `X-Forwarded-For`, take the N-th value from the right
   * ({@link forwardedClientIp}); never the leftmost, which the client writes itself and with it
   * chooses its own per-IP budget.
   */
  getUserIp: (request: Request) => MaybePromise<RequestFieldValue>;
  /**
   * Reads the ticket. The default follows core's extraction rule (`extractCaptchaFields`): the body
   * field `tencent-captcha-ticket` when the body has it at all (then one string, else 400
   * `ticket_malformed` and the header is not consulted), otherwise the header `x-tencent-captcha-ticket`.
   * @default body field, else header
   */
  getTicket?: (request: Request) => MaybePromise<RequestFieldValue>;
  /** Reads the randstr, by the same rule as `getTicket`. @default body field `tencent-captcha-randstr`, else header `x-tencent-captcha-randstr` */
  getRandstr?: (request: Request) => MaybePromise<RequestFieldValue>;
  /**
   * Which degraded-acceptance budgets this request spends (`verify`'s `budgetScope`): a value, or a
   * function of the request. The helper sees a request, not a route: the method and the path are the
   * client's to choose (any method reaches a catch-all handler, and `/login;x`, `/login%2f`, `/login.`
   * or a random path can reach the same code), so they never make the default. The default is one
   * constant scope per mode — `fetch` (the verifier's mode), `fetch_open`, `fetch_adaptive`,
   * `fetch_closed` — so an `open` route does not spend the budget of an `adaptive` one. Give routes
   * their own budgets with a constant per route (`'login'`), never with the raw path.
   * @default `'fetch'`, or `'fetch_' + mode` when `mode` is set
   */
  budgetScope?: string | ((request: Request) => MaybePromise<string>);
  /** Overrides the verifier's mode for this route. */
  mode?: CaptchaMode;
  /** Highest `EvilLevel` (0–100) a verified ticket may have on this route (`verify`'s `maxEvilLevel`). @default the verifier's */
  maxEvilLevel?: number;
  /** Highest `Score` (0–100, higher is riskier) on this route (`verify`'s `maxScore`). @default the verifier's */
  maxScore?: number;
  /** Aborts the verification. @default request.signal */
  signal?: AbortSignal;
  /** Bodies larger than this are not read (the ticket is then taken from the headers). @default 1048576 */
  maxBodyBytes?: number;
}

/** The two fields, as found in a request by core's extraction rule. */
export interface CaptchaRequestFields {
  /** The ticket; `undefined` when absent; a value `verify` refuses as `ticket_malformed` when malformed. */
  ticket: string | undefined;
  /** The randstr; `undefined` when absent; a value `verify` refuses as `randstr_malformed` when malformed. */
  randstr: string | undefined;
  /** `ticket_malformed` / `randstr_malformed` when a field was repeated, not a string or too long. */
  malformed: CaptchaFieldMalformedReason | null;
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

/** The body's own fields, and how many values each captcha field has (forms can repeat a field). */
interface ParsedBody {
  body: Record<string, unknown> | undefined;
  counts: Partial<Record<CaptchaFieldName, number>>;
}

const FIELDS: readonly CaptchaFieldName[] = ['ticket', 'randstr'];

function fromEntries(getAll: (name: string) => unknown[]): ParsedBody {
  const body: Record<string, unknown> = {};
  const counts: Partial<Record<CaptchaFieldName, number>> = {};
  for (const field of FIELDS) {
    const values = getAll(CAPTCHA_FIELD_NAMES[field]);
    if (values.length === 0) continue;
    body[CAPTCHA_FIELD_NAMES[field]] = values[0];
    counts[field] = values.length;
  }
  return { body, counts };
}

/** Parses a copy of `request`'s body (the original stays readable). Never throws. */
async function parseBody(request: Request, maxBytes: number): Promise<ParsedBody> {
  const none: ParsedBody = { body: undefined, counts: {} };
  const header = request.headers.get('content-type') ?? '';
  // Lower case only to match the media type: a multipart boundary is case-sensitive.
  const type = header.toLowerCase();
  const json = /^application\/([\w.+-]*\+)?json\b/.test(type);
  const form = type.startsWith('application/x-www-form-urlencoded');
  const multipart = type.startsWith('multipart/form-data');
  if (!json && !form && !multipart) return none;
  try {
    const bytes = await readBounded(request.clone(), maxBytes);
    if (!bytes) return none;
    if (json) {
      const data = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
      if (typeof data !== 'object' || data === null || Array.isArray(data)) return none;
      return { body: data as Record<string, unknown>, counts: {} };
    }
    if (form) {
      const params = new URLSearchParams(new TextDecoder().decode(bytes));
      return fromEntries((name) => params.getAll(name));
    }
    const data = await new Response(bytes, { headers: { 'content-type': header } }).formData();
    // A file under the field's name is not a string: malformed, by the rule.
    return fromEntries((name) => data.getAll(name));
  } catch {
    // Malformed body, body already used: the body has no fields.
    return none;
  }
}

/**
 * Reads the ticket and randstr from a request by core's extraction rule: the body fields
 * `tencent-captcha-ticket` / `tencent-captcha-randstr` (JSON, urlencoded or multipart) when the body
 * carries them at all — each then one string within its length limit, else malformed, with no
 * fallback — otherwise the headers `x-tencent-captcha-ticket` / `x-tencent-captcha-randstr` (a
 * repeated header is malformed too). A body that cannot be read (unknown content type, over
 * `maxBodyBytes`, not JSON) has no fields. Reads a clone; never throws.
 */
export async function readCaptchaFields(request: Request, options: { maxBodyBytes?: number } = {}): Promise<CaptchaRequestFields> {
  const parsed = await parseBody(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY);
  return extractCaptchaFields({ body: parsed.body, bodyValueCounts: parsed.counts, header: (name) => request.headers.get(name) });
}

const KNOWN_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * A budget scope from a Fetch request's method and pathname, normalised so that variants of one path
 * reach one scope (case, percent-encoding, repeated and trailing slashes, query). HEAD counts as GET and
 * unusual methods as `*`. Not the default of {@link verifyFetchRequest}: method and path are the
 * client's choice, so only a handler that answers exactly one path and one method may use it.
 */
export function fetchRequestBudgetScope(request: Request): string {
  let path: string;
  try {
    path = new URL(request.url).pathname;
  } catch {
    path = '/';
  }
  try {
    path = decodeURIComponent(path);
  } catch {
    // Invalid percent-encoding: keep it as sent.
  }
  path = path.toLowerCase().replace(/\/{2,}/g, '/').replace(/\/+$/, '') || '/';
  const upper = request.method.toUpperCase();
  const method = upper === 'HEAD' ? 'GET' : KNOWN_METHODS.has(upper) ? upper : '*';
  return routeBudgetScope(method, path);
}

/**
 * The client's IP behind `trustedProxies` proxies of your own that each append the address they saw
 * to `X-Forwarded-For` (nginx `$proxy_add_x_forwarded_for`): the `trustedProxies`-th value from the
 * right. Everything left of it was written by the client. `undefined` when the header has fewer
 * values than that (the request did not come through your proxies). The forms proxies write are read
 * as the address they name (`203.0.113.7:4711`, `[2001:db8::7]`, `[2001:db8::7]:443`, `fe80::7%eth0`;
 * see `normalizeClientIp`).
 *
 * @example
 * ```ts
 * // One nginx in front of the app:
 * verifyFetchRequest(verifier, request, { getUserIp: (r) => forwardedClientIp(r, 1) });
 * ```
 */
export function forwardedClientIp(request: Request, trustedProxies: number): string | undefined {
  if (!Number.isInteger(trustedProxies) || trustedProxies < 1) {
    throw new CaptchaConfigError('invalid_option', 'trustedProxies', 'trustedProxies must be a whole number of proxies, 1 or more.');
  }
  const header = request.headers.get('x-forwarded-for');
  if (header === null) return undefined;
  const hops = header.split(',').map((h) => h.trim());
  const ip = hops[hops.length - trustedProxies];
  return ip === undefined || ip === '' ? undefined : normalizeClientIp(ip);
}

/** Every option {@link verifyFetchRequest} knows; anything else is refused as a typo. */
const FETCH_OPTION_KEYS: readonly (keyof FetchRequestOptions)[] = ['getUserIp', 'getTicket', 'getRandstr', 'budgetScope', 'mode', 'signal', 'maxBodyBytes', 'maxEvilLevel', 'maxScore'];

/** Options objects already checked: a handler that hoists its options is validated once. */
const validated = new WeakSet<object>();

function invalid(option: string, message: string): CaptchaConfigError {
  return new CaptchaConfigError('invalid_option', option, message);
}

/** Throws {@link CaptchaConfigError} for options that cannot work (the call is wrong, not the request). */
function assertFetchRequestOptions(options: FetchRequestOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw invalid('options', "verifyFetchRequest needs options with getUserIp: verifyFetchRequest(verifier, request, { getUserIp: (request) => … }).");
  }
  if (validated.has(options)) return;
  assertKnownKeys(options as unknown as Record<string, unknown>, FETCH_OPTION_KEYS);
  assertRiskLimits(options as unknown as Record<string, unknown>);
  if (typeof options.getUserIp !== 'function') {
    throw invalid(
      'getUserIp',
      "getUserIp is required: a function of the request returning the end user's IP as your platform knows it (e.g. forwardedClientIp(r, 1) behind one proxy of yours; on Cloudflare Workers only, (r) => r.headers.get('cf-connecting-ip')).",
    );
  }
  for (const name of ['getTicket', 'getRandstr'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw invalid(name, `${name} must be a function of the request.`);
  }
  const scope = options.budgetScope;
  if (scope !== undefined && typeof scope !== 'function' && !isValidBudgetScope(scope)) {
    throw invalid('budgetScope', 'budgetScope must be 1 to 128 printable ASCII characters without spaces, or a function of the request.');
  }
  const modes: readonly unknown[] = Object.values(CaptchaMode);
  if (options.mode !== undefined && !modes.includes(options.mode)) throw invalid('mode', `mode must be one of ${modes.map((m) => `'${String(m)}'`).join(', ')}.`);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw invalid('signal', 'signal must be an AbortSignal.');
  const max = options.maxBodyBytes;
  if (max !== undefined && !(Number.isSafeInteger(max) && max >= 0)) throw invalid('maxBodyBytes', 'maxBodyBytes must be a non-negative integer (bytes).');
  validated.add(options);
}

/**
 * Verifies the captcha of a Fetch-API `Request`. Resolves with the verdict (check `accepted`);
 * rejects only with the abort reason of `signal` (default `request.signal`) or, for invalid options
 * (`getUserIp` missing, an unknown option such as `getUserIP`), with {@link CaptchaConfigError}.
 *
 * @example
 * ```ts
 * export async function POST(request: Request) {
 *   const verdict = await verifyFetchRequest(verifier, request, { getUserIp: (r) => forwardedClientIp(r, 1) });
 *   if (!verdict.accepted) return createVerdictResponse(verdict);
 *   // … the protected action …
 * }
 * ```
 */
export async function verifyFetchRequest(verifier: CaptchaVerifier, request: Request, options: FetchRequestOptions): Promise<CaptchaVerdict> {
  assertFetchRequestOptions(options);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const scopeOption = options.budgetScope;
  const needBody = !options.getTicket || !options.getRandstr;
  const fields = needBody ? await readCaptchaFields(request, { maxBodyBytes }) : undefined;
  const [ticket, randstr, userIp, budgetScope] = await Promise.all([
    options.getTicket ? options.getTicket(request) : fields?.ticket,
    options.getRandstr ? options.getRandstr(request) : fields?.randstr,
    options.getUserIp(request),
    typeof scopeOption === 'function' ? scopeOption(request) : (scopeOption ?? (options.mode ? `fetch_${options.mode}` : 'fetch')),
  ]);
  const signal = options.signal ?? request.signal;
  return verifier.verify(
    { ticket, randstr, userIp },
    // traceHeaders: with OpenTelemetry tracing on, the verification span joins the request's trace.
    {
      ...(signal ? { signal } : {}),
      budgetScope,
      traceHeaders: request.headers,
      userIpSource: 'getUserIp',
      ...(options.mode ? { mode: options.mode } : {}),
      ...riskLimits(options),
    },
  );
}

/**
 * A JSON `Response` for a verdict: 200 `{ code, message }` when accepted; otherwise 400/403/503
 * with `Retry-After` where due.
 */
export function createVerdictResponse(verdict: CaptchaVerdict): Response {
  const { status, headers, body } = httpResponseForVerdict(verdict);
  return new Response(JSON.stringify(body), { status, headers });
}

