/**
 * `createCaptchaVerifier`: options once, then `verify()` — input checks, the call to Tencent (local
 * queue → breaker → attempt timer → one retry, all under one deadline), the policy (policy.ts), the
 * store, hooks. Never throws for a ticket; answers within the deadline; honours the caller's signal;
 * leaves no timer behind.
 *
 * The threat model (design §3.2a) shapes the network part:
 * - a request waits for a connection in a bounded local queue (dispatch-queue.ts); one that cannot be
 *   sent in time is `overloaded` (503), never degraded, never counted by the breaker;
 * - the attempt timer starts when the request holds a connection, so local waiting never looks like
 *   Tencent's silence; a timer that fires far too late (event-loop lag) is `overloaded` too;
 * - a request whose caller went away counts neither as a failure nor as a success, and a half-open
 *   probe is not cancelled by its caller: it finishes on its own timer and decides the breaker.
 *
 * `createVerifierEngine` is the same pipeline over any {@link UpstreamClient}: the legacy `CaptchaCheck`
 * verifier uses it too.
 */
import { createBreaker, type BreakerAdmission } from '../network/breaker.js';
import {
  createDescribeCaptchaResultClient,
  isRetryable,
  isUpstreamFailure,
  requestFieldsJson,
  type AttemptOutcome,
  type UpstreamClient,
} from '../network/describe-captcha-result.js';
import { createDispatchQueue } from '../network/dispatch-queue.js';
import { runCheck, type CredentialShape } from '../operations/checks.js';
import { type CaptchaCheckReport, type CheckOptions } from '../types/check.js';
import { misconfigurationHint, networkHint } from '../operations/hints.js';
import { validateInput, type ValidInput } from '../decision/input.js';
import { CaptchaConfigError, assertMode, assertRiskLimit, normaliseOptions, normaliseRequestFields, rateLimitedTarget } from '../config/options.js';
import { type CaptchaHooks, type CaptchaLogger, type CaptchaVerifierOptions, type MisconfigurationEvent, type ResolvedCaptchaVerifierOptions } from '../types/options.js';
import {
  checkDisasterTicket,
  decide,
  settleDegraded,
  storeRequestParts,
  type DegradedCandidate,
  type FinalDecision,
  type UpstreamOutcome,
} from '../decision/policy.js';
import { PolicyReason, type VerdictReason } from '../types/reasons.js';
import { describeVerdictReason } from '../decision/reasons.js';
import { createMemoryStore } from '../stores/memory.js';
import type { CaptchaStore, DegradedAcceptanceResult } from '../stores/contract.js';
import { createVerifierTelemetry, type AttemptSummary, type VerificationSpan } from '../operations/telemetry.js';
import { type CaptchaTelemetryOptions } from '../types/telemetry.js';
import { createTransport, type Transport, type TransportControl } from '../network/transport.js';
import type { CaptchaMode, CaptchaVerdict, VerdictDisasterTicket, VerifyInput, VerifyOptions } from '../types/verdict.js';
import type { CaptchaVerifier } from '../types/verifier.js';

const REDACTED = '[redacted]';
/** Abort reason telling a store its call is over (a plain value: no DOMException per call). */
const STORE_CALL_DONE = Object.freeze({ name: 'StoreCallDone', message: 'the verifier no longer waits for this store call' });
/** Reason a transport gets when the attempt timer cancels its request. */
const ATTEMPT_TIMED_OUT = Object.freeze(Object.assign(new Error('the attempt timed out'), { code: 'ATTEMPT_TIMEOUT' }));
/** How late an attempt timer may fire before the lateness, not Tencent, is taken to be the cause. */
const MIN_TIMER_LAG_MS = 250;
/**
 * Misconfiguration, overload and upstream-failure reports (log + hook) of one kind at most this often
 * (an attacker's ticket can cause them); with the default console logger, every kind of line.
 */
const MISCONFIGURATION_REPORT_INTERVAL_MS = 60_000;
/** Prefix of the default console logger's lines. */
const CONSOLE_PREFIX = '[tencent-captcha]';

/** What verify() has gathered by the time it builds the verdict. */
interface Trace {
  mode: CaptchaMode;
  outcome: UpstreamOutcome | null;
  attempts: number;
  disasterTicket: VerdictDisasterTicket | null;
  retryAfterSeconds: number | null;
}

/** What a call may override, validated. */
interface CallSettings {
  mode: CaptchaMode;
  budgetScope: string;
  maxEvilLevel: number;
  maxScore: number;
  /** The optional request fields as JSON for the body. */
  extra: string;
}

/** The network part's result. */
interface NetworkResult {
  outcome: UpstreamOutcome;
  attempts: number;
}

