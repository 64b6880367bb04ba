/**
 * `createCaptchaVerifier`: options once, then `verify()` — input checks, the call to Tencent through
 * cockatiel's deadline → retry → breaker → per-attempt timeout, the policy (policy.ts), the store,
 * hooks. Never throws for a ticket; answers within the deadline; honours the caller's signal; leaves
 * no timer behind.
 */
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ConstantBackoff,
  IsolatedCircuitError,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhenResult,
  retry,
  timeout,
  type FailureReason,
} from 'cockatiel';
import {
  createDescribeCaptchaResultClient,
  isRetryable,
  isUpstreamFailure,
  type AttemptOutcome,
} from './describe-captcha-result.js';
import { validateInput, type ValidInput } from './input.js';
import {
  CaptchaConfigError,
  assertMode,
  normaliseOptions,
  type CaptchaHooks,
  type CaptchaVerifierOptions,
  type ResolvedCaptchaVerifierOptions,
} from './options.js';
import {
  checkDisasterTicket,
  decide,
  settleDegraded,
  storeRequestParts,
  type DegradedCandidate,
  type FinalDecision,
  type UpstreamOutcome,
} from './policy.js';
import { PolicyReason, describeVerdictReason, type VerdictReason } from './reasons.js';
import { createMemoryStore } from './stores/memory.js';
import type { CaptchaStore, DegradedAcceptanceResult } from './store.js';
import { createTransport } from './transport.js';
import type {
  BreakerState,
  CaptchaMode,
  CaptchaVerdict,
  CaptchaVerifier,
  VerdictDisasterTicket,
  VerifyInput,
  VerifyOptions,
} from './verdict.js';

const REDACTED = '[redacted]';
/** Abort reason telling a store its call is over (a plain value: no DOMException per call). */
const STORE_CALL_DONE = Object.freeze({ name: 'StoreCallDone', message: 'the verifier no longer waits for this store call' });

/** What verify() has gathered by the time it builds the verdict. */
interface Trace {
  mode: CaptchaMode;
  outcome: UpstreamOutcome | null;
  attempts: number;
  disasterTicket: VerdictDisasterTicket | null;
  retryAfterSeconds: number | null;
}

/**
 * Creates a verifier. Validates and normalises `options` once and throws a `CaptchaConfigError` when
 * they are wrong (missing credentials, bad endpoint, out-of-range numbers); `verify` never does.
 */
