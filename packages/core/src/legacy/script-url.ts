/**
 * `CaptchaIframeQuery` (protocol.md §4.4): the one-time URL of the legacy captcha script, fetched per
 * page view. It goes through its own bounded transport, never the verifier's connections: page views
 * (which anyone can cause) must not delay verifications into timeouts that would look like an outage.
 */
import { isConnectFailure, type Transport, type TransportControl } from '../network/transport.js';
import { parseIp } from '../decision/input.js';
import { LEGACY_FORM_HEADERS, buildLegacyForm, classifyLegacyCode } from './request.js';
import { parseLegacyAnswer, sharedActionParams, signingContext } from './captcha-check.js';
import type { ResolvedLegacyOptions } from './options.js';
import type { SigningKey } from '../network/describe-captcha-result.js';

/** Why {@link LegacyScriptUrlError} was thrown. */
export const LegacyScriptUrlErrorCode = {
  /** No answer within the deadline. */
  Timeout: 'timeout',
  /** The endpoint could not be reached (connection refused, DNS, reset). */
  Unreachable: 'unreachable',
  /** Tencent says our configuration is wrong (signature, key, permissions, clock, …). */
  Misconfigured: 'misconfigured',
  /** Tencent refused the parameters (4000). */
  BadRequest: 'bad_request',
  /** Tencent throttled us (4400, HTTP 429). */
  RateLimited: 'rate_limited',
  /** Tencent failed (6000, 6200), answered a 5xx, or an answer that is not one. */
  UpstreamError: 'upstream_error',
  /** Too many script URL requests in flight on this server; refused without asking Tencent. */
  Overloaded: 'overloaded',
  /** `getScriptUrl` was called with a bad `clientType` (or neither it nor `userAgent`) or `userIp`. */
  InvalidInput: 'invalid_input',
} as const;
/** One of {@link LegacyScriptUrlErrorCode}'s values. */
export type LegacyScriptUrlErrorCode = (typeof LegacyScriptUrlErrorCode)[keyof typeof LegacyScriptUrlErrorCode];

const SCRIPT_URL_ERROR_BRAND = Symbol.for('@tencent-captcha/core.LegacyScriptUrlError');

/**
 * Thrown by `getScriptUrl` when no script URL could be had. The message never contains a secret; the
 * legacy `code` Tencent answered (if any) is in `legacyCode`. Give the element a `src` that fails to
 * load (it then falls back to a disaster ticket, which the policy weighs at login), or answer 503.
 * `instanceof` works across copies of the package.
 */
export class LegacyScriptUrlError extends Error {
  // The CJS build's tree-shaking makes the class anonymous (Node would print `Error [LegacyScriptUrlError]`);
  // the constructor names itself rather than every function being wrapped by `keepNames`.
  static {
    Object.defineProperty(this, 'name', { value: 'LegacyScriptUrlError' });
  }

  /** Why, as a stable string. */
  readonly code: LegacyScriptUrlErrorCode;
  /** The legacy API's `code` (4100, 6000, …) when Tencent answered one, else `null`. */
  readonly legacyCode: number | null;

  constructor(code: LegacyScriptUrlErrorCode, message: string, options?: { cause?: unknown; legacyCode?: number | null }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LegacyScriptUrlError';
    this.code = code;
    this.legacyCode = options?.legacyCode ?? null;
    Object.defineProperty(this, SCRIPT_URL_ERROR_BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SCRIPT_URL_ERROR_BRAND] === true;
  }
}

/**
 * Whether a user agent asks for Tencent's mobile (H5) legacy script rather than the PC one: phones
 * and tablets that say so (`Mobi`, Android, iPhone/iPad/iPod, HarmonyOS, Windows Phone). iPadOS
 * presents itself as a Mac and gets the PC script, which works there. An empty user agent gets PC.
 */
export function detectLegacyClientType(userAgent: string): 'pc' | 'mobile' {
  return /Mobi|Android|iPhone|iPad|iPod|HarmonyOS|Windows Phone/i.test(userAgent) ? 'mobile' : 'pc';
}

/** Input of `getScriptUrl`: say which script the page needs (`clientType`), or pass the request's `userAgent` and let it choose. */
export interface LegacyScriptUrlInput {
  /**
   * `pc` (`clientType` 2) or `mobile` (`clientType` 1, the H5 page). The element calls `capInit` in
   * the form the script expects (the URL says which, `clientype=2|1`), so ask for what the device is.
   * @default from `userAgent` ({@link detectLegacyClientType})
   */
  clientType?: 'pc' | 'mobile';
  /** The request's `User-Agent` header; used when `clientType` is not given. One of the two is required. */
  userAgent?: string;
  /** The end user's IP, as you will pass it to `verify` (Tencent asks for the same value in both). */
  userIp?: string;
  /** Whether the page (and so the script URL) is HTTPS (`isHttps`). @default true */
  https?: boolean;
}

/** Per-call options of `getScriptUrl`. */
export interface LegacyScriptUrlOptions {
  /** Aborts the call; it then rejects with `signal.reason`, untouched. */
  signal?: AbortSignal;
}

/** Options of {@link createScriptUrlClient}. */
export interface ScriptUrlClientOptions {
  legacy: ResolvedLegacyOptions;
  /** The API key to sign with now: the verifier's (a provider's key is refreshed there). */
  key: () => SigningKey | Promise<SigningKey>;
  /** A transport of its own (not the verifier's). */
  transport: Transport;
  now: () => number;
  /** The whole call's deadline, ms. */
  deadlineMs: number;
  /** Calls in flight at once; more are refused as `overloaded`. */
  maxInFlight: number;
  /**
   * Calls in flight at once for one client (its IP's budget key; calls without `userIp` share one
   * key); more are refused as `overloaded` for that client alone.
   */
  maxInFlightPerClient: number;
  /** Removes secrets from text that came from outside. */
  redact: (text: string) => string;
}

