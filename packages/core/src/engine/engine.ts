/**
 * The verification engine: the stages of design §3 in their order, composed.
 *
 *   input (decision/input.ts, disaster tickets in decision/policy.ts)
 *   → network (network/upstream.ts: breaker → queue → attempt with its timer → retry)
 *   → policy (decision/policy.ts: pure)
 *   → store (stores/calls.ts: consult for degraded candidates, claim for verified tickets)
 *   → verdict (decision/build-verdict.ts)
 *
 * It holds no timers, counters or log formatting of its own: the links emit events and
 * operations/reports.ts turns them into log lines, hooks and telemetry. `createCaptchaVerifier`
 * (verifier.ts) and `createLegacyCaptchaVerifier` (legacy/verifier.ts) are thin setups around it.
 * Internal: not exported from the package.
 */
import { createCallSettings, type CallSettings } from '../config/call-settings.js';
import { buildVerdict, retryAfterFor, type Trace, type VerdictContext } from '../decision/build-verdict.js';
import { validateInput } from '../decision/input.js';
import { checkDisasterTicket, decide, type FinalDecision } from '../decision/policy.js';
import type { UpstreamClient } from '../network/describe-captcha-result.js';
import type { Transport } from '../network/transport.js';
import { createNetwork } from '../network/upstream.js';
import { runCheck, type CredentialShape } from '../operations/checks.js';
import { createRedactor, createVerifierLog } from '../operations/logging.js';
import { createReports } from '../operations/reports.js';
import { createVerifierTelemetry, type VerificationSpan } from '../operations/telemetry.js';
import { createStoreCalls } from '../stores/calls.js';
import type { CaptchaStore } from '../stores/contract.js';
import type { CaptchaHooks, CaptchaLogger, ResolvedCaptchaVerifierOptions } from '../types/options.js';
import { PolicyReason, type VerdictReason } from '../types/reasons.js';
import type { CaptchaTelemetryOptions } from '../types/telemetry.js';
import type { CaptchaVerdict, VerifyInput, VerifyOptions } from '../types/verdict.js';
import type { CaptchaVerifier } from '../types/verifier.js';

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

