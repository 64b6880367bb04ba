/**
 * The operator reports: what the verifier's links report (network, store calls, engine), turned into
 * log lines, hooks and telemetry counters. Misconfiguration, overload and upstream-failure reports
 * (log + hook) go out at most once a minute per kind, since an attacker's ticket can cause them; hooks
 * that throw are logged, never rethrown.
 */
import type { UpstreamOutcome } from '../decision/policy.js';
import type { EngineEvents } from '../engine/events.js';
import type { NetworkEvents } from '../network/upstream.js';
import type { StoreEvents } from '../stores/calls.js';
import type { CaptchaHooks, MisconfigurationEvent, ResolvedCaptchaVerifierOptions } from '../types/options.js';
import type { VerifyInput } from '../types/verdict.js';
import { localFaultHint, misconfigurationHint, networkHint } from './hints.js';
import { REPORT_INTERVAL_MS, type VerifierLog } from './logging.js';
import type { VerifierTelemetry } from './telemetry.js';

/** Everything the links report. */
export type VerifierEvents = NetworkEvents & StoreEvents & EngineEvents;

/** What the reports need. */
export interface ReportsSetup {
  log: VerifierLog;
  hooks: CaptchaHooks;
  redact: (text: string) => string;
  telemetry: VerifierTelemetry | null;
  resolved: ResolvedCaptchaVerifierOptions;
  /** The last upstream failure's detail, for lines about an open breaker. */
  lastFailureDetail: () => string | null;
  /** What sends the requests (`undici`, `fetch …`), for lines about a local fault. @default 'unknown' */
  transportName?: () => string;
}

/** What every report shares. */
interface ReportContext extends ReportsSetup {
  upstreamHost: string;
  safeHook<K extends keyof CaptchaHooks>(name: K, event: Parameters<NonNullable<CaptchaHooks[K]>>[0]): void;
  /** Whether a report of `kind` may go out now (at most one per interval per kind). */
  mayReport(kind: string): boolean;
  /** What an outcome says about the upstream, for log lines: host, error code and the likely cause. */
  describeUpstream(outcome: UpstreamOutcome | null): Record<string, unknown>;
}

/** Subscribes logging, hooks and telemetry to the events of one verifier. */
export function createReports(setup: ReportsSetup): VerifierEvents {
  const ctx = reportContext(setup);
  return { ...networkReports(ctx), ...storeReports(ctx), ...engineReports(ctx) };
}

function reportContext(setup: ReportsSetup): ReportContext {
  const { log, hooks, redact } = setup;
  /** Where requests go, for log lines (host[:port]; never a path or credentials). */
  const upstreamHost = new URL(setup.resolved.endpoint).host;

  const safeHook = <K extends keyof CaptchaHooks>(name: K, event: Parameters<NonNullable<CaptchaHooks[K]>>[0]): void => {
    const fn = hooks[name] as ((e: typeof event) => void) | undefined;
    if (!fn) return;
    try {
      fn.call(hooks, event);
    } catch (error) {
      log('error', 'a captcha hook threw', { hook: name, error: redact(String(error)) });
    }
  };

  const lastReport = new Map<string, number>();
  /** Whether a report of `kind` may go out now (at most one per interval per kind). */
  const mayReport = (kind: string): boolean => {
    const t = Date.now();
    const last = lastReport.get(kind);
    if (last !== undefined && t - last < REPORT_INTERVAL_MS) return false;
    if (lastReport.size > 256) lastReport.clear();
    lastReport.set(kind, t);
    return true;
  };

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
        return { upstream: upstreamHost, breaker: 'open', lastError: setup.lastFailureDetail() };
      case 'local_fault':
        return { transport: setup.transportName?.() ?? 'unknown', error: redact(outcome.detail) };
      default:
        return {};
    }
  };

  return { ...setup, upstreamHost, safeHook, mayReport, describeUpstream };
}

function networkReports({ log, safeHook, mayReport, upstreamHost, resolved }: ReportContext): NetworkEvents {
  return {
    breakerOpened(at, cause, detail) {
      const hint = detail && cause !== 'upstream_internal_error' && cause !== 'system_busy' ? { hint: networkHint(detail, upstreamHost) } : {};
      const data = { cause, upstream: upstreamHost, error: detail, ...hint, halfOpenAfterMs: resolved.breaker.halfOpenAfterMs };
      log('warn', 'captcha breaker opened: verification decides without Tencent', data, 'breaker_open');
      safeHook('onBreakerOpen', { state: 'open', at, cause });
    },
    breakerClosed(at) {
      log('info', 'captcha breaker closed: Tencent answers again', { upstream: upstreamHost }, 'breaker_close');
      safeHook('onBreakerClose', { state: 'closed', at, cause: null });
    },
    /** A request on its way to Tencent failed: which host, which error code, the likely cause. */
    upstreamFailed(detail, failure) {
      const kind = `upstream:${detail}`;
      if (!mayReport(kind)) return;
      log('warn', `captcha could not get an answer from Tencent (${failure})`, { upstream: upstreamHost, error: detail, hint: networkHint(detail, upstreamHost) }, kind);
    },
  };
}

