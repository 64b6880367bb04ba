/**
 * Options of `createCaptchaVerifier`, validated and normalised once; `CaptchaConfigError` is the one
 * error class core throws (a wrong call, never a wrong ticket).
 */
import type { CaptchaStore } from '../stores/contract.js';
import { isCaptchaStore } from '../stores/contract.js';
import type { VerdictReason } from '../decision/reasons.js';
import type { BreakerState, CaptchaMode, VerifyRequestFields, CaptchaVerdict } from '../decision/verdict.js';
import type { CaptchaTelemetryOptions } from '../operations/telemetry.js';

/** Environment variables read when the corresponding option is not given. */
export const ENV = {
  /** `secretId` — Tencent Cloud's usual variable. */
  secretId: 'TENCENTCLOUD_SECRET_ID',
  /** `secretKey` — Tencent Cloud's usual variable. */
  secretKey: 'TENCENTCLOUD_SECRET_KEY',
  /** `captchaAppId` — the CaptchaAppId of the console. */
  captchaAppId: 'TENCENT_CAPTCHA_APP_ID',
  /** `appSecretKey` — the AppSecretKey of the console. */
  appSecretKey: 'TENCENT_CAPTCHA_APP_SECRET_KEY',
  /** `endpoint` — where `DescribeCaptchaResult` goes (the emulator's `apiUrl`, the international host). */
  endpoint: 'TENCENT_CAPTCHA_ENDPOINT',
} as const;

/** Tencent's production endpoint for `DescribeCaptchaResult`. */
export const DEFAULT_ENDPOINT = 'https://captcha.tencentcloudapi.com/';

/** Budgets for accepting degraded verdicts (unknown answers and disaster tickets), per fixed window. */
export interface CaptchaBudgetOptions {
  /** Length of a budget window in seconds. @default 60 */
  windowSeconds?: number;
  /** Degraded acceptances per client IP (IPv6: per /64) per window while Tencent looks healthy. @default 3 */
  perIp?: number;
  /** Degraded acceptances in total per window while Tencent looks healthy. @default 30 */
  global?: number;
  /** Per client IP per window during an outage (breaker open, or mode `open`). @default 20 */
  outagePerIp?: number;
  /** In total per window during an outage (breaker open, or mode `open`). @default 1200 */
  outageGlobal?: number;
}

/** Checks of disaster tickets (`trerror_<code>_<appid>_<unixSeconds>`). */
export interface CaptchaDisasterTicketOptions {
  /** How old a disaster ticket may be, in seconds. @default 300 */
  maxAgeSeconds?: number;
  /** Clock difference allowed between the browser and the server, in seconds. @default 30 */
  clockSkewSeconds?: number;
}

/** The circuit breaker (one per verifier). */
export interface CaptchaBreakerOptions {
  /** Consecutive upstream failures that open the breaker. @default 5 */
  failureThreshold?: number;
  /** How long the breaker stays open before one probe request is let through, in ms. @default 15000 */
  halfOpenAfterMs?: number;
}

/** The single retry. */
export interface CaptchaRetryOptions {
  /**
   * Retry once where Tencent cannot have consumed the ticket (connection refused, `InternalError`).
   * @default true
   */
  enabled?: boolean;
  /** Wait before the retry, in ms. @default 50 */
  delayMs?: number;
}

/** Payload of {@link CaptchaHooks.onVerdict}. */
export interface VerdictEvent {
  verdict: CaptchaVerdict;
  /** The client IP as given to `verify` (`null` if it was missing). */
  userIp: string | null;
}

/** Payload of {@link CaptchaHooks.onBreakerOpen} and {@link CaptchaHooks.onBreakerClose}. */
export interface BreakerEvent {
  state: BreakerState;
  /** Unix milliseconds. */
  at: number;
  /** The failure that opened the breaker (`upstream_timeout`, …); `null` when it closed. */
  cause: VerdictReason | null;
}

/** Payload of {@link CaptchaHooks.onBudgetExhausted}. */
export interface BudgetExhaustedEvent {
  scope: 'per_ip' | 'global';
  limit: number;
  windowSeconds: number;
  /** `healthy` (breaker closed, small budget) or `outage` (breaker open or mode `open`). */
  tier: 'healthy' | 'outage';
  /** The client IP whose request was refused. */
  userIp: string;
  /** What the refused degraded verdict was about (`disaster_ticket`, `upstream_timeout`, …). */
  cause: VerdictReason;
}

