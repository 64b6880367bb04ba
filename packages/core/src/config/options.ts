/**
 * Options of `createCaptchaVerifier`, validated and normalised once: the known keys, timing and
 * capacity, budgets, breaker, retry, store, proxy and telemetry. Credentials and the endpoint are
 * credentials.ts, request fields request-fields.ts, the shared checks validate.ts, the error errors.ts;
 * what each option means is types/options.ts.
 */
import type { CaptchaStore } from '../stores/contract.js';
import { isCaptchaStore } from '../stores/contract.js';
import type { CaptchaTelemetryOptions } from '../types/telemetry.js';
import type { CaptchaBreakerOptions, CaptchaBudgetOptions, CaptchaDisasterTicketOptions, CaptchaHooks, CaptchaLogger, CaptchaRetryOptions, CaptchaVerifierOptions, FetchLike, ResolvedCaptchaVerifierOptions } from '../types/options.js';
import { CaptchaConfigError } from './errors.js';
import { DEFAULT_ENDPOINT, ENV, assertCredentialsPresent, credential, processEnv } from './credentials.js';
import { assertKnownKeys, assertMode, group, integer, isPlainObject } from './validate.js';
import { resolveCredentials } from '../credentials/option.js';
import type { CredentialsOption } from '../credentials/types.js';
import { normaliseRequestFields } from './request-fields.js';