function storeReports({ log, safeHook, telemetry, resolved, redact }: ReportContext): StoreEvents {
  return {

    degradedCommitted(tier) {
      telemetry?.degradedAccepted(tier);
    },
    budgetExhausted({ scope, limit, tier, userIp, cause }) {
      if (scope !== 'per_ip') telemetry?.budgetExhausted(tier);
      safeHook('onBudgetExhausted', { scope, limit, windowSeconds: resolved.budgets.windowSeconds, tier, userIp, cause });
      log('warn', 'captcha degraded budget exhausted', { scope, limit, tier }, `budget_exhausted:${scope}`);
    },
    storeCannotRemember() {
      log('warn', 'captcha store could not remember the ticket: degraded acceptance refused', {}, 'store_cannot_remember');
    },
    storeFailed(error, timedOut, timeoutMs) {
      if (timedOut) log('warn', 'captcha store timed out: degraded acceptance refused (store_unavailable)', { timeoutMs }, 'store_unavailable');
      else log('warn', 'captcha store unavailable: degraded acceptance refused (store_unavailable)', { error: redact(String(error)) }, 'store_unavailable');
      safeHook('onStoreError', { error, timedOut });
    },
    claimNotRecorded() {
      log('warn', 'captcha store could not record a verified ticket: refused (store_unavailable), as a second use could not be refused', {}, 'store_claim');
    },
  };
}

function engineReports({ log, hooks, safeHook, mayReport, describeUpstream, resolved, redact, transportName }: ReportContext): EngineEvents {
  return {

    /** A ticket accepted without Tencent's word: every time to a passed logger, once a minute to the console. */
    degradedAccepted(verdict, outcome) {
      if (!log.warns()) return;
      const { status, accepted, reason, cause, branch, mode, requestId, attempts, latencyMs } = verdict;
      const note = "accepted without Tencent's verification (fail-open); alert if this continues";
      log('warn', 'captcha verdict', { status, accepted, reason, cause, branch, mode, note, ...describeUpstream(outcome), requestId, attempts, latencyMs }, 'degraded_accepted');
    },
    misconfigured(outcome) {
      const event = misconfigurationEvent(outcome, redact);
      if (!event) return;
      // A ticket of another app can make Tencent answer 100: rate-limited, or an attacker pages on-call.
      const kind = `misconfigured:${event.source}:${event.captchaCode ?? event.apiErrorCode}`;
      if (!mayReport(kind)) return;
      if (event.source === 'transport') {
        const transport = transportName?.() ?? 'unknown';
        log('error', 'captcha verification is misconfigured', { ...event, transport, likelyCause: localFaultHint(transport) }, kind);
      } else {
        log('error', 'captcha verification is misconfigured', { ...event, likelyCause: misconfigurationHint(event) }, kind);
      }
      safeHook('onMisconfiguration', event);
    },
    credentialsUnavailable(provider, error) {
      if (!mayReport('misconfigured:credentials')) return;
      const event = { source: 'credentials' as const, captchaCode: null, apiErrorCode: null, message: redact(`${error}`).slice(0, 300), requestId: null };
      log('error', 'captcha verification is misconfigured: no usable API key', { provider, error: event.message }, 'misconfigured:credentials');
      safeHook('onMisconfiguration', event);
    },
    overloaded(outcome) {
      if (outcome.kind !== 'overloaded' || !mayReport('overloaded')) return;
      const data = { detail: outcome.detail, maxConnections: resolved.maxConnections, maxQueued: resolved.maxQueued };
      log('warn', 'captcha verification overloaded: requests refused before reaching Tencent', data, 'overloaded');
    },
    internalError(error) {
      log('error', 'captcha verification failed unexpectedly', { error: redact(String(error)) }, 'internal_error');
    },
    verdictReached(verdict, input) {
      if (log.debugs() && !(verdict.status === 'degraded' && verdict.accepted)) {
        const { status, accepted, reason, branch, captchaCode, requestId, attempts, latencyMs } = verdict;
        log('debug', 'captcha verdict', { status, accepted, reason, branch, captchaCode, requestId, attempts, latencyMs });
      }
      if (hooks.onVerdict) safeHook('onVerdict', { verdict, userIp: userIpOf(input) });
    },
    /** Which source gave what, once a minute per source: a misconfigured getter refuses everyone. */
    userIpRefused(input, source) {
      const from = typeof source === 'string' && source !== '' ? source.slice(0, 80) : 'verify() input userIp';
      const kind = `user_ip_invalid:${from}`;
      if (!mayReport(kind)) return;
      const value = (input as Partial<VerifyInput> | null | undefined)?.userIp;
      const got = typeof value === 'string' ? JSON.stringify(value.slice(0, 64)) : value === null ? 'null' : value === undefined ? 'nothing (undefined)' : `a ${typeof value}`;
      const hint = 'every request is refused until it gives a valid IP: read the address your platform guarantees (the socket, or a header only your own proxy or CDN sets).';
      log('warn', 'captcha refused a request for its client IP (400 user_ip_invalid): check where the IP is read', { source: from, got, hint }, kind);
    },
  };
}

function misconfigurationEvent(outcome: UpstreamOutcome, redact: (text: string) => string): MisconfigurationEvent | undefined {
  if (outcome.kind === 'answer') {
    const r = outcome.response;
    return { source: 'captcha_code', captchaCode: r.CaptchaCode, apiErrorCode: null, message: redact(r.CaptchaMsg ?? ''), requestId: r.RequestId || null };
  }
  if (outcome.kind === 'api_error') {
    return { source: 'api_error', captchaCode: null, apiErrorCode: outcome.code, message: redact(outcome.message), requestId: outcome.requestId };
  }
  if (outcome.kind === 'local_fault') {
    // Failed before anything was sent (network/local-fault.ts): our side, never Tencent's outage.
    return { source: 'transport', captchaCode: null, apiErrorCode: null, message: redact(outcome.detail), requestId: null };
  }
  return undefined;
}

function userIpOf(input: VerifyInput): string | null {
  return typeof (input as Partial<VerifyInput> | undefined)?.userIp === 'string' ? (input.userIp as string) : null;
}