/** What a pipeline needs besides the shared options: how to talk to one upstream API. */
export interface VerifierEngineSetup {
  /** Validated options (common part plus the app id for disaster tickets and the endpoint, for reports). */
  resolved: ResolvedCaptchaVerifierOptions;
  store: CaptchaStore;
  hooks: CaptchaHooks;
  /** A logger (gets every line), `undefined` (console: warn/error, rate-limited per kind) or `false` (silent). */
  logger: CaptchaLogger | false | undefined;
  /** OpenTelemetry providers, `false` for none. @default the global providers */
  telemetry?: CaptchaTelemetryOptions | false;
  /** For the doctor: requests go through a proxy (its DNS/TCP checks then test the proxy path only through the signed call). */
  viaProxy?: boolean;
  /** For the doctor: requests go through an injected `fetch`. */
  injectedFetch?: boolean;
  /** For the doctor: what the credentials look like (no values). */
  credentialShape?: CredentialShape;
  /** Unix milliseconds; signing timestamps, ticket freshness, budget windows. */
  now: () => number;
  /** Secrets to redact from any text that came from outside. */
  secrets: readonly string[];
  /** Closed by `close()`. Its `connections` bound the requests in flight. */
  transport: Transport;
  client: UpstreamClient;
  /** The upstream API's name, for telemetry (`tencent_captcha.api`). @default 'DescribeCaptchaResult' */
  apiName?: string;
  /** Whether a missing randstr is `randstr_missing` (the legacy SDK may give none). */
  randstrRequired: boolean;
  /**
   * Remember verified tickets for `ttlMs` and refuse a second use (`ticket_reused`): for APIs that
   * accept a ticket more than once (legacy `CaptchaCheck` accepts each twice). `null`: Tencent refuses
   * reuse itself.
   */
  claimVerifiedTickets: { ttlMs: number } | null;
}

/**
 * Creates a verifier. Validates and normalises `options` once and throws a `CaptchaConfigError` when
 * they are wrong (missing credentials, bad endpoint, out-of-range numbers); `verify` never does.
 */
export function createCaptchaVerifier(options: CaptchaVerifierOptions = {}): CaptchaVerifier {
  const { resolved, credentials, hooks, logger, telemetry, fetch, now, store, proxy } = normaliseOptions(options);
  const transport = createTransport(resolved.endpoint, fetch, resolved.maxConnections, proxy);
  const client = createDescribeCaptchaResultClient({
    endpoint: resolved.endpoint,
    captchaAppId: resolved.captchaAppId,
    ...credentials,
    transport,
    now,
  });
  return createVerifierEngine({
    resolved,
    store: store ?? createMemoryStore(),
    hooks,
    logger,
    telemetry,
    viaProxy: proxy !== undefined,
    injectedFetch: fetch !== undefined,
    credentialShape: {
      captchaAppId: resolved.captchaAppId,
      secretIdLooksLikeOne: credentials.secretId.startsWith('AKID'),
      secretKeyLooksLikeAnId: credentials.secretKey.startsWith('AKID'),
    },
    now,
    secrets: [credentials.appSecretKey, credentials.secretKey, proxyPassword(proxy)],
    transport,
    client,
    randstrRequired: true,
    claimVerifiedTickets: null,
  });
}

/**
 * The verification pipeline over one upstream API (see the module comment). `createCaptchaVerifier`
 * and `createLegacyCaptchaVerifier` are thin setups around it. Internal: not exported from the package.
 */