export function createCaptchaVerifier(options: CaptchaVerifierOptions = {}): CaptchaVerifier {
  const { resolved, credentials, hooks, logger, fetch, now } = normaliseOptions(options);
  const store: CaptchaStore = options.store ?? createMemoryStore();
  const secrets = [credentials.appSecretKey, credentials.secretKey].filter((s) => s.length >= 4);

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
  const log = (level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>): void => {
    const fn = logger[level];
    if (!fn) return;
    try {
      fn.call(logger, message, data);
    } catch {
      // A broken logger must not break verification.
    }
  };

  const transport = createTransport(resolved.endpoint, fetch);
  const client = createDescribeCaptchaResultClient({
    endpoint: resolved.endpoint,
    captchaAppId: resolved.captchaAppId,
    ...credentials,
    transport,
    now,
  });

  // --- resilience: deadline → retry → breaker → per-attempt timeout (cockatiel) ---------------------
  const networkBudgetMs = resolved.deadlineMs - resolved.storeTimeoutMs;
  // `abortOnReturn: false`: when the call has returned there is nothing left to cancel, and aborting
  // anyway creates a DOMException per call (measurable at thousands of verifications a second).
  const deadline = timeout(networkBudgetMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
  const attemptTimeout = timeout(resolved.attemptTimeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
  const retryPolicy = retry(handleWhenResult((o) => isRetryable(o as AttemptOutcome)), {
    maxAttempts: resolved.retry.enabled ? 1 : 0,
    backoff: new ConstantBackoff(0),
  });
  const breaker = circuitBreaker(handleWhenResult((o) => isUpstreamFailure(o as AttemptOutcome)), {
    halfOpenAfter: resolved.breaker.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(resolved.breaker.failureThreshold),
  });
  // Cockatiel measures the open period with Date.now(); so do we, to answer without touching it.
  let openedAt = 0;
  breaker.onBreak((failure) => {
    openedAt = Date.now();
    const cause = causeOfFailure(failure as FailureReason<unknown>);
    log('warn', 'captcha breaker opened: verification decides without Tencent', { cause });
    safeHook('onBreakerOpen', { state: 'open', at: openedAt, cause });
  });
  breaker.onReset(() => {
    log('info', 'captcha breaker closed');
    safeHook('onBreakerClose', { state: 'closed', at: Date.now(), cause: null });
  });

  const breakerState = (): BreakerState => {
    switch (breaker.state) {
      case CircuitState.Closed:
        return 'closed';
      case CircuitState.HalfOpen:
        return 'half_open';
      default:
        return 'open';
    }
  };
  /** True while no request may go out: open and not yet due for a probe, or a probe in flight. */
  const breakerBlocks = (): boolean => {
    const s = breaker.state;
    if (s === CircuitState.HalfOpen || s === CircuitState.Isolated) return true;
    return s === CircuitState.Open && Date.now() - openedAt < resolved.breaker.halfOpenAfterMs;
  };

  async function callTencent(input: ValidInput, callerSignal: AbortSignal | undefined): Promise<{ outcome: UpstreamOutcome; attempts: number }> {
    if (breakerBlocks()) return { outcome: { kind: 'breaker_open' }, attempts: 0 };
    let attempts = 0;
    let last: AttemptOutcome | undefined;
    const attempt = async (signal: AbortSignal, retryIndex: number): Promise<AttemptOutcome> => {
      try {
        // The back-off is ours, not cockatiel's, so an abort or the deadline clears its timer.
        if (retryIndex > 0 && resolved.retry.delayMs > 0) await abortableDelay(resolved.retry.delayMs, signal);
        if (signal.aborted) throw signal.reason;
        attempts++;
        last = await attemptTimeout.execute(({ signal: s }) => client.call(input, s), signal);
      } catch (error) {
        if (callerSignal?.aborted) {
          // A probe cut short proves nothing: count it as a failure (cockatiel would otherwise close
          // the breaker on an error it does not handle). The caller still gets the abort reason.
          if (breaker.state === CircuitState.HalfOpen) {
            return { kind: 'failure', failure: 'upstream_timeout', detail: 'probe aborted', notSent: false };
          }
          // The caller's abort passes through every policy untouched (none of them handles it).
          throw callerSignal.reason;
        }
        last = { kind: 'failure', failure: 'upstream_timeout', detail: 'timed out', notSent: false };
        if (!(error instanceof TaskCancelledError) && !signal.aborted) throw error;
      }
      return last;
    };
    try {
      const outcome = await deadline.execute(
        ({ signal: deadlineSignal }) =>
          retryPolicy.execute(({ signal, attempt: n }) => breaker.execute(() => attempt(signal, n), signal), deadlineSignal),
        callerSignal,
      );
      return { outcome, attempts };
    } catch (error) {
      if (callerSignal?.aborted) throw callerSignal.reason;
      // The first attempt opened the breaker, so the retry was refused: the first outcome stands.
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
        return { outcome: last ?? { kind: 'breaker_open' }, attempts };
      }
      if (error instanceof TaskCancelledError) {
        return { outcome: { kind: 'failure', failure: 'upstream_timeout', detail: 'deadline', notSent: false }, attempts };
      }
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
    const deadlineMs = Date.now() + resolved.storeTimeoutMs;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let rejectAbort: ((reason: unknown) => void) | undefined;
    const onAbort = (): void => rejectAbort?.(signal?.reason);
    let parts: ReturnType<typeof storeRequestParts> | undefined;
    let result: DegradedAcceptanceResult | 'store_failed';
    try {
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), resolved.storeTimeoutMs);
      });
      const aborted = new Promise<never>((_, reject) => {
        rejectAbort = reject;
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) onAbort();
      const ask = async (): Promise<DegradedAcceptanceResult> => {
        parts = storeRequestParts({
          options: resolved,
          tier: candidate.tier,
          ticket: input.ticket,
          randstr: input.randstr,
          ipBudgetKey: input.ipBudgetKey,
          budgetScope,
          disasterTicket,
          nowMs,
        });
        return store.acceptDegraded(
          { replayKey: parts.replayKey, replayTtlMs: parts.replayTtlMs, counters: parts.counters, nowMs, deadlineMs },
          { signal: controller.signal },
        );
      };
      const answer = await Promise.race([ask(), timedOut, aborted]);
      if (answer === 'timeout') {
        result = 'store_failed';
        log('warn', 'captcha store timed out', { timeoutMs: resolved.storeTimeoutMs });
        safeHook('onStoreError', { error: new Error(`store timed out after ${resolved.storeTimeoutMs} ms`), timedOut: true });
      } else {
        result = answer;
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      result = 'store_failed';
      log('warn', 'captcha store failed', { error: redact(String(error)) });
      safeHook('onStoreError', { error, timedOut: false });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      controller.abort(STORE_CALL_DONE);
    }
    if (typeof result === 'object' && !result.accepted && result.refusal === 'budget_exhausted') {
      safeHook('onBudgetExhausted', {
        scope: result.scope,
        limit: result.limit,
        windowSeconds: resolved.budgets.windowSeconds,
        tier: candidate.tier,
        userIp: input.userIp,
        cause: candidate.cause,
      });
      log('warn', 'captcha degraded budget exhausted', { scope: result.scope, limit: result.limit, tier: candidate.tier });
    }
    const windowMs = resolved.budgets.windowSeconds * 1000;
    return { decision: settleDegraded(candidate, result), windowEndsMs: parts?.windowEndsMs ?? (Math.floor(nowMs / windowMs) + 1) * windowMs };
  }

  function retryAfterFor(decision: FinalDecision, windowEndsMs: number | null): number | null {
    const info = describeVerdictReason(decision.reason);
    if (decision.accepted || info.httpStatus !== 503) return null;
    if (decision.reason === PolicyReason.BudgetExhausted && windowEndsMs !== null) {
      return Math.max(1, Math.ceil((windowEndsMs - now()) / 1000));
    }
    if (breaker.state === CircuitState.Open) {
      const left = resolved.breaker.halfOpenAfterMs - (Date.now() - openedAt);
      return Math.max(1, Math.ceil(left / 1000));
    }
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
      apiError: apiError ? { code: apiError.code, message: redact(apiError.message) } : null,
      disasterTicket: trace.disasterTicket,
      attempts: trace.attempts,
      latencyMs: Math.max(0, Math.round((performance.now() - started) * 1000) / 1000),
      breaker: breakerState(),
      retryAfterSeconds: trace.retryAfterSeconds,
    };
  }

  async function run(rawInput: VerifyInput, mode: CaptchaMode, budgetScope: string, signal: AbortSignal | undefined, started: number): Promise<CaptchaVerdict> {
    const trace: Trace = { mode, outcome: null, attempts: 0, disasterTicket: null, retryAfterSeconds: null };
    const finish = (decision: FinalDecision, windowEndsMs: number | null = null): CaptchaVerdict => {
      trace.retryAfterSeconds = retryAfterFor(decision, windowEndsMs);
      return buildVerdict(decision, trace, started);
    };
    const local = (reason: VerdictReason, branch: FinalDecision['branch']): CaptchaVerdict =>
      finish({ type: 'final', reason, accepted: false, branch, cause: null });

    const checked = validateInput(rawInput);
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

    const { outcome, attempts } = await callTencent(input, signal);
    trace.outcome = outcome;
    trace.attempts = attempts;
    const decision = decide({
      mode,
      outcome,
      attempts,
      disasterTicket: trace.disasterTicket,
      breaker: breakerState(),
      maxEvilLevel: resolved.maxEvilLevel,
      maxScore: resolved.maxScore,
    });
    if (decision.type === 'final') {
      if (decision.misconfigured) reportMisconfiguration(outcome);
      return finish(decision);
    }
    const settled = await consultStore(decision, input, trace.disasterTicket, budgetScope, signal);
    return finish(settled.decision, settled.windowEndsMs);
  }

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
    log('error', 'captcha verification is misconfigured', { ...event });
    safeHook('onMisconfiguration', event);
  }

  async function verify(input: VerifyInput, verifyOptions: VerifyOptions = {}): Promise<CaptchaVerdict> {
    const started = performance.now();
    const callerSignal = verifyOptions?.signal;
    if (callerSignal?.aborted) throw callerSignal.reason;
    const mode = verifyOptions?.mode ?? resolved.mode;
    assertMode(mode, 'mode');
    const budgetScope = verifyOptions?.budgetScope ?? 'default';
    assertBudgetScope(budgetScope);
    let verdict: CaptchaVerdict;
    try {
      verdict = await run(input, mode, budgetScope, callerSignal, started);
    } catch (error) {
      if (callerSignal?.aborted) throw callerSignal.reason;
      log('error', 'captcha verification failed unexpectedly', { error: redact(String(error)) });
      verdict = buildVerdict(
        { type: 'final', reason: PolicyReason.InternalError, accepted: false, branch: 'internal_error', cause: null },
        { mode, outcome: null, attempts: 0, disasterTicket: null, retryAfterSeconds: null },
        started,
      );
    }
    const userIp = typeof (input as Partial<VerifyInput> | undefined)?.userIp === 'string' ? (input.userIp as string) : null;
    log(verdict.status === 'degraded' && verdict.accepted ? 'warn' : 'debug', 'captcha verdict', {
      status: verdict.status,
      accepted: verdict.accepted,
      reason: verdict.reason,
      branch: verdict.branch,
      captchaCode: verdict.captchaCode,
      requestId: verdict.requestId,
      attempts: verdict.attempts,
      latencyMs: verdict.latencyMs,
    });
    safeHook('onVerdict', { verdict, userIp });
    return verdict;
  }

  return {
    verify,
    get breakerState() {
      return breakerState();
    },
    options: deepFreeze(resolved),
    close: () => transport.close(),
  };
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

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function causeOfFailure(failure: FailureReason<unknown>): VerdictReason | null {
  if ('value' in failure) {
    const o = failure.value as AttemptOutcome;
    if (o.kind === 'failure') return o.failure;
    if (o.kind === 'api_error') return PolicyReason.UpstreamInternalError;
    if (o.kind === 'answer') return 'system_busy';
  }
  return null;
}

export { CaptchaConfigError };