/** Payload of {@link CaptchaHooks.onMisconfiguration}. Secrets are redacted from `message`. */
export interface MisconfigurationEvent {
  /** `CaptchaCode` (100, 31) or `api_error` (`AuthFailure.*`, `UnauthorizedOperation.*`, …). */
  source: 'captcha_code' | 'api_error';
  captchaCode: number | null;
  apiErrorCode: string | null;
  message: string;
  requestId: string | null;
}

/** Payload of {@link CaptchaHooks.onStoreError}. */
export interface StoreErrorEvent {
  /** What the store threw, or a timeout error. */
  error: unknown;
  timedOut: boolean;
}

/**
 * Observability hooks; none by default. They run synchronously after the decision; an exception in a
 * hook is caught (and given to `logger.error`), never changes a verdict.
 */
export interface CaptchaHooks {
  /** Every verdict. Alert on `status === 'degraded' && accepted` to see fail-open. */
  onVerdict?(event: VerdictEvent): void;
  /** The breaker opened: Tencent is failing; verification now decides without the network. */
  onBreakerOpen?(event: BreakerEvent): void;
  /** The breaker closed again after a successful probe. */
  onBreakerClose?(event: BreakerEvent): void;
  /** A degraded verdict was refused because a budget is spent. */
  onBudgetExhausted?(event: BudgetExhaustedEvent): void;
  /** Tencent says our configuration is wrong. Page someone. */
  onMisconfiguration?(event: MisconfigurationEvent): void;
  /** The store failed or timed out; degraded acceptance fails closed meanwhile. */
  onStoreError?(event: StoreErrorEvent): void;
}

/**
 * A logger; every method optional. Messages and data carry no secrets. Without one the verifier warns
 * through `console` (warn and error only, each kind at most once a minute); `logger: false` silences it.
 */
export interface CaptchaLogger {
  debug?(message: string, data?: Record<string, unknown>): void;
  info?(message: string, data?: Record<string, unknown>): void;
  warn?(message: string, data?: Record<string, unknown>): void;
  error?(message: string, data?: Record<string, unknown>): void;
}

const RATE_LIMITED = Symbol.for('@tencent-captcha/core.rateLimitedLogger');

/** Where {@link rateLimitedLogger} writes: one formatted line per call. */
export interface CaptchaLogTarget {
  info?(line: string): void;
  warn?(line: string): void;
  error?(line: string): void;
}

/**
 * A logger that behaves like the default one — info, warn and error only, each kind of line at most
 * once a minute, one line each (`[tencent-captcha] message {"data":…}`) — but writes to `target`
 * instead of `console` (Nest's `Logger`, pino, …). The Nest module uses it with Nest's `Logger`.
 *
 * @example
 * ```ts
 * const logger = new Logger('TencentCaptcha');
 * createCaptchaVerifier({ logger: rateLimitedLogger({ info: (l) => logger.log(l), warn: (l) => logger.warn(l), error: (l) => logger.error(l) }) });
 * ```
 */
export function rateLimitedLogger(target: CaptchaLogTarget): CaptchaLogger {
  const logger: CaptchaLogger = {};
  Object.defineProperty(logger, RATE_LIMITED, { value: target });
  return logger;
}

/** @internal The target of a {@link rateLimitedLogger}, if `logger` is one. */
export function rateLimitedTarget(logger: unknown): CaptchaLogTarget | undefined {
  return typeof logger === 'object' && logger !== null ? ((logger as Record<symbol, CaptchaLogTarget | undefined>)[RATE_LIMITED] ?? undefined) : undefined;
}

/** The Fetch API's `fetch`, as far as core uses it. */
export type FetchLike = (input: string, init: {
  method: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}) => Promise<{ status: number; text(): Promise<string> }>;

