/**
 * The verdict `verify()` returns: what Tencent said (if anything), what the policy decided and why.
 * A rejected ticket is a verdict, never an exception.
 */
import type { VerdictReason, VerdictStatus } from './reasons.js';
import type { TraceHeaders } from './telemetry.js';

/** How the verifier treats an upstream failure or a disaster ticket (design §3.2). */
export const CaptchaMode = {
  /**
   * Accept degraded verdicts within the budget: the small budget while Tencent looks healthy (breaker
   * closed), the outage budget while the breaker is open. The default.
   */
  Adaptive: 'adaptive',
  /** Accept degraded verdicts within the outage budget, whatever Tencent's health. */
  Open: 'open',
  /** Never accept a degraded verdict; adapters answer 503 with `Retry-After` on an outage. */
  Closed: 'closed',
} as const;
/** One of {@link CaptchaMode}'s values. */
export type CaptchaMode = (typeof CaptchaMode)[keyof typeof CaptchaMode];

/** Which branch of the policy made the decision — for dashboards and for reading a verdict in a log. */
export const PolicyBranch = {
  /** The input was missing or malformed; nothing was sent to Tencent. */
  Input: 'input',
  /** A disaster ticket failed the local checks (app id, freshness); nothing was sent to Tencent. */
  DisasterTicketCheck: 'disaster_ticket_check',
  /** Tencent's CaptchaCode decided (verified, or refused the ticket). */
  TencentAnswer: 'tencent_answer',
  /** Tencent passed the ticket but EvilLevel or Score is over the configured limit. */
  RiskLimit: 'risk_limit',
  /** Tencent says our configuration is wrong (CaptchaCode 100, `AuthFailure.*`, …). */
  Misconfigured: 'misconfigured',
  /** Tencent throttled us; a flood can cause that, so it never opens the gate. */
  RateLimited: 'rate_limited',
  /** The answer is unknown and the mode is `closed`. */
  ModeClosed: 'mode_closed',
  /** The ticket was already accepted without Tencent's word. */
  ReplayGuard: 'replay_guard',
  /** The degraded-acceptance budget (per IP or global) is spent. */
  Budget: 'budget',
  /** The store could not be reached, so degraded acceptance failed closed. */
  StoreFailure: 'store_failure',
  /** The answer is unknown (or a disaster ticket) and the policy accepted it within the budget. */
  DegradedAccept: 'degraded_accept',
  /** A bug in the verifier; rejected, and reported through the logger. */
  InternalError: 'internal_error',
  /** This server could not send the request in time (local overload); nothing was decided about the ticket. */
  Overloaded: 'overloaded',
} as const;
/** One of {@link PolicyBranch}'s values. */
export type PolicyBranch = (typeof PolicyBranch)[keyof typeof PolicyBranch];

/** State of the verifier's circuit breaker when the decision was made. */
export const BreakerState = {
  Closed: 'closed',
  Open: 'open',
  HalfOpen: 'half_open',
} as const;
/** One of {@link BreakerState}'s values. */
export type BreakerState = (typeof BreakerState)[keyof typeof BreakerState];

/** The parts of a disaster ticket (`trerror_<errorCode>_<appId>_<timestamp>`) — what it claims, not proof. */
export interface VerdictDisasterTicket {
  prefix: 'trerror_' | 'terror_';
  /** Client errorCode the browser reported (1001 script failed to load, …). */
  errorCode: number;
  /** CaptchaAppId in the ticket. */
  appId: string;
  /** Unix seconds in the ticket. */
  timestamp: number;
}

/** An error Tencent's API answered with (`Response.Error`). Secrets are redacted from `message`. */
export interface VerdictApiError {
  code: string;
  message: string;
}

/**
 * The result of {@link CaptchaVerifier.verify}. JSON-serialisable; absent values are `null`.
 * Never contains a secret.
 */