/** One CaptchaIframeQuery on the wire, its answer read into the script URL or a typed error. */
async function askScriptUrl(
transport: ScriptUrlClientOptions['transport'],
redact: ScriptUrlClientOptions['redact'],
body: string,
control: TransportControl,
): Promise<string> {
  let status: number;
  let text: string;
  try {
    ({ status, body: text } = await transport.send({ headers: { ...LEGACY_FORM_HEADERS }, body }, control));
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === 'RESPONSE_TOO_LARGE') {
      throw new LegacyScriptUrlError('upstream_error', 'CaptchaIframeQuery answered more than the size cap.');
    }
    throw new LegacyScriptUrlError('unreachable', `CaptchaIframeQuery could not be sent (${isConnectFailure(error) ? 'connection refused' : 'network error'}).`);
  }
  const parsed = parseLegacyAnswer(status, text);
  if (!parsed.ok) {
    const o = parsed.outcome;
    if (o.kind === 'api_error') throw new LegacyScriptUrlError('rate_limited', 'CaptchaIframeQuery was throttled (HTTP 429).');
    throw new LegacyScriptUrlError('upstream_error', `CaptchaIframeQuery gave no usable answer (${o.kind === 'failure' ? o.detail : 'unknown'}).`);
  }
  const { code, message, json } = parsed;
  if (code !== 0) {
    const kind = classifyLegacyCode(code);
    const mapped: LegacyScriptUrlErrorCode = kind === 'unavailable' ? 'upstream_error' : kind;
    throw new LegacyScriptUrlError(mapped, `CaptchaIframeQuery answered code ${code}${message ? `: ${redact(message).slice(0, 200)}` : ''}.`, { legacyCode: code });
  }
  const url = typeof json.url === 'string' ? json.url : '';
  let parsedUrl: URL | undefined;
  try {
    parsedUrl = new URL(url);
  } catch {
    parsedUrl = undefined;
  }
  if (!parsedUrl || (parsedUrl.protocol !== 'https:' && parsedUrl.protocol !== 'http:')) {
    throw new LegacyScriptUrlError('upstream_error', 'CaptchaIframeQuery answered code 0 without a script URL.');
  }
  return parsedUrl.href;
}

/** The call's parameters and its client key (per-client admission), from validated input. */
function scriptUrlParams(shared: Record<string, string | number>, input: LegacyScriptUrlInput): { params: Record<string, string | number>; client: string } {
  const given = input as Partial<LegacyScriptUrlInput> | undefined;
  const clientType = given?.clientType ?? (typeof given?.userAgent === 'string' ? detectLegacyClientType(given.userAgent) : undefined);
  if (clientType !== 'pc' && clientType !== 'mobile') {
    throw new LegacyScriptUrlError('invalid_input', "Pass clientType ('pc' or 'mobile') or the request's userAgent.");
  }
  const params: Record<string, string | number> = {
    ...shared,
    isHttps: input.https === false ? 0 : 1,
    clientType: clientType === 'mobile' ? 1 : 2,
  };
  let client = '';
  if (input.userIp !== undefined) {
    const ip = typeof input.userIp === 'string' ? parseIp(input.userIp.trim()) : undefined;
    if (!ip) throw new LegacyScriptUrlError('invalid_input', 'userIp must be an IPv4 or IPv6 address.');
    params.userIp = ip.address;
    client = ip.budgetKey;
  }
  return { params, client };
}

/** Creates `getScriptUrl`. */
export function createScriptUrlClient(options: ScriptUrlClientOptions): (input: LegacyScriptUrlInput, callOptions?: LegacyScriptUrlOptions) => Promise<string> {
  const context = signingContext(options);
  const shared = sharedActionParams(options.legacy);
  const { transport, deadlineMs, maxInFlight, maxInFlightPerClient, redact } = options;
  let inFlight = 0;
  // Calls in flight per client: one client's page views cannot take every slot (issue 18 point 4).
  const perClient = new Map<string, number>();

  return async function getScriptUrl(input, callOptions) {
    const signal = callOptions?.signal;
    if (signal?.aborted) throw signal.reason;
    const { params, client } = scriptUrlParams(shared, input);
    const held = perClient.get(client) ?? 0;
    if (held >= maxInFlightPerClient) throw new LegacyScriptUrlError('overloaded', 'Too many script URL requests in flight from this client.');
    if (inFlight >= maxInFlight) throw new LegacyScriptUrlError('overloaded', 'Too many script URL requests in flight.');
    inFlight++;
    perClient.set(client, held + 1);
    const control: TransportControl = { cancel: null };
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    try {
      let key: SigningKey;
      try {
        key = await options.key();
      } catch (error) {
        throw new LegacyScriptUrlError('misconfigured', `no usable API key: ${redact(error instanceof Error ? error.message : String(error)).slice(0, 200)}`);
      }
      const body = await buildLegacyForm(context, key, 'CaptchaIframeQuery', params);
      return await new Promise<string>((resolve, reject) => {
        timer = setTimeout(() => {
          const error = new LegacyScriptUrlError('timeout', `CaptchaIframeQuery did not answer within ${deadlineMs} ms.`);
          control.cancel?.(error);
          reject(error);
        }, deadlineMs);
        onAbort = () => {
          control.cancel?.(signal!.reason instanceof Error ? signal!.reason : new Error('aborted'));
          reject(signal!.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        if (signal?.aborted) onAbort();
        askScriptUrl(transport, redact, body, control).then(resolve, reject);
      });
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      inFlight--;
      const left = perClient.get(client)! - 1;
      if (left > 0) perClient.set(client, left);
      else perClient.delete(client);
    }
  };
}
