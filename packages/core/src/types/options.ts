/**
 * The options of `createCaptchaVerifier` as types: what each setting means and its default, the
 * events hooks receive, the logger. Validation lives in `config/`; this file imports only other
 * shared types and the store contract (itself a leaf).
 */
import type { CredentialsOption } from '../credentials/types.js';
import type { CaptchaStore } from '../stores/contract.js';
import type { VerdictReason } from './reasons.js';
import type { CaptchaTelemetryOptions } from './telemetry.js';
import type { BreakerState, CaptchaMode, CaptchaVerdict, VerifyRequestFields } from './verdict.js';

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
  /**
   * In total per window across every budget scope (route) while Tencent looks healthy: n routes do
   * not make n × `global`. It also bounds what the store must remember. @default `global`
   */
  appGlobal?: number;
  /** In total per window across every budget scope during an outage. @default `outageGlobal` */
  outageAppGlobal?: number;
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
  /**
   * Upstream failures within `samplingDurationMs` needed to open the breaker. The failures must also
   * make up at least `failureRate` of the requests that reached Tencent and be spread over time (seen
   * in at least three of the five equal parts of `samplingDurationMs`, or in `failureThreshold`
   * parts when it is 1 or 2), so with the default one burst of failures,
   * however large, never opens it, while a real outage opens it about 2 s after its first failure
   * is seen (with the default duration). @default 5
   */
  failureThreshold?: number;
  /** The duration over which failures are judged, in ms. @default 5000 */
  samplingDurationMs?: number;
  /** Share of the requests within `samplingDurationMs` that must have failed (0–1]. @default 0.5 */
  failureRate?: number;
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
  /** `per_ip` and `global` are per budget scope; `app` is the app-wide cap across all scopes. */
  scope: 'per_ip' | 'global' | 'app';
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
  /**
   * `CaptchaCode` (100, 31), `api_error` (`AuthFailure.*`, `UnauthorizedOperation.*`, …), or
   * `credentials`: the credential provider gave no usable key (nothing was sent to Tencent); or
   * `transport`: the request failed in this process before anything was sent (a transport that cannot
   * run in this runtime, a broken `fetch`); `message` says what failed.
   */
  source: 'captcha_code' | 'api_error' | 'credentials' | 'transport';
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
/** Where {@link rateLimitedLogger} writes: one formatted line per call. */
export interface CaptchaLogTarget {
  info?(line: string): void;
  warn?(line: string): void;
  error?(line: string): void;
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
  /**
   * The API key to sign with, instead of `secretId`/`secretKey`: a static `{ secretId, secretKey,
   * token? }` (`token` for a temporary key) or a provider `{ getCredential() }` such as
   * `fromCvmRole()`, `defaultCredentialChain()` or one of the official SDK's. A provider's keys are
   * refreshed in the background before they expire (README "Credentials").
   * @default secretId/secretKey, else TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY and TENCENTCLOUD_SESSION_TOKEN
   */
  credentials?: CredentialsOption;
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
  /**
   * Verifications one client (one IPv4 address, or one IPv6 /64) may have waiting for or talking to
   * Tencent at once. Past it, that client's verification is `overloaded` (503) at once, and no one
   * else's: one client cannot fill the queue in front of Tencent. Waiting verifications get
   * connections in turn per client (round-robin), not first come first served. @default 16
   */
  maxInFlightPerClient?: number;
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
  /**
   * `Retry-After` seconds for 503 refusals of an outage (except `budget_exhausted`, which says when
   * its window ends, and `overloaded`, 1 s). The same whether the breaker is open or closed, so that
   * clients cannot read the breaker's state from it. @default 10
   */
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
  maxInFlightPerClient: number;
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