/** Options of `createCaptchaVerifier`. Parameters are named after Tencent's. */
export interface CaptchaVerifierOptions {
  /** CaptchaAppId from the console. @default process.env.TENCENT_CAPTCHA_APP_ID */
  captchaAppId?: number | string;
  /** AppSecretKey from the console; server side only. @default process.env.TENCENT_CAPTCHA_APP_SECRET_KEY */
  appSecretKey?: string;
  /** API key id (TC3 signing). @default process.env.TENCENTCLOUD_SECRET_ID */
  secretId?: string;
  /** API key secret (TC3 signing). @default process.env.TENCENTCLOUD_SECRET_KEY */
  secretKey?: string;
  /** Where credentials default from. @default globalThis.process?.env */
  env?: Record<string, string | undefined>;
  /**
   * The `DescribeCaptchaResult` endpoint: Tencent, the international host, or the emulator's `apiUrl`.
   * Its path must be `/`. @default process.env.TENCENT_CAPTCHA_ENDPOINT, else 'https://captcha.tencentcloudapi.com/'
   */
  endpoint?: string | URL;
  /** Timeout of one request to Tencent, in ms. @default 3000 */
  attemptTimeoutMs?: number;
  /**
   * Overall deadline of `verify`, in ms: the verdict is returned by then, whatever Tencent and the store
   * do (the network gets `deadlineMs - storeTimeoutMs`). @default 5000
   */
  deadlineMs?: number;
  /** How long a store call may take before it counts as failed, in ms. @default 250 */
  storeTimeoutMs?: number;
  /**
   * Requests on their way to Tencent at once (the transport's connections). More verifications wait in
   * a local queue; one that cannot be sent in time is refused as `overloaded` (503 + Retry-After), never
   * accepted as degraded and never counted as an outage. @default 64
   */
  maxConnections?: number;
  /**
   * Verifications that may wait for a connection. Past it, `overloaded` at once. A verification waits at
   * most until its first attempt could no longer run its whole `attemptTimeoutMs` within the deadline.
   * @default 1024
   */
  maxQueued?: number;
  /** Highest `EvilLevel` a verified ticket may have (Tencent: 100 = malicious). @default 99 */
  maxEvilLevel?: number;
  /** Highest `Score` (0–100, higher is riskier) a verified ticket may have. @default 100 (no limit) */
  maxScore?: number;
  /** How degraded verdicts are treated; overridable per call. @default 'adaptive' */
  mode?: CaptchaMode;
  /** Optional `DescribeCaptchaResult` fields sent with every call (a call's own `requestFields` win). */
  requestFields?: VerifyRequestFields;
  /** Budgets of degraded acceptance. */
  budgets?: CaptchaBudgetOptions;
  /** Checks of disaster tickets. */
  disasterTickets?: CaptchaDisasterTicketOptions;
  /** The circuit breaker. */
  breaker?: CaptchaBreakerOptions;
  /** The single retry. */
  retry?: CaptchaRetryOptions;
  /** `Retry-After` seconds for 503 refusals while the breaker is closed. @default 10 */
  retryAfterSeconds?: number;
  /** Where budgets and the replay guard live. @default createMemoryStore() */
  store?: CaptchaStore;
  /** Observability hooks. */
  hooks?: CaptchaHooks;
  /**
   * Where the verifier logs. Without it, warnings and errors go to `console`, each kind (first degraded
   * acceptance, breaker open/close, misconfiguration, store unavailable, …) at most once a minute; a
   * logger you pass gets every line (debug: each verdict) and does its own filtering. `false` silences.
   * @default console, warn/error only, rate-limited
   */
  logger?: CaptchaLogger | false;
  /**
   * OpenTelemetry metrics and traces (see the README's "Operating it"). By default the verifier uses
   * `@opentelemetry/api` when it is installed and a meter/tracer provider is registered globally, and
   * costs nothing otherwise. Pass providers to use others than the global ones; `false` turns it off.
   * @default the global providers of `@opentelemetry/api`, if installed
   */
  telemetry?: CaptchaTelemetryOptions | false;
  /**
   * A Fetch-API `fetch` to send requests with (edge runtimes, tests). Without it, Node uses undici's
   * pooled `request` with keep-alive to the endpoint.
   */
  fetch?: FetchLike | typeof globalThis.fetch;
  /** Clock, Unix milliseconds: signing timestamps, ticket freshness, budget windows. @default Date.now */
  now?: () => number;
  /**
   * An HTTP(S) proxy for egress to Tencent (`http://proxy.corp:3128`, credentials in the URL allowed:
   * they stay out of `options`, messages and logs). Uses undici's `ProxyAgent` (CONNECT tunnel). Not
   * with `fetch`: configure the proxy of the `fetch` you inject instead.
   * @default none (direct)
   */
  proxy?: string | URL;
}