/** The options every verifier shares (see {@link normaliseCommonOptions}). */
export const COMMON_OPTION_KEYS = [
  'env',
  'endpoint',
  'attemptTimeoutMs',
  'deadlineMs',
  'storeTimeoutMs',
  'maxConnections',
  'maxQueued',
  'maxInFlightPerClient',
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
export const CAPTCHA_VERIFIER_OPTION_KEYS: readonly string[] = ['captchaAppId', 'appSecretKey', 'secretId', 'secretKey', 'credentials', ...COMMON_OPTION_KEYS];

/** Everything `createCaptchaVerifier` needs, split into the public part and the closure-only part. */
export interface NormalisedOptions {
  resolved: ResolvedCaptchaVerifierOptions;
  /** The egress proxy URL (may hold credentials, so not in `resolved`). */
  proxy: string | undefined;
  credentials: { keys: CredentialsOption; appSecretKey: string };
  store: CaptchaStore | undefined;
  hooks: CaptchaHooks;
  /** `undefined`: the default console logger; `false`: silent. */
  logger: CaptchaLogger | false | undefined;
  telemetry: CaptchaTelemetryOptions | false;
  fetch: FetchLike | undefined;
  now: () => number;
}

const MAX_MS = 10 * 60_000;

/** Validates and normalises options once. Throws {@link CaptchaConfigError}. */
export function normaliseOptions(options: CaptchaVerifierOptions = {}): NormalisedOptions {
  if (!isPlainObject(options)) throw new CaptchaConfigError('invalid_option', 'options', 'options must be an object.');
  assertKnownKeys(options as Record<string, unknown>, CAPTCHA_VERIFIER_OPTION_KEYS);
  const env = (options.env ?? processEnv()) as Record<string, string | undefined>;
  if (!isPlainObject(env)) throw new CaptchaConfigError('invalid_option', 'env', 'env must be an object of strings.');
  assertCredentialsPresent(options as Record<string, unknown>, env, options.credentials === undefined ? ['captchaAppId', 'appSecretKey', 'secretId', 'secretKey'] : ['captchaAppId', 'appSecretKey']);

  const appId = credential(options.captchaAppId, env, 'captchaAppId', /^[1-9]\d{0,15}$/, 'a positive integer (digits only)');
  const captchaAppId = Number(appId);
  if (!Number.isSafeInteger(captchaAppId)) {
    throw new CaptchaConfigError('invalid_credential', 'captchaAppId', 'captchaAppId must be a positive integer (digits only).');
  }
  // Printable ASCII without spaces; secretId also goes into `Credential=<id>/…`, so no `/` or `,`.
  const appSecretKey = credential(options.appSecretKey, env, 'appSecretKey', /^[\x21-\x7e]{1,256}$/, 'printable ASCII without spaces');
  const keys = resolveCredentials(
    options,
    env,
    () => ({
      secretId: credential(options.secretId, env, 'secretId', /^[\x21-\x2b\x2d\x2e\x30-\x7e]{1,256}$/, 'printable ASCII without spaces, "/" or ","'),
      secretKey: credential(options.secretKey, env, 'secretKey', /^[\x21-\x7e]{1,256}$/, 'printable ASCII without spaces'),
    }),
    (code, message) => {
      throw new CaptchaConfigError(code, 'credentials', message);
    },
  );

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
    credentials: { keys, appSecretKey },
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
  const maxInFlightPerClient = integer(options.maxInFlightPerClient, 'maxInFlightPerClient', 16, 1, 1_000_000);
  const maxEvilLevel = integer(options.maxEvilLevel, 'maxEvilLevel', 99, 0, 100);
  const maxScore = integer(options.maxScore, 'maxScore', 100, 0, 100);
  const mode = options.mode ?? 'adaptive';
  assertMode(mode, 'mode');
  const requestFields = normaliseRequestFields(options.requestFields, 'requestFields');

  const budgets = normaliseBudgets(options.budgets);
  const disasterTickets = normaliseDisasterTickets(options.disasterTickets);
  const br = group(options.breaker, 'breaker', ['failureThreshold', 'halfOpenAfterMs', 'samplingDurationMs', 'failureRate']);
  if (br.failureRate !== undefined && !(typeof br.failureRate === 'number' && br.failureRate > 0 && br.failureRate <= 1)) {
    throw new CaptchaConfigError('invalid_option', 'breaker.failureRate', 'breaker.failureRate must be a number in (0, 1].');
  }
  const breaker: Required<CaptchaBreakerOptions> = {
    failureThreshold: integer(br.failureThreshold, 'breaker.failureThreshold', 5, 1, 10_000),
    halfOpenAfterMs: integer(br.halfOpenAfterMs, 'breaker.halfOpenAfterMs', 15_000, 1, 3_600_000),
    samplingDurationMs: integer(br.samplingDurationMs, 'breaker.samplingDurationMs', 5000, 5, 3_600_000),
    failureRate: (br.failureRate as number | undefined) ?? 0.5,
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
  const hooks = normaliseHooks(options.hooks);
  const logger = normaliseLogger(options.logger);
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
      maxInFlightPerClient,
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

/** Validates the `budgets` option, with its defaults. */
function normaliseBudgets(value: unknown): Required<CaptchaBudgetOptions> {
  const b = group(value, 'budgets', ['windowSeconds', 'perIp', 'global', 'outagePerIp', 'outageGlobal', 'appGlobal', 'outageAppGlobal']);
  const global = integer(b.global, 'budgets.global', 30, 0, 1_000_000_000);
  const outageGlobal = integer(b.outageGlobal, 'budgets.outageGlobal', 1200, 0, 1_000_000_000);
  return {
    windowSeconds: integer(b.windowSeconds, 'budgets.windowSeconds', 60, 1, 86_400),
    perIp: integer(b.perIp, 'budgets.perIp', 3, 0, 1_000_000_000),
    global,
    outagePerIp: integer(b.outagePerIp, 'budgets.outagePerIp', 20, 0, 1_000_000_000),
    outageGlobal,
    // Across every budget scope: by default the tier's global budget (n routes do not make n × it).
    appGlobal: integer(b.appGlobal, 'budgets.appGlobal', global, 0, 1_000_000_000),
    outageAppGlobal: integer(b.outageAppGlobal, 'budgets.outageAppGlobal', outageGlobal, 0, 1_000_000_000),
  };
}

/** Validates the `disasterTickets` option, with its defaults. */
function normaliseDisasterTickets(value: unknown): Required<CaptchaDisasterTicketOptions> {
  const d = group(value, 'disasterTickets', ['maxAgeSeconds', 'clockSkewSeconds']);
  return {
    maxAgeSeconds: integer(d.maxAgeSeconds, 'disasterTickets.maxAgeSeconds', 300, 1, 86_400),
    clockSkewSeconds: integer(d.clockSkewSeconds, 'disasterTickets.clockSkewSeconds', 30, 0, 3600),
  };
}

/** Validates the `hooks` option: known names, each a function. */
function normaliseHooks(value: unknown): CaptchaHooks {
  const hooks = group(value, 'hooks', ['onVerdict', 'onBreakerOpen', 'onBreakerClose', 'onBudgetExhausted', 'onMisconfiguration', 'onStoreError']) as CaptchaHooks;
  for (const [name, fn] of Object.entries(hooks)) {
    if (fn !== undefined && typeof fn !== 'function') {
      throw new CaptchaConfigError('invalid_option', `hooks.${name}`, `hooks.${name} must be a function.`);
    }
  }
  return hooks;
}

/** Validates the `logger` option: `false`, `undefined` (the default logger), or an object of level functions. */
function normaliseLogger(value: CaptchaLogger | false | undefined): CaptchaLogger | false | undefined {
  const logger = value === false || value === undefined ? value : (group(value, 'logger') as CaptchaLogger);
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    if (logger && logger[level] !== undefined && typeof logger[level] !== 'function') {
      throw new CaptchaConfigError('invalid_option', `logger.${level}`, `logger.${level} must be a function.`);
    }
  }
  return logger;
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
