/**
 * Options of `createCaptchaVerifier`, validated and normalised once; `CaptchaConfigError` is the one
 * error class core throws (a wrong call, never a wrong ticket).
 */
import type { CaptchaStore } from '../stores/contract.js';
import { isCaptchaStore } from '../stores/contract.js';
import type { VerdictReason } from '../types/reasons.js';
import type { BreakerState, CaptchaMode, VerifyRequestFields, CaptchaVerdict } from '../types/verdict.js';
import type { CaptchaTelemetryOptions } from '../types/telemetry.js';
import type { CaptchaBreakerOptions, CaptchaBudgetOptions, CaptchaDisasterTicketOptions, CaptchaHooks, CaptchaLogTarget, CaptchaLogger, CaptchaRetryOptions, CaptchaVerifierOptions, FetchLike, ResolvedCaptchaVerifierOptions } from '../types/options.js';

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

const RATE_LIMITED = Symbol.for('@tencent-captcha/core.rateLimitedLogger');

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