/** The options after validation and defaults — without any credential but the (public) app id. */
export interface ResolvedCaptchaVerifierOptions {
  captchaAppId: number;
  endpoint: string;
  attemptTimeoutMs: number;
  deadlineMs: number;
  storeTimeoutMs: number;
  maxConnections: number;
  maxQueued: number;
  maxEvilLevel: number;
  maxScore: number;
  mode: CaptchaMode;
  requestFields: VerifyRequestFields;
  budgets: Required<CaptchaBudgetOptions>;
  disasterTickets: Required<CaptchaDisasterTicketOptions>;
  breaker: Required<CaptchaBreakerOptions>;
  retry: Required<CaptchaRetryOptions>;
  retryAfterSeconds: number;
}

/** What is wrong with a configuration. */
export const CaptchaConfigErrorCode = {
  /** A credential (app id, app secret key, secret id, secret key) is neither given nor in the environment. */
  MissingCredential: 'missing_credential',
  /** A credential has the wrong shape (e.g. a non-numeric CaptchaAppId). */
  InvalidCredential: 'invalid_credential',
  /** `endpoint` is not an http(s) URL with path `/`. */
  InvalidEndpoint: 'invalid_endpoint',
  /** Any other option has a wrong type or is out of range. */
  InvalidOption: 'invalid_option',
} as const;
/** One of {@link CaptchaConfigErrorCode}'s values. */
export type CaptchaConfigErrorCode = (typeof CaptchaConfigErrorCode)[keyof typeof CaptchaConfigErrorCode];

const CONFIG_ERROR_BRAND = Symbol.for('@tencent-captcha/core.CaptchaConfigError');

function isBranded(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[CONFIG_ERROR_BRAND] === true;
}

/**
 * Thrown by `createCaptchaVerifier` (and by `verify` for invalid per-call options) when the call itself
 * is wrong. Never thrown for a ticket. The message names the option, never its value.
 * `instanceof` works across two copies of the package (brand check via `Symbol.for`).
 */
export class CaptchaConfigError extends Error {
  // The CJS build's tree-shaking makes the class anonymous (Node would print `Error [CaptchaConfigError]`);
  // the constructor names itself rather than every function being wrapped by `keepNames`.
  static {
    Object.defineProperty(this, 'name', { value: 'CaptchaConfigError' });
  }

  /** What is wrong. */
  readonly code: CaptchaConfigErrorCode;
  /** The option at fault, as a path (`budgets.perIp`). */
  readonly option: string;

  constructor(code: CaptchaConfigErrorCode, option: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CaptchaConfigError';
    this.code = code;
    this.option = option;
    Object.defineProperty(this, CONFIG_ERROR_BRAND, { value: true });
  }

  /** Whether `value` is a `CaptchaConfigError` from any copy of this package. */
  static is(value: unknown): value is CaptchaConfigError {
    return isBranded(value);
  }

  // No reference to the class's own name inside its body: bundlers would rename the class
  // (`_CaptchaConfigError`) and that is the name Node prints.
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isBranded(value);
  }
}

/** Whether `value` is a {@link CaptchaConfigError} (from any copy of the package). */
export function isCaptchaConfigError(value: unknown): value is CaptchaConfigError {
  return CaptchaConfigError.is(value);
}

const MODES: readonly string[] = ['adaptive', 'open', 'closed'];