export function createVerifierEngine(setup: VerifierEngineSetup): CaptchaVerifier {
  const { resolved, hooks, logger, now, transport, client, store } = setup;
  const secrets = setup.secrets.filter((s) => s.length >= 4);

  /** Removes our secrets from any text that came from outside (Tencent's messages, errors). */
  const redact = (text: string): string => secrets.reduce((t, s) => t.split(s).join(REDACTED), text);

  const safeHook = <K extends keyof CaptchaHooks>(name: K, event: Parameters<NonNullable<CaptchaHooks[K]>>[0]): void => {
    const fn = hooks[name] as ((e: typeof event) => void) | undefined;
    if (!fn) return;
    try {
      fn.call(hooks, event);
    } catch (error) {
      log('error', 'a captcha hook threw', { hook: name, error: redact(String(error)) });
    }
  };
  // The default logger (rate-limited, to console) or its twin writing elsewhere (rateLimitedLogger).
  const defaultTarget = logger === undefined ? console : rateLimitedTarget(logger);
  const userLogger = defaultTarget ? null : logger || null;
  const consoleLast = new Map<string, number>();
  /**
   * One log line. A passed logger gets every line; the default (no `logger`) prints info/warn/error to
   * `console`, each `kind` at most once per interval, so an outage or an attacker cannot flood the
   * log; `logger: false` prints nothing.
   */
  const log = (level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>, kind?: string): void => {
    if (userLogger) {
      const fn = userLogger[level];
      if (!fn) return;
      try {
        fn.call(userLogger, message, data);
      } catch {
        // A broken logger must not break verification.
      }
      return;
    }
    if (!defaultTarget || level === 'debug') return;
    const write = defaultTarget[level];
    if (!write) return;
    const key = kind ?? message;
    const t = Date.now();
    const last = consoleLast.get(key);
    if (last !== undefined && t - last < MISCONFIGURATION_REPORT_INTERVAL_MS) return;
    if (consoleLast.size > 256) consoleLast.clear();
    consoleLast.set(key, t);
    try {
      write.call(defaultTarget, `${CONSOLE_PREFIX} ${message}${data && Object.keys(data).length > 0 ? ` ${JSON.stringify(data)}` : ''}`);
    } catch {
      // A console that throws (closed stream) must not break verification.
    }
  };
  const endpointUrl = new URL(resolved.endpoint);
  /** Where requests go, for log lines (host[:port]; never a path or credentials). */
  const upstreamHost = endpointUrl.host;
  const telemetry = createVerifierTelemetry(setup.telemetry ?? {}, {
    api: setup.apiName ?? 'DescribeCaptchaResult',
    endpointHost: endpointUrl.hostname,
    endpointPort: endpointUrl.port ? Number(endpointUrl.port) : endpointUrl.protocol === 'https:' ? 443 : 80,
    breakerState: () => breaker.state,
    budgets: resolved.budgets,
    now,
  });
  /** What an outcome says about the upstream, for log lines: host, error code and the likely cause. */
  const describeUpstream = (outcome: UpstreamOutcome | null): Record<string, unknown> => {
    if (!outcome) return {};
    switch (outcome.kind) {
      case 'failure':
        return { upstream: upstreamHost, error: outcome.detail, hint: networkHint(outcome.detail, upstreamHost) };
      case 'api_error':
        return { upstream: upstreamHost, apiError: outcome.code };
      case 'answer':
        return { upstream: upstreamHost, captchaCode: outcome.response.CaptchaCode };
      case 'breaker_open':
        return { upstream: upstreamHost, breaker: 'open', lastError: breakerDetail };
      default:
        return {};
    }
  };

  // --- the network part ---------------------------------------------------------------------------
  const networkBudgetMs = resolved.deadlineMs - resolved.storeTimeoutMs;
  const attemptTimeoutMs = Math.min(resolved.attemptTimeoutMs, networkBudgetMs);
  // A request may wait for a connection only as long as its first attempt can still run whole.
  const maxQueueWaitMs = networkBudgetMs - attemptTimeoutMs;
  const queue = createDispatchQueue(Math.min(resolved.maxConnections, transport.connections), resolved.maxQueued);
  let breakerCause: VerdictReason | null = null;
  /** The last failure's detail (`ECONNREFUSED`, `timed out`, `HTTP 502`, an API error code). */
  let breakerDetail: string | null = null;
  const breaker = createBreaker(resolved.breaker, {
    onOpen(at) {
      log(
        'warn',
        'captcha breaker opened: verification decides without Tencent',
        {
          cause: breakerCause,
          upstream: upstreamHost,
          error: breakerDetail,
          ...(breakerDetail && breakerCause !== 'upstream_internal_error' && breakerCause !== 'system_busy' ? { hint: networkHint(breakerDetail, upstreamHost) } : {}),
          halfOpenAfterMs: resolved.breaker.halfOpenAfterMs,
        },
        'breaker_open',
      );
      safeHook('onBreakerOpen', { state: 'open', at, cause: breakerCause });
    },
    onClose(at) {
      log('info', 'captcha breaker closed: Tencent answers again', { upstream: upstreamHost }, 'breaker_close');
      safeHook('onBreakerClose', { state: 'closed', at, cause: null });
    },
  });

  /** Records what an attempt that reached Tencent says about Tencent's health. */
  const record = (admission: BreakerAdmission, outcome: AttemptOutcome | 'lagged' | 'cancelled'): void => {
    if (outcome === 'lagged' || outcome === 'cancelled') return breaker.release(admission);
    if (isUpstreamFailure(outcome)) {
      breakerCause = causeOfFailure(outcome);
      breakerDetail = outcome.kind === 'failure' ? outcome.detail : outcome.kind === 'api_error' ? outcome.code : `CaptchaCode ${outcome.response.CaptchaCode}`;
      breaker.failure(admission);
    } else {
      breaker.success(admission);
    }
  };

  /**
   * Runs one attempt on a held connection, with its own timer; resolves with the outcome, or `lagged`
   * when the timer fired so late that the lateness is ours. Never rejects. Releases the connection and
   * records the outcome in the breaker when it settles, whoever still waits for it.
   */
  const runAttempt = (
    input: ValidInput,
    extra: string,
    timeoutMs: number,
    admission: BreakerAdmission,
    control: TransportControl,
    cancelled: { value: boolean },
    parent: VerificationSpan | null,
    attempt: number,
  ): Promise<AttemptOutcome | 'lagged'> =>
    new Promise((resolve) => {
      let done = false;
      const due = performance.now() + timeoutMs;
      const span = parent ? telemetry!.startAttempt(parent, attempt) : null;
      const finish = (outcome: AttemptOutcome | 'lagged'): void => {
        if (done) return;
        done = true;
        queue.release();
        record(admission, cancelled.value ? 'cancelled' : outcome);
        if (span) telemetry!.endAttempt(span, summarizeAttempt(outcome, cancelled.value));
        resolve(outcome);
      };
      const timer = setTimeout(() => {
        const lag = performance.now() - due;
        // One turn of grace: if the answer is already in the socket (a busy event loop ran the timer
        // before reading it), the poll phase delivers it before this check runs.
        setImmediate(() => {
          if (done) return;
          control.cancel?.(ATTEMPT_TIMED_OUT);
          // A timer this late means our process, not Tencent, was too slow to tell.
          const late = lag > Math.max(MIN_TIMER_LAG_MS, timeoutMs / 4);
          finish(late ? 'lagged' : { kind: 'failure', failure: 'upstream_timeout', detail: 'timed out', notSent: false });
        });
      }, timeoutMs);
      client.call(input, control, extra).then(
        (outcome) => {
          clearTimeout(timer);
          finish(outcome);
        },
        (error: unknown) => {
          clearTimeout(timer);
          finish({ kind: 'failure', failure: 'upstream_error', detail: redact(String(error)).slice(0, 200), notSent: false });
        },
      );
    });

  /** Waits for `promise`, or rejects with the caller's abort reason as soon as it aborts. */
  const orAbort = <T,>(promise: Promise<T>, signal: AbortSignal | undefined, onAbort?: () => void): Promise<T> => {
    if (!signal) return promise;
    return new Promise<T>((resolve, reject) => {
      const abort = (): void => {
        onAbort?.();
        reject(signal.reason);
      };
      if (signal.aborted) return abort();
      signal.addEventListener('abort', abort, { once: true });
      promise.then(
        (v) => {
          signal.removeEventListener('abort', abort);
          resolve(v);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', abort);
          reject(e);
        },
      );
    });
  };

  async function callTencent(
    input: ValidInput,
    extra: string,
    signal: AbortSignal | undefined,
    started: number,
    span: VerificationSpan | null,
  ): Promise<NetworkResult> {
    const admission = breaker.admit();
    if (admission === 'blocked') return { outcome: { kind: 'breaker_open' }, attempts: 0 };
    const deadline = started + networkBudgetMs;
    let attempts = 0;
    let last: AttemptOutcome | undefined;
    try {
      for (;;) {
        // 1. A connection: at once when one is free, else from the bounded queue.
        const waitMs = attempts === 0 ? Math.min(maxQueueWaitMs, deadline - performance.now() - attemptTimeoutMs) : deadline - performance.now();
        const slot = queue.acquire(Math.floor(waitMs));
        if (slot === 'queue_full') {
          breaker.release(admission);
          return attempts > 0 && last ? { outcome: last, attempts } : { outcome: { kind: 'overloaded', detail: 'queue_full' }, attempts };
        }
        if (slot !== true) {
          let gaveUp = false;
          const granted = await orAbort(slot, signal, () => {
            gaveUp = true;
            breaker.release(admission);
            // A slot granted after the caller left goes straight back.
            slot.then((g) => g && queue.release(), () => undefined);
          });
          if (!granted) {
            if (!gaveUp) breaker.release(admission);
            return attempts > 0 && last ? { outcome: last, attempts } : { outcome: { kind: 'overloaded', detail: 'queue_timeout' }, attempts };
          }
        }
        // 2. The attempt, timed from here: the request now holds a connection to Tencent.
        attempts++;
        const control: TransportControl = { cancel: null };
        const cancelled = { value: false };
        const timeoutMs = Math.max(1, Math.min(attemptTimeoutMs, deadline - performance.now()));
        const attempt = runAttempt(input, extra, timeoutMs, admission, control, cancelled, span, attempts);
        const outcome = await orAbort(attempt, signal, () => {
          // A probe finishes on its own timer and decides the breaker; anything else is cancelled
          // and counts neither way.
          if (admission === 'probe') return;
          cancelled.value = true;
          control.cancel?.(signal!.reason as Error);
        });
        if (outcome === 'lagged') return { outcome: { kind: 'overloaded', detail: 'event_loop_lag' }, attempts };
        last = outcome;
        // 3. At most one retry, only where Tencent cannot have consumed the ticket, and only while
        // the breaker still lets requests through.
        if (attempts > 1 || !resolved.retry.enabled || !isRetryable(outcome) || breaker.state !== 'closed') {
          return { outcome, attempts };
        }
        if (resolved.retry.delayMs > 0) {
          if (deadline - performance.now() <= resolved.retry.delayMs) return { outcome, attempts };
          await abortableDelay(resolved.retry.delayMs, signal);
        }
        if (deadline - performance.now() < 1) return { outcome, attempts };
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw error;
    }
  }

  async function consultStore(
    candidate: DegradedCandidate,
    input: ValidInput,
    disasterTicket: VerdictDisasterTicket | null,
    budgetScope: string,
    signal: AbortSignal | undefined,
  ): Promise<{ decision: FinalDecision; windowEndsMs: number }> {
    const nowMs = now();
    const parts = storeRequestParts({
      options: resolved,
      tier: candidate.tier,
      ticket: input.ticket,
      randstr: input.randstr,
      ipBudgetKey: input.ipBudgetKey,
      budgetScope,
      disasterTicket,
      nowMs,
    });
    const result = await askStore(
      (storeSignal, deadlineMs) =>
        store.acceptDegraded(
          { replayKey: parts.replayKey, replayTtlMs: parts.replayTtlMs, counters: parts.counters, nowMs, deadlineMs },
          { signal: storeSignal },
        ),
      signal,
    );
    if (typeof result === 'object' && result.accepted) telemetry?.degradedAccepted(candidate.tier);
    if (typeof result === 'object' && !result.accepted && result.refusal === 'budget_exhausted') {
      if (result.scope === 'global') telemetry?.budgetExhausted(candidate.tier);
      safeHook('onBudgetExhausted', {
        scope: result.scope,
        limit: result.limit,
        windowSeconds: resolved.budgets.windowSeconds,
        tier: candidate.tier,
        userIp: input.userIp,
        cause: candidate.cause,
      });
      log('warn', 'captcha degraded budget exhausted', { scope: result.scope, limit: result.limit, tier: candidate.tier }, `budget_exhausted:${result.scope}`);
    }
    if (typeof result === 'object' && !result.accepted && result.refusal === 'cannot_remember') {
      log('warn', 'captcha store could not remember the ticket: degraded acceptance refused', {}, 'store_cannot_remember');
    }
    return { decision: settleDegraded(candidate, result), windowEndsMs: parts.windowEndsMs };
  }

  /**
   * One store call under `storeTimeoutMs` and the caller's signal; `store_failed` when it fails or
   * times out. The store gets the wall-clock deadline and a signal that aborts when we stop waiting.
   */
  async function askStore<T>(call: (signal: AbortSignal | undefined, deadlineMs: number) => Promise<T>, signal: AbortSignal | undefined): Promise<T | 'store_failed'> {
    if (store.local === true) {
      // No IO, nothing to time out or cancel: a timer and an AbortController per call would cost
      // more than the call (measured with the breaker open).
      try {
        const answer = await call(undefined, Date.now() + resolved.storeTimeoutMs);
        if (signal?.aborted) throw signal.reason;
        return answer;
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        log('warn', 'captcha store unavailable: degraded acceptance refused (store_unavailable)', { error: redact(String(error)) }, 'store_unavailable');
        safeHook('onStoreError', { error, timedOut: false });
        return 'store_failed';
      }
    }
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), resolved.storeTimeoutMs);
      });
      const answer = await orAbort(Promise.race([call(controller.signal, Date.now() + resolved.storeTimeoutMs), timedOut]), signal);
      if (answer === 'timeout') {
        log('warn', 'captcha store timed out: degraded acceptance refused (store_unavailable)', { timeoutMs: resolved.storeTimeoutMs }, 'store_unavailable');
        safeHook('onStoreError', { error: new Error(`store timed out after ${resolved.storeTimeoutMs} ms`), timedOut: true });
        return 'store_failed';
      }
      return answer;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      log('warn', 'captcha store unavailable: degraded acceptance refused (store_unavailable)', { error: redact(String(error)) }, 'store_unavailable');
      safeHook('onStoreError', { error, timedOut: false });
      return 'store_failed';
    } finally {
      clearTimeout(timer);
      controller.abort(STORE_CALL_DONE);
    }
  }

  /** For APIs that accept a ticket twice: the first verified use claims it, a second is `ticket_reused`. */
  async function claimVerified(input: ValidInput, decision: FinalDecision, signal: AbortSignal | undefined): Promise<FinalDecision> {
    const claim = setup.claimVerifiedTickets;
    if (!claim || !decision.accepted || typeof store.claimTicket !== 'function') return decision;
    const nowMs = now();
    const answer = await askStore(
      (storeSignal, deadlineMs) =>
        store.claimTicket!({ key: `${resolved.captchaAppId}:used:${input.ticket}`, ttlMs: claim.ttlMs, nowMs, deadlineMs }, { signal: storeSignal }),
      signal,
    );
    if (answer === 'already_used') return { type: 'final', reason: 'ticket_reused', accepted: false, branch: 'replay_guard', cause: null };
    // Tencent verified it; a store that cannot answer must not block the business (design §3.3).
    if (answer !== 'claimed') log('warn', 'captcha store could not record a verified ticket; a second use would not be refused', {}, 'store_claim');
    return decision;
  }

  function retryAfterFor(decision: FinalDecision, windowEndsMs: number | null): number | null {
    const info = describeVerdictReason(decision.reason);
    if (decision.accepted || !info.retryAfter) return null;
    if (decision.reason === PolicyReason.BudgetExhausted && windowEndsMs !== null) {
      return Math.max(1, Math.ceil((windowEndsMs - now()) / 1000));
    }
    if (decision.reason === PolicyReason.Overloaded) return 1;
    if (breaker.state === 'open') return Math.max(1, Math.ceil(breaker.msUntilProbe / 1000));
    return resolved.retryAfterSeconds;
  }

  function buildVerdict(decision: FinalDecision, trace: Trace, started: number): CaptchaVerdict {
    const info = describeVerdictReason(decision.reason);
    const o = trace.outcome;
    const answer = o?.kind === 'answer' ? o.response : null;
    const apiError = o?.kind === 'api_error' ? o : null;
    return {
      status: info.status,
      accepted: decision.accepted,
      reason: decision.reason,
      message: info.message,
      cause: decision.cause,
      branch: decision.branch,
      mode: trace.mode,
      captchaCode: answer ? answer.CaptchaCode : null,
      captchaMsg: answer?.CaptchaMsg != null ? redact(answer.CaptchaMsg) : null,
      requestId: answer ? answer.RequestId || null : (apiError?.requestId ?? null),
      evilLevel: answer?.EvilLevel ?? null,
      score: answer?.Score ?? null,
      getCaptchaTime: answer?.GetCaptchaTime ?? null,
      submitCaptchaTime: answer?.SubmitCaptchaTime ?? null,
      evilBitmap: answer?.EvilBitmap ?? null,
      deviceRiskCategory: answer?.DeviceRiskCategory ?? null,
      apiError: apiError ? { code: apiError.code, message: redact(apiError.message) } : null,
      disasterTicket: trace.disasterTicket,
      attempts: trace.attempts,
      latencyMs: Math.max(0, Math.round((performance.now() - started) * 1000) / 1000),
      breaker: breaker.state,
      retryAfterSeconds: trace.retryAfterSeconds,
    };
  }

  async function run(
    rawInput: VerifyInput,
    call: CallSettings,
    signal: AbortSignal | undefined,
    started: number,
    span: VerificationSpan | null,
  ): Promise<CaptchaVerdict> {
    const { mode, budgetScope } = call;
    const trace: Trace = { mode, outcome: null, attempts: 0, disasterTicket: null, retryAfterSeconds: null };
    const finish = (decision: FinalDecision, windowEndsMs: number | null = null): CaptchaVerdict => {
      trace.retryAfterSeconds = retryAfterFor(decision, windowEndsMs);
      const verdict = buildVerdict(decision, trace, started);
      if (verdict.accepted && verdict.status === 'degraded') reportDegradedAcceptance(verdict, trace.outcome);
      return verdict;
    };
    const local = (reason: VerdictReason, branch: FinalDecision['branch']): CaptchaVerdict =>
      finish({ type: 'final', reason, accepted: false, branch, cause: null });

    const checked = validateInput(rawInput, setup.randstrRequired ? undefined : { randstrRequired: false });
    if (!checked.ok) return local(checked.reason, 'input');
    const input = checked.input;

    const disaster = checkDisasterTicket(input.ticket, {
      captchaAppId: resolved.captchaAppId,
      nowMs: now(),
      ...resolved.disasterTickets,
    });
    if (disaster.kind === 'invalid') {
      trace.disasterTicket = disaster.ticket;
      return local(disaster.reason, 'disaster_ticket_check');
    }
    if (disaster.kind === 'valid') trace.disasterTicket = disaster.ticket;

    const { outcome, attempts } = await callTencent(input, call.extra, signal, started, span);
    if (outcome.kind === 'failure') reportUpstreamFailure(outcome.detail, outcome.failure);
    trace.outcome = outcome;
    trace.attempts = attempts;
    const decision = decide({
      mode,
      outcome,
      attempts,
      disasterTicket: trace.disasterTicket,
      breaker: breaker.state,
      maxEvilLevel: call.maxEvilLevel,
      maxScore: call.maxScore,
    });
    if (decision.type === 'final') {
      if (decision.misconfigured) reportMisconfiguration(outcome);
      if (decision.reason === PolicyReason.Overloaded) reportOverload(outcome);
      return finish(decision.reason === PolicyReason.Verified ? await claimVerified(input, decision, signal) : decision);
    }
    const settled = await consultStore(decision, input, trace.disasterTicket, budgetScope, signal);
    return finish(settled.decision, settled.windowEndsMs);
  }

  const lastReport = new Map<string, number>();
  /** Whether a report of `kind` may go out now (at most one per interval per kind). */
  const mayReport = (kind: string): boolean => {
    const t = Date.now();
    const last = lastReport.get(kind);
    if (last !== undefined && t - last < MISCONFIGURATION_REPORT_INTERVAL_MS) return false;
    if (lastReport.size > 256) lastReport.clear();
    lastReport.set(kind, t);
    return true;
  };

  function reportMisconfiguration(outcome: UpstreamOutcome): void {
    const event =
      outcome.kind === 'answer'
        ? {
            source: 'captcha_code' as const,
            captchaCode: outcome.response.CaptchaCode,
            apiErrorCode: null,
            message: redact(outcome.response.CaptchaMsg ?? ''),
            requestId: outcome.response.RequestId || null,
          }
        : outcome.kind === 'api_error'
          ? {
              source: 'api_error' as const,
              captchaCode: null,
              apiErrorCode: outcome.code,
              message: redact(outcome.message),
              requestId: outcome.requestId,
            }
          : undefined;
    if (!event) return;
    // A ticket of another app can make Tencent answer 100: rate-limited, or an attacker pages on-call.
    const kind = `misconfigured:${event.source}:${event.captchaCode ?? event.apiErrorCode}`;
    if (!mayReport(kind)) return;
    log('error', 'captcha verification is misconfigured', { ...event, likelyCause: misconfigurationHint(event) }, kind);
    safeHook('onMisconfiguration', event satisfies MisconfigurationEvent);
  }

  /** A request on its way to Tencent failed: which host, which error code, the likely cause. */
  function reportUpstreamFailure(detail: string, failure: string): void {
    const kind = `upstream:${detail}`;
    if (!mayReport(kind)) return;
    log('warn', `captcha could not get an answer from Tencent (${failure})`, { upstream: upstreamHost, error: detail, hint: networkHint(detail, upstreamHost) }, kind);
  }

  /** A ticket accepted without Tencent's word: every time to a passed logger, once a minute to the console. */
  function reportDegradedAcceptance(verdict: CaptchaVerdict, outcome: UpstreamOutcome | null): void {
    if (userLogger ? !userLogger.warn : !defaultTarget) return;
    log(
      'warn',
      'captcha verdict',
      {
        status: verdict.status,
        accepted: verdict.accepted,
        reason: verdict.reason,
        cause: verdict.cause,
        branch: verdict.branch,
        mode: verdict.mode,
        note: "accepted without Tencent's verification (fail-open); alert if this continues",
        ...describeUpstream(outcome),
        requestId: verdict.requestId,
        attempts: verdict.attempts,
        latencyMs: verdict.latencyMs,
      },
      'degraded_accepted',
    );
  }

  function reportOverload(outcome: UpstreamOutcome): void {
    if (outcome.kind !== 'overloaded' || !mayReport('overloaded')) return;
    log(
      'warn',
      'captcha verification overloaded: requests refused before reaching Tencent',
      {
        detail: outcome.detail,
        maxConnections: resolved.maxConnections,
        maxQueued: resolved.maxQueued,
      },
      'overloaded',
    );
  }

  const defaultExtra = requestFieldsJson(resolved.requestFields);
  const defaults: CallSettings = {
    mode: resolved.mode,
    budgetScope: 'default',
    maxEvilLevel: resolved.maxEvilLevel,
    maxScore: resolved.maxScore,
    extra: defaultExtra,
  };
  /** Validates per-call options (throws `CaptchaConfigError`: the call itself is wrong). */
  function callSettings(o: VerifyOptions): CallSettings {
    const mode = o.mode ?? resolved.mode;
    if (mode !== resolved.mode) assertMode(mode, 'mode');
    const budgetScope = o.budgetScope ?? 'default';
    if (budgetScope !== 'default') assertBudgetScope(budgetScope);
    if (o.maxEvilLevel !== undefined) assertRiskLimit(o.maxEvilLevel, 'maxEvilLevel');
    if (o.maxScore !== undefined) assertRiskLimit(o.maxScore, 'maxScore');
    const extra = o.requestFields === undefined ? defaultExtra : requestFieldsJson({ ...resolved.requestFields, ...normaliseRequestFields(o.requestFields, 'requestFields') });
    return { mode, budgetScope, maxEvilLevel: o.maxEvilLevel ?? resolved.maxEvilLevel, maxScore: o.maxScore ?? resolved.maxScore, extra };
  }

  async function verify(input: VerifyInput, verifyOptions?: VerifyOptions): Promise<CaptchaVerdict> {
    const started = performance.now();
    const callerSignal = verifyOptions?.signal;
    if (callerSignal?.aborted) throw callerSignal.reason;
    const call = verifyOptions ? callSettings(verifyOptions) : defaults;
    const mode = call.mode;
    const span = telemetry ? telemetry.startVerification(ticketLength(input), verifyOptions?.traceHeaders) : null;
    let verdict: CaptchaVerdict;
    try {
      verdict = await run(input, call, callerSignal, started, span);
    } catch (error) {
      if (callerSignal?.aborted) {
        telemetry?.abortVerification(span);
        throw callerSignal.reason;
      }
      log('error', 'captcha verification failed unexpectedly', { error: redact(String(error)) }, 'internal_error');
      verdict = buildVerdict(
        { type: 'final', reason: PolicyReason.InternalError, accepted: false, branch: 'internal_error', cause: null },
        { mode, outcome: null, attempts: 0, disasterTicket: null, retryAfterSeconds: null },
        started,
      );
    }
    if (telemetry) telemetry.endVerification(span, verdict, (performance.now() - started) / 1000);
    if (userLogger?.debug && !(verdict.status === 'degraded' && verdict.accepted)) {
      log('debug', 'captcha verdict', {
        status: verdict.status,
        accepted: verdict.accepted,
        reason: verdict.reason,
        branch: verdict.branch,
        captchaCode: verdict.captchaCode,
        requestId: verdict.requestId,
        attempts: verdict.attempts,
        latencyMs: verdict.latencyMs,
      });
    }
    if (hooks.onVerdict) {
      const userIp = typeof (input as Partial<VerifyInput> | undefined)?.userIp === 'string' ? (input.userIp as string) : null;
      safeHook('onVerdict', { verdict, userIp });
    }
    return verdict;
  }

  return {
    verify,
    get breakerState() {
      return breaker.state;
    },
    options: deepFreeze(resolved),
    check: (checkOptions?: CheckOptions): Promise<CaptchaCheckReport> =>
      runCheck(
        {
          endpoint: resolved.endpoint,
          attemptTimeoutMs: resolved.attemptTimeoutMs,
          now,
          store,
          client,
          redact,
          viaProxy: setup.viaProxy === true,
          injectedFetch: setup.injectedFetch === true,
          credentials: setup.credentialShape ?? null,
        },
        checkOptions,
      ),
    close: () => {
      telemetry?.close();
      return transport.close();
    },
  };
}

