/**
 * The verification engine: the stages of design §3 in their order, composed.
 *
 *   input (decision/input.ts, disaster tickets in decision/policy.ts)
 *   → API key (credentials/credential-source.ts: cached, refreshed in the background)
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
import { createNetwork, type Network } from '../network/upstream.js';
import { runCheck } from '../operations/checks.js';
import { createRedactor, createVerifierLog } from '../operations/logging.js';
import { createReports, type VerifierEvents } from '../operations/reports.js';
import { createVerifierTelemetry, type VerificationSpan, type VerifierTelemetry } from '../operations/telemetry.js';
import { createStoreCalls, type StoreCalls } from '../stores/calls.js';
import type { ResolvedCaptchaVerifierOptions } from '../types/options.js';
import { PolicyReason, type VerdictReason } from '../types/reasons.js';
import type { CaptchaVerdict, VerifyInput, VerifyOptions } from '../types/verdict.js';
import type { CaptchaVerifier } from '../types/verifier.js';
import type { VerifierEngineSetup } from './setup.js';
import type { CredentialSource } from '../credentials/credential-source.js';
import { keyForCall } from '../credentials/key-for-call.js';

/** The stages of one verifier, built once. */
interface Stages {
  resolved: ResolvedCaptchaVerifierOptions;
  now: () => number;
  telemetry: VerifierTelemetry | null;
  events: VerifierEvents;
  network: Network;
  storeCalls: StoreCalls;
  verdictContext: VerdictContext;
  settingsFor: (options: VerifyOptions | undefined) => CallSettings;
  inputOptions: { randstrRequired: boolean } | undefined;
  credentials: CredentialSource;
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
  const events = createReports({
    log,
    hooks,
    redact,
    telemetry,
    resolved,
    lastFailureDetail: () => network.lastFailureDetail,
    transportName: () => transport.name,
  });
  const network = createNetwork({
    client,
    transport,
    networkBudgetMs: resolved.deadlineMs - resolved.storeTimeoutMs,
    attemptTimeoutMs: resolved.attemptTimeoutMs,
    maxConnections: resolved.maxConnections,
    maxQueued: resolved.maxQueued,
    maxInFlightPerClient: resolved.maxInFlightPerClient,
    breaker: resolved.breaker,
    retry: resolved.retry,
    events,
    telemetry,
    redact,
  });
  const stages: Stages = {
    resolved,
    now,
    telemetry,
    events,
    network,
    storeCalls: createStoreCalls({ store, resolved, now, events, claimVerifiedTickets: setup.claimVerifiedTickets }),
    verdictContext: { redact, now, network, retryAfterSeconds: resolved.retryAfterSeconds },
    settingsFor: createCallSettings(resolved),
    inputOptions: setup.randstrRequired ? undefined : { randstrRequired: false },
    credentials: setup.credentials,
  };
  const checkContext = { endpoint: resolved.endpoint, attemptTimeoutMs: resolved.attemptTimeoutMs, now, store, client, redact, credentialSource: setup.credentials, transport };
  const credentials = setup.credentialShape ?? null;
  return {
    verify: (input, options) => verify(stages, input, options),
    get breakerState() {
      return network.breakerState;
    },
    options: deepFreeze(resolved),
    check: (options) => runCheck({ ...checkContext, viaProxy: setup.viaProxy === true, injectedFetch: setup.injectedFetch === true, credentials }, options),
    close: () => {
      telemetry?.close();
      network.close();
      return transport.close();
    },
  };
}