/** Validates a mode (options or per call). */
export function assertMode(value: unknown, option: string): asserts value is CaptchaMode {
  if (typeof value !== 'string' || !MODES.includes(value)) {
    throw new CaptchaConfigError('invalid_option', option, `${option} must be 'adaptive', 'open' or 'closed'.`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function integer(value: unknown, option: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new CaptchaConfigError('invalid_option', option, `${option} must be an integer from ${min} to ${max}.`);
  }
  return value;
}

function group(value: unknown, option: string, known?: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw new CaptchaConfigError('invalid_option', option, `${option} must be an object.`);
  if (known) assertKnownKeys(value, known, `${option}.`);
  return value;
}

/** Edit distance, case-insensitive (option names are short). */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let row = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[y.length]!;
}

/**
 * Refuses an option this version does not know (a typo such as `deadlineMS` would otherwise be
 * ignored silently and leave the default in force), naming the nearest known option.
 */
export function assertKnownKeys(value: Record<string, unknown>, known: readonly string[], prefix = ''): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const k of known) {
      const d = distance(key, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    if (bestDistance > Math.max(2, Math.floor(key.length / 3))) {
      // `threshold` for `failureThreshold`, `timeoutMs` for `attemptTimeoutMs`: a part of the name.
      const lower = key.toLowerCase();
      best = lower.length >= 4 ? known.find((k) => k.toLowerCase().includes(lower) || lower.includes(k.toLowerCase())) : undefined;
    }
    const hint = best !== undefined ? ` Did you mean \`${prefix}${best}\`?` : '';
    throw new CaptchaConfigError('invalid_option', `${prefix}${key}`, `\`${prefix}${key}\` is not an option.${hint}`);
  }
}

/** The options every verifier shares (see {@link normaliseCommonOptions}). */
export const COMMON_OPTION_KEYS = [
  'env',
  'endpoint',
  'attemptTimeoutMs',
  'deadlineMs',
  'storeTimeoutMs',
  'maxConnections',
  'maxQueued',
  'maxEvilLevel',
  'maxScore',
  'mode',
  'requestFields',
  'budgets',
  'disasterTickets',
  'breaker',
  'retry',
  'retryAfterSeconds',
  'store',
  'hooks',
  'logger',
  'telemetry',
  'fetch',
  'proxy',
  'now',
] as const;

/** Every option of `createCaptchaVerifier`. */
export const CAPTCHA_VERIFIER_OPTION_KEYS: readonly string[] = ['captchaAppId', 'appSecretKey', 'secretId', 'secretKey', ...COMMON_OPTION_KEYS];

function credential(
  given: unknown,
  env: Record<string, string | undefined>,
  option: keyof typeof ENV,
  pattern: RegExp,
  shape: string,
): string {
  const fromEnv = given === undefined;
  const raw = fromEnv ? env[ENV[option]] : given;
  const where = fromEnv ? `${option} (environment variable ${ENV[option]})` : option;
  if (raw === undefined || raw === '') {
    throw new CaptchaConfigError(
      'missing_credential',
      option,
      `${option} is required: pass it or set the environment variable ${ENV[option]}.`,
    );
  }
  const text = typeof raw === 'number' && option === 'captchaAppId' ? String(raw) : raw;
  // The message names the option and the expected shape, never the value: it may be a secret.
  if (typeof text !== 'string' || !pattern.test(text)) {
    throw new CaptchaConfigError('invalid_credential', option, `${where} must be ${shape}.`);
  }
  return text;
}

/**
 * Throws one `missing_credential` error naming every credential that is neither given nor in the
 * environment, so a deployment is fixed in one go rather than one variable per restart.
 */
export function assertCredentialsPresent(
  options: Record<string, unknown>,
  env: Record<string, string | undefined>,
  names: ReadonlyArray<keyof typeof ENV>,
): void {
  const missing = names.filter((name) => {
    const raw = options[name] === undefined ? env[ENV[name]] : options[name];
    return raw === undefined || raw === '';
  });
  if (missing.length === 0) return;
  const list = missing.join(', ');
  const vars = missing.map((name) => ENV[name]).join(', ');
  throw new CaptchaConfigError(
    'missing_credential',
    missing[0]!,
    missing.length === 1
      ? `${list} is required: pass it or set the environment variable ${vars}.`
      : `${list} are required: pass them or set the environment variables ${vars}.`,
  );
}

/** Everything `createCaptchaVerifier` needs, split into the public part and the closure-only part. */
export interface NormalisedOptions {
  resolved: ResolvedCaptchaVerifierOptions;
  /** The egress proxy URL (may hold credentials, so not in `resolved`). */
  proxy: string | undefined;
  credentials: { secretId: string; secretKey: string; appSecretKey: string };
  store: CaptchaStore | undefined;
  hooks: CaptchaHooks;
  /** `undefined`: the default console logger; `false`: silent. */
  logger: CaptchaLogger | false | undefined;
  telemetry: CaptchaTelemetryOptions | false;
  fetch: FetchLike | undefined;
  now: () => number;
}

function processEnv(): Record<string, string | undefined> {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env ?? {};
}