/** The verification pipeline over one upstream API (see the module comment). */
export function createVerifierEngine(setup: VerifierEngineSetup): CaptchaVerifier {
  const { resolved, hooks, now, transport, client, store } = setup;
  const redact = createRedactor(setup.secrets);
  const endpointUrl = new URL(resolved.endpoint);
  const telemetry = createVerifierTelemetry(setup.telemetry ?? {}, {
    api: setup.apiName ?? 'DescribeCaptchaResult',
    endpointHost: endpointUrl.hostname,
    endpointPort: endpointUrl.port ? Number(endpointUrl.port) : endpointUrl.protocol === 'https:' ? 443 : 80,
    breakerState: () => network.breakerState,
    budgets: resolved.budgets,
    now,
  });
  const log = createVerifierLog(setup.logger);
  const events = createReports({ log, hooks, redact, telemetry, resolved, lastFailureDetail: () => network.lastFailureDetail });
  const network = createNetwork({
    client,
    transport,
    networkBudgetMs: resolved.deadlineMs - resolved.storeTimeoutMs,
    attemptTimeoutMs: resolved.attemptTimeoutMs,
    maxConnections: resolved.maxConnections,
    maxQueued: resolved.maxQueued,
    breaker: resolved.breaker,
    retry: resolved.retry,
    events,
    telemetry,
    redact,
  });
  const storeCalls = createStoreCalls({ store, resolved, now, events, claimVerifiedTickets: setup.claimVerifiedTickets });
  const verdictContext: VerdictContext = { redact, now, network, retryAfterSeconds: resolved.retryAfterSeconds };
  const settingsFor = createCallSettings(resolved);
  const inputOptions = setup.randstrRequired ? undefined : { randstrRequired: false };

  /** input → network → policy → store → verdict. */
  async function run(rawInput: VerifyInput, call: CallSettings, signal: AbortSignal | undefined, started: number, span: VerificationSpan | null): Promise<CaptchaVerdict> {
    const trace: Trace = { mode: call.mode, outcome: null, attempts: 0, disasterTicket: null, retryAfterSeconds: null };
    const finish = (decision: FinalDecision, windowEndsMs: number | null = null): CaptchaVerdict => {
      trace.retryAfterSeconds = retryAfterFor(decision, windowEndsMs, verdictContext);
      const verdict = buildVerdict(decision, trace, started, verdictContext);
      if (verdict.accepted && verdict.status === 'degraded') events.degradedAccepted(verdict, trace.outcome);
      return verdict;
    };
    const local = (reason: VerdictReason, branch: FinalDecision['branch']): CaptchaVerdict => finish({ type: 'final', reason, accepted: false, branch, cause: null });

    // 1. Input: the strings and the IP, then a disaster ticket's own checks.
    const checked = validateInput(rawInput, inputOptions);
    if (!checked.ok) return local(checked.reason, 'input');
    const input = checked.input;
    const disaster = checkDisasterTicket(input.ticket, { captchaAppId: resolved.captchaAppId, nowMs: now(), ...resolved.disasterTickets });
    if (disaster.kind !== 'not_disaster') trace.disasterTicket = disaster.ticket;
    if (disaster.kind === 'invalid') return local(disaster.reason, 'disaster_ticket_check');

    // 2. Network: Tencent's outcome, or why there is none.
    const { outcome, attempts } = await network.call(input, call.extra, signal, started, span);
    trace.outcome = outcome;
    trace.attempts = attempts;

    // 3. Policy: final, or a degraded candidate the store must settle.
    const decision = decide({
      mode: call.mode,
      outcome,
      attempts,
      disasterTicket: trace.disasterTicket,
      breaker: network.breakerState,
      maxEvilLevel: call.maxEvilLevel,
      maxScore: call.maxScore,
    });
    if (decision.type === 'final') {
      if (decision.misconfigured) events.misconfigured(outcome);
      if (decision.reason === PolicyReason.Overloaded) events.overloaded(outcome);
      // 4. Store: a verified ticket is claimed where the API would accept it twice.
      return finish(decision.reason === PolicyReason.Verified ? await storeCalls.claim(input, decision, signal) : decision);
    }
    // 4. Store: replay guard and budgets decide a degraded candidate. 5. Verdict.
    const settled = await storeCalls.consult(decision, input, trace.disasterTicket, call.budgetScope, signal);
    return finish(settled.decision, settled.windowEndsMs);
  }

  async function verify(input: VerifyInput, verifyOptions?: VerifyOptions): Promise<CaptchaVerdict> {
    const started = performance.now();
    const callerSignal = verifyOptions?.signal;
    if (callerSignal?.aborted) throw callerSignal.reason;
    const call = settingsFor(verifyOptions);
    const span = telemetry ? telemetry.startVerification(ticketLength(input), verifyOptions?.traceHeaders) : null;
    let verdict: CaptchaVerdict;
    try {
      verdict = await run(input, call, callerSignal, started, span);
    } catch (error) {
      if (callerSignal?.aborted) {
        telemetry?.abortVerification(span);
        throw callerSignal.reason;
      }
      events.internalError(error);
      const internal: FinalDecision = { type: 'final', reason: PolicyReason.InternalError, accepted: false, branch: 'internal_error', cause: null };
      verdict = buildVerdict(internal, { mode: call.mode, outcome: null, attempts: 0, disasterTicket: null, retryAfterSeconds: null }, started, verdictContext);
    }
    if (telemetry) telemetry.endVerification(span, verdict, (performance.now() - started) / 1000);
    events.verdictReached(verdict, input);
    return verdict;
  }

  return {
    verify,
    get breakerState() {
      return network.breakerState;
    },
    options: deepFreeze(resolved),
    check: (checkOptions) =>
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

function deepFreeze<T extends object>(value: T): T {
  for (const v of Object.values(value)) if (typeof v === 'object' && v !== null) deepFreeze(v as object);
  return Object.freeze(value);
}