export interface CaptchaVerdict {
  /** `verified`, `degraded` or `rejected`; always the status of `reason` in the reason table. */
  status: VerdictStatus;
  /** Whether the caller may proceed. `true` for `verified`, and for `degraded` when the policy accepted it. */
  accepted: boolean;
  /** Stable snake_case reason (see `VERDICT_REASONS`). */
  reason: VerdictReason;
  /** A short English sentence for logs and error bodies. */
  message: string;
  /**
   * For degraded decisions: what made Tencent's answer unknown (`upstream_timeout`, `breaker_open`,
   * `disaster_ticket`, …). Equal to `reason` unless a policy refusal (`budget_exhausted`,
   * `ticket_replayed`, `store_unavailable`) replaced it. `null` when Tencent answered.
   */
  cause: VerdictReason | null;
  /** The policy branch that decided. */
  branch: PolicyBranch;
  /** The mode the decision was made under. */
  mode: CaptchaMode;
  /** Tencent's CaptchaCode of the last attempt, `null` if there was no answer. */
  captchaCode: number | null;
  /** Tencent's `CaptchaMsg`, `null` if absent. */
  captchaMsg: string | null;
  /** Tencent's `RequestId` of the last attempt, `null` if there was no answer. */
  requestId: string | null;
  /** Tencent's `EvilLevel` (0 no malice … 100 malicious), `null` if absent. */
  evilLevel: number | null;
  /** Tencent's `Score` (0–100, higher is riskier), `null` if absent. */
  score: number | null;
  /** Unix seconds the browser fetched the captcha (`GetCaptchaTime`; asked for with `needGetCaptchaTime`), `null` if absent. */
  getCaptchaTime: number | null;
  /** Unix seconds the captcha was submitted (`SubmitCaptchaTime`), `null` if absent. */
  submitCaptchaTime: number | null;
  /** Tencent's `EvilBitmap` (interception type; semantics undocumented), `null` if absent. */
  evilBitmap: number | null;
  /** Tencent's `DeviceRiskCategory` (values undocumented, e.g. `"301"`), `null` if absent. */
  deviceRiskCategory: string | null;
  /** The API error of the last attempt, if Tencent answered with one. */
  apiError: VerdictApiError | null;
  /** The disaster ticket, when the ticket was one and it parsed. */
  disasterTicket: VerdictDisasterTicket | null;
  /** Requests sent to Tencent (0 when decided locally or while the breaker was open; at most 2). */
  attempts: number;
  /** Milliseconds from the call to the verdict. */
  latencyMs: number;
  /** The circuit breaker's state when the decision was made. */
  breaker: BreakerState;
  /** Seconds a client should wait before retrying, for refusals answered with 503; otherwise `null`. */
  retryAfterSeconds: number | null;
}

/** What to verify: the two strings the browser's captcha produced and the end user's IP. */
export interface VerifyInput {
  /** `ticket` from the captcha callback (or a disaster ticket `trerror_…`). */
  ticket: string | null | undefined;
  /** `randstr` from the captcha callback. */
  randstr: string | null | undefined;
  /** The end user's public IP as your server sees it (IPv4 or IPv6). */
  userIp: string | null | undefined;
}

/** Per-call options of {@link CaptchaVerifier.verify}. */
export interface VerifyOptions {
  /**
   * Aborts the verification. `verify` then rejects with `signal.reason` — untouched, never wrapped —
   * and no further request is sent. No budget is spent for an aborted call unless the decision was
   * already committed.
   */
  signal?: AbortSignal;
  /** Overrides the verifier's `mode` for this call (e.g. `closed` for a login, `open` for comments). */
  mode?: CaptchaMode;
  /**
   * Which budgets this call spends. Degraded acceptances are counted per scope, so an `open` comments
   * route cannot spend the budget of an `adaptive` login route. Adapters default it to the route
   * (`POST /login`). 1–128 printable ASCII characters.
   * @default 'default'
   */
  budgetScope?: string;
  /** Overrides the verifier's `maxEvilLevel` for this call (0–100), e.g. stricter on a login route. */
  maxEvilLevel?: number;
  /** Overrides the verifier's `maxScore` for this call (0–100). */
  maxScore?: number;
  /** Optional `DescribeCaptchaResult` fields for this call; merged over the verifier's `requestFields`. */
  requestFields?: VerifyRequestFields;
  /**
   * The incoming request's headers (Node's `req.headers`, Koa's `ctx.headers`, a Fetch `Headers`), so
   * the verification span joins the caller's trace (`traceparent`) when no span is active already.
   * Only read when OpenTelemetry tracing is on; the adapters pass it.
   */
  traceHeaders?: TraceHeaders;
  /**
   * Where the caller took `userIp` from (`getUserIp`, `req.ip`, `ctx.ip`, a header name). When the IP
   * is missing or invalid (`400 user_ip_invalid`), the verifier warns, at most once a minute per
   * source, naming it and what it gave, so a misconfigured getter (a Cloudflare header off
   * Cloudflare, a proxy that sets none) shows in the log instead of silently refusing everyone.
   * The adapters pass it. @default 'verify() input userIp'
   */
  userIpSource?: string;
}

/**
 * The optional fields of `DescribeCaptchaResult` (protocol.md §2.2). Tencent marks `BusinessId` and
 * `SceneId` reserved; `MacAddress`/`Imei` identify the device, for apps that know it.
 */
export interface VerifyRequestFields {
  /** `BusinessId`: a non-negative integer. */
  businessId?: number;
  /** `SceneId`: a non-negative integer. */
  sceneId?: number;
  /** `MacAddress`: MAC address or device id, 1–128 printable ASCII characters. */
  macAddress?: string;
  /** `Imei`: the phone's device id, 1–128 printable ASCII characters. */
  imei?: string;
  /** `NeedGetCaptchaTime: 1`: Tencent then answers `GetCaptchaTime` (see the verdict's `getCaptchaTime`). */
  needGetCaptchaTime?: boolean;
}