const MAX_MS = 10 * 60_000;

/** Validates and normalises options once. Throws {@link CaptchaConfigError}. */
export function normaliseOptions(options: CaptchaVerifierOptions = {}): NormalisedOptions {
  if (!isPlainObject(options)) throw new CaptchaConfigError('invalid_option', 'options', 'options must be an object.');
  assertKnownKeys(options as Record<string, unknown>, CAPTCHA_VERIFIER_OPTION_KEYS);
  const env = (options.env ?? processEnv()) as Record<string, string | undefined>;
  if (!isPlainObject(env)) throw new CaptchaConfigError('invalid_option', 'env', 'env must be an object of strings.');
  assertCredentialsPresent(options as Record<string, unknown>, env, ['captchaAppId', 'appSecretKey', 'secretId', 'secretKey']);

  const appId = credential(options.captchaAppId, env, 'captchaAppId', /^[1-9]\d{0,15}$/, 'a positive integer (digits only)');
  const captchaAppId = Number(appId);
  if (!Number.isSafeInteger(captchaAppId)) {
    throw new CaptchaConfigError('invalid_credential', 'captchaAppId', 'captchaAppId must be a positive integer (digits only).');
  }
  // Printable ASCII without spaces; secretId also goes into `Credential=<id>/…`, so no `/` or `,`.
  const appSecretKey = credential(options.appSecretKey, env, 'appSecretKey', /^[\x21-\x7e]{1,256}$/, 'printable ASCII without spaces');
  const secretId = credential(options.secretId, env, 'secretId', /^[\x21-\x2b\x2d\x2e\x30-\x7e]{1,256}$/, 'printable ASCII without spaces, "/" or ","');
  const secretKey = credential(options.secretKey, env, 'secretKey', /^[\x21-\x7e]{1,256}$/, 'printable ASCII without spaces');

  const common = normaliseCommonOptions(options);
  let endpoint: URL;
  const endpointFromEnv = options.endpoint === undefined && Boolean(env[ENV.endpoint]);
  const endpointName = endpointFromEnv ? `endpoint (environment variable ${ENV.endpoint})` : 'endpoint';
  try {
    endpoint = new URL(String(options.endpoint ?? (env[ENV.endpoint] || DEFAULT_ENDPOINT)));
  } catch (cause) {
    throw new CaptchaConfigError('invalid_endpoint', 'endpoint', `${endpointName} must be an absolute http(s) URL.`, { cause });
  }
  if (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:') {
    throw new CaptchaConfigError('invalid_endpoint', 'endpoint', `${endpointName} must be an http(s) URL.`);
  }
  if (endpoint.pathname !== '/' || endpoint.search !== '' || endpoint.hash !== '' || endpoint.username !== '' || endpoint.password !== '') {
    throw new CaptchaConfigError('invalid_endpoint', 'endpoint', `${endpointName} must be an origin (path "/", no query, no user info): TC3 signs the path "/".`);
  }
  return {
    ...common,
    proxy: normaliseProxy(options.proxy, options.fetch !== undefined),
    resolved: { captchaAppId, endpoint: endpoint.href, ...common.resolved },
    credentials: { secretId, secretKey, appSecretKey },
  };
}

/** The options every verifier shares (timeouts, policy, budgets, breaker, store, hooks, IO), validated. */
export interface NormalisedCommonOptions {
  resolved: Omit<ResolvedCaptchaVerifierOptions, 'captchaAppId' | 'endpoint'>;
  store: CaptchaStore | undefined;
  hooks: CaptchaHooks;
  /** `undefined`: the default console logger; `false`: silent. */
  logger: CaptchaLogger | false | undefined;
  telemetry: CaptchaTelemetryOptions | false;
  fetch: FetchLike | undefined;
  now: () => number;
}

/**
 * Validates and normalises the options every verifier shares (all but credentials and endpoint), for
 * `createCaptchaVerifier` and the legacy verifier. Throws {@link CaptchaConfigError}.
 */