/** The ticket's length for the span (never its value); 0 when it is not a string. */
function ticketLength(input: VerifyInput): number {
  const t = (input as Partial<VerifyInput> | null | undefined)?.ticket;
  return typeof t === 'string' ? t.length : 0;
}

/** What an attempt span records about an attempt. */
function summarizeAttempt(outcome: AttemptOutcome | 'lagged', cancelled: boolean): AttemptSummary {
  if (cancelled) return { kind: 'cancelled' };
  if (outcome === 'lagged') return { kind: 'lagged', error: 'event_loop_lag' };
  if (outcome.kind === 'answer') return { kind: 'answer', captchaCode: outcome.response.CaptchaCode };
  if (outcome.kind === 'api_error') return { kind: 'api_error', error: outcome.code };
  return { kind: 'failure', error: outcome.detail === 'timed out' ? 'timeout' : outcome.detail };
}

/** The password of a proxy URL, to redact it from anything undici reports. */
function proxyPassword(proxy: string | undefined): string {
  if (!proxy) return '';
  const { password } = new URL(proxy);
  try {
    return decodeURIComponent(password);
  } catch {
    return password;
  }
}

const BUDGET_SCOPE = /^[\x21-\x7e]{1,128}$/;

/** Validates a per-call budget scope (it becomes part of store keys). */
function assertBudgetScope(value: unknown): asserts value is string {
  if (typeof value !== 'string' || !BUDGET_SCOPE.test(value)) {
    throw new CaptchaConfigError('invalid_option', 'budgetScope', 'budgetScope must be 1 to 128 printable ASCII characters without spaces.');
  }
}

function deepFreeze<T extends object>(value: T): T {
  for (const v of Object.values(value)) if (typeof v === 'object' && v !== null) deepFreeze(v as object);
  return Object.freeze(value);
}

function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function causeOfFailure(o: AttemptOutcome): VerdictReason | null {
  if (o.kind === 'failure') return o.failure;
  if (o.kind === 'api_error') return PolicyReason.UpstreamInternalError;
  if (o.kind === 'answer') return 'system_busy';
  return null;
}

export { CaptchaConfigError };