/** One verification: never throws for a ticket; rejects only with the caller's abort reason or a wrong call. */
async function verify(s: Stages, input: VerifyInput, verifyOptions?: VerifyOptions): Promise<CaptchaVerdict> {
  const started = performance.now();
  const callerSignal = verifyOptions?.signal;
  if (callerSignal?.aborted) throw callerSignal.reason;
  const call = s.settingsFor(verifyOptions);
  const { telemetry } = s;
  const span = telemetry ? telemetry.startVerification(ticketLength(input), verifyOptions?.traceHeaders) : null;
  let verdict: CaptchaVerdict;
  try {
    verdict = await run(s, input, call, callerSignal, started, span);
  } catch (error) {
    if (callerSignal?.aborted) {
      telemetry?.abortVerification(span);
      throw callerSignal.reason;
    }
    s.events.internalError(error);
    const internal: FinalDecision = { type: 'final', reason: PolicyReason.InternalError, accepted: false, branch: 'internal_error', cause: null };
    verdict = buildVerdict(internal, { mode: call.mode, outcome: null, attempts: 0, disasterTicket: null, retryAfterSeconds: null }, started, s.verdictContext);
  }
  if (telemetry) telemetry.endVerification(span, verdict, (performance.now() - started) / 1000);
  s.events.verdictReached(verdict, input);
  if (verdict.reason === PolicyReason.UserIpInvalid) s.events.userIpRefused(input, verifyOptions?.userIpSource);
  return verdict;
}

/** input → network → policy → store → verdict. */
async function run(s: Stages, rawInput: VerifyInput, call: CallSettings, signal: AbortSignal | undefined, started: number, span: VerificationSpan | null): Promise<CaptchaVerdict> {
  const { resolved, network, events } = s;
  const trace: Trace = { mode: call.mode, outcome: null, attempts: 0, disasterTicket: null, retryAfterSeconds: null };
  const finish = (decision: FinalDecision, windowEndsMs: number | null = null): CaptchaVerdict => {
    trace.retryAfterSeconds = retryAfterFor(decision, windowEndsMs, s.verdictContext);
    const verdict = buildVerdict(decision, trace, started, s.verdictContext);
    if (verdict.accepted && verdict.status === 'degraded') events.degradedAccepted(verdict, trace.outcome);
    return verdict;
  };
  const local = (reason: VerdictReason, branch: FinalDecision['branch']): CaptchaVerdict => finish({ type: 'final', reason, accepted: false, branch, cause: null });

  // 1. Input: the strings and the IP, then a disaster ticket's own checks.
  const checked = validateInput(rawInput, s.inputOptions);
  if (!checked.ok) return local(checked.reason, 'input');
  const input = checked.input;
  const disaster = checkDisasterTicket(input.ticket, { captchaAppId: resolved.captchaAppId, nowMs: s.now(), ...resolved.disasterTickets });
  if (disaster.kind !== 'not_disaster') trace.disasterTicket = disaster.ticket;
  if (disaster.kind === 'invalid') return local(disaster.reason, 'disaster_ticket_check');

  // 2. The API key: at once while one is usable. No key is our fault, never Tencent's: misconfigured,
  // and the breaker never hears of it.
  const got = keyForCall(s.credentials, signal, started + resolved.deadlineMs - resolved.storeTimeoutMs - performance.now());
  const key = got instanceof Promise ? await got : got;
  if ('unavailable' in key) {
    events.credentialsUnavailable(s.credentials.provider, key.unavailable);
    return local(PolicyReason.Misconfigured, 'misconfigured');
  }

  // 3. Network: Tencent's outcome, or why there is none.
  const { outcome, attempts } = await network.call(input, call.extra, signal, started, span, key);
  trace.outcome = outcome;
  trace.attempts = attempts;

  // 4. Policy: final, or a degraded candidate the store must settle.
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
    // 5. Store: a verified ticket is claimed where the API would accept it twice. 6. Verdict.
    return finish(decision.reason === PolicyReason.Verified ? await s.storeCalls.claim(input, decision, signal) : decision);
  }
  // 5. Store: replay guard and budgets settle a degraded candidate. 6. Verdict.
  const settled = await s.storeCalls.consult(decision, input, trace.disasterTicket, call.budgetScope, signal);
  return finish(settled.decision, settled.windowEndsMs);
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