export function normaliseCommonOptions(options: Partial<CaptchaVerifierOptions>): NormalisedCommonOptions {
  if (!isPlainObject(options)) throw new CaptchaConfigError('invalid_option', 'options', 'options must be an object.');
  const deadlineMs = integer(options.deadlineMs, 'deadlineMs', 5000, 10, MAX_MS);
  const attemptTimeoutMs = integer(options.attemptTimeoutMs, 'attemptTimeoutMs', Math.min(3000, deadlineMs), 1, deadlineMs);
  const storeTimeoutMs = integer(options.storeTimeoutMs, 'storeTimeoutMs', Math.min(250, Math.floor(deadlineMs / 4)), 1, deadlineMs - 1);
  const maxConnections = integer(options.maxConnections, 'maxConnections', 64, 1, 4096);
  const maxQueued = integer(options.maxQueued, 'maxQueued', 1024, 0, 1_000_000);
  const maxEvilLevel = integer(options.maxEvilLevel, 'maxEvilLevel', 99, 0, 100);
  const maxScore = integer(options.maxScore, 'maxScore', 100, 0, 100);
  const mode = options.mode ?? 'adaptive';
  assertMode(mode, 'mode');
  const requestFields = normaliseRequestFields(options.requestFields, 'requestFields');

  const b = group(options.budgets, 'budgets', ['windowSeconds', 'perIp', 'global', 'outagePerIp', 'outageGlobal']);
  const budgets: Required<CaptchaBudgetOptions> = {
    windowSeconds: integer(b.windowSeconds, 'budgets.windowSeconds', 60, 1, 86_400),
    perIp: integer(b.perIp, 'budgets.perIp', 3, 0, 1_000_000_000),
    global: integer(b.global, 'budgets.global', 30, 0, 1_000_000_000),
    outagePerIp: integer(b.outagePerIp, 'budgets.outagePerIp', 20, 0, 1_000_000_000),
    outageGlobal: integer(b.outageGlobal, 'budgets.outageGlobal', 1200, 0, 1_000_000_000),
  };
  const d = group(options.disasterTickets, 'disasterTickets', ['maxAgeSeconds', 'clockSkewSeconds']);
  const disasterTickets: Required<CaptchaDisasterTicketOptions> = {
    maxAgeSeconds: integer(d.maxAgeSeconds, 'disasterTickets.maxAgeSeconds', 300, 1, 86_400),
    clockSkewSeconds: integer(d.clockSkewSeconds, 'disasterTickets.clockSkewSeconds', 30, 0, 3600),
  };
  const br = group(options.breaker, 'breaker', ['failureThreshold', 'halfOpenAfterMs']);
  const breaker: Required<CaptchaBreakerOptions> = {
    failureThreshold: integer(br.failureThreshold, 'breaker.failureThreshold', 5, 1, 10_000),
    halfOpenAfterMs: integer(br.halfOpenAfterMs, 'breaker.halfOpenAfterMs', 15_000, 1, 3_600_000),
  };
  const r = group(options.retry, 'retry', ['enabled', 'delayMs']);
  if (r.enabled !== undefined && typeof r.enabled !== 'boolean') {
    throw new CaptchaConfigError('invalid_option', 'retry.enabled', 'retry.enabled must be a boolean.');
  }
  const retry: Required<CaptchaRetryOptions> = {
    enabled: r.enabled ?? true,
    delayMs: integer(r.delayMs, 'retry.delayMs', 50, 0, 10_000),
  };
  const retryAfterSeconds = integer(options.retryAfterSeconds, 'retryAfterSeconds', 10, 1, 86_400);

  if (options.store !== undefined && !isCaptchaStore(options.store)) {
    throw new CaptchaConfigError('invalid_option', 'store', 'store must implement acceptDegraded() (createMemoryStore, createRedisStore).');
  }
  const hooks = group(options.hooks, 'hooks', ['onVerdict', 'onBreakerOpen', 'onBreakerClose', 'onBudgetExhausted', 'onMisconfiguration', 'onStoreError']) as CaptchaHooks;
  for (const [name, fn] of Object.entries(hooks)) {
    if (fn !== undefined && typeof fn !== 'function') {
      throw new CaptchaConfigError('invalid_option', `hooks.${name}`, `hooks.${name} must be a function.`);
    }
  }
  const logger = options.logger === false || options.logger === undefined ? options.logger : (group(options.logger, 'logger') as CaptchaLogger);
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    if (logger && logger[level] !== undefined && typeof logger[level] !== 'function') {
      throw new CaptchaConfigError('invalid_option', `logger.${level}`, `logger.${level} must be a function.`);
    }
  }
  const telemetry = normaliseTelemetry(options.telemetry);
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new CaptchaConfigError('invalid_option', 'fetch', 'fetch must be a function.');
  }
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw new CaptchaConfigError('invalid_option', 'now', 'now must be a function returning Unix milliseconds.');
  }

  return {
    resolved: {
      attemptTimeoutMs,
      deadlineMs,
      storeTimeoutMs,
      maxConnections,
      maxQueued,
      maxEvilLevel,
      maxScore,
      mode,
      requestFields,
      budgets,
      disasterTickets,
      breaker,
      retry,
      retryAfterSeconds,
    },
    store: options.store,
    hooks,
    logger,
    telemetry,
    fetch: options.fetch as FetchLike | undefined,
    now: (options.now as (() => number) | undefined) ?? Date.now,
  };
}

const DEVICE_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * Validates optional `DescribeCaptchaResult` fields (verifier options or per call). Throws
 * {@link CaptchaConfigError} naming the field; never echoes the value.
 */
export function normaliseRequestFields(value: unknown, option: string): VerifyRequestFields {
  const g = group(value, option);
  const known = ['businessId', 'sceneId', 'macAddress', 'imei', 'needGetCaptchaTime'];
  for (const key of Object.keys(g)) {
    if (!known.includes(key)) throw new CaptchaConfigError('invalid_option', `${option}.${key}`, `${option}.${key} is not a DescribeCaptchaResult field (${known.join(', ')}).`);
  }
  const out: VerifyRequestFields = {};
  if (g.businessId !== undefined) out.businessId = integer(g.businessId, `${option}.businessId`, 0, 0, 4_294_967_295);
  if (g.sceneId !== undefined) out.sceneId = integer(g.sceneId, `${option}.sceneId`, 0, 0, 4_294_967_295);
  for (const key of ['macAddress', 'imei'] as const) {
    const v = g[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !DEVICE_ID.test(v)) {
      throw new CaptchaConfigError('invalid_option', `${option}.${key}`, `${option}.${key} must be 1 to 128 printable ASCII characters without spaces.`);
    }
    out[key] = v;
  }
  if (g.needGetCaptchaTime !== undefined) {
    if (typeof g.needGetCaptchaTime !== 'boolean') {
      throw new CaptchaConfigError('invalid_option', `${option}.needGetCaptchaTime`, `${option}.needGetCaptchaTime must be a boolean.`);
    }
    out.needGetCaptchaTime = g.needGetCaptchaTime;
  }
  return out;
}

/** Validates a per-call risk limit (0–100). */
export function assertRiskLimit(value: unknown, option: 'maxEvilLevel' | 'maxScore'): asserts value is number {
  integer(value, option, 0, 0, 100);
}

/** Validates the `proxy` option; never echoes it (it may hold credentials). */
export function normaliseProxy(value: unknown, withFetch: boolean): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new CaptchaConfigError('invalid_option', 'proxy', 'proxy must be an http:// or https:// URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CaptchaConfigError('invalid_option', 'proxy', 'proxy must be an http:// or https:// URL.');
  if (withFetch) throw new CaptchaConfigError('invalid_option', 'proxy', 'proxy does not apply to an injected fetch: configure the proxy of that fetch instead.');
  return url.href;
}

/** Validates the `telemetry` option: `false`, or an object of providers (each with its `get…` method). */
function normaliseTelemetry(value: unknown): CaptchaTelemetryOptions | false {
  if (value === false) return false;
  const t = group(value, 'telemetry', ['meterProvider', 'tracerProvider']) as CaptchaTelemetryOptions;
  if (t.meterProvider !== undefined && typeof (t.meterProvider as { getMeter?: unknown } | null)?.getMeter !== 'function') {
    throw new CaptchaConfigError('invalid_option', 'telemetry.meterProvider', 'telemetry.meterProvider must be an OpenTelemetry MeterProvider (getMeter()).');
  }
  if (t.tracerProvider !== undefined && typeof (t.tracerProvider as { getTracer?: unknown } | null)?.getTracer !== 'function') {
    throw new CaptchaConfigError('invalid_option', 'telemetry.tracerProvider', 'telemetry.tracerProvider must be an OpenTelemetry TracerProvider (getTracer()).');
  }
  return t;
}
