/**
 * OpenTelemetry metrics and traces, with `@opentelemetry/api` an optional peer dependency.
 *
 * The API is loaded once per process with a dynamic `import()` (so the package works without it, in
 * ESM and CJS alike) when the first verifier is created. Per verification the cost is nothing when
 * the API is absent or telemetry is off, and a couple of property reads when the API is there but no
 * provider is registered: the verified path allocates nothing for telemetry then. Providers are looked
 * up per call, so an SDK registered after the verifier was created is picked up.
 *
 * Names follow OpenTelemetry's semantic-convention rules: a `tencent_captcha.` namespace, dot-separated,
 * durations in seconds, counts with a `{verification}` annotation. Span attributes carry the verdict,
 * never the ticket (only its length) and never a secret.
 */
import type { CaptchaTelemetryOptions, TraceHeaders } from '../types/telemetry.js';
import type { CaptchaVerdict } from '../types/verdict.js';
import type { Meter, OtelApi, Span, Tracer } from './otel-api.js';
import { createBudgetTally } from './telemetry-budget.js';
import { type GaugeReadings, type Instruments, createInstruments, recordVerdict, removeGauges } from './telemetry-instruments.js';
import {
  type AttemptSummary,
  type VerificationSpan,
  abortVerificationSpan,
  endAttemptSpan,
  endVerificationSpan,
  startAttemptSpan,
  startVerificationSpan,
} from './telemetry-spans.js';

export { TelemetryMetric } from './telemetry-instruments.js';
export type { AttemptSummary, VerificationSpan } from './telemetry-spans.js';

const SCOPE = '@tencent-captcha/core';

let api: OtelApi | null = null;
let loading: Promise<OtelApi | null> | null = null;

/**
 * Loads `@opentelemetry/api` if it is installed (once per process). Verifiers created before it has
 * loaded pick it up as soon as it has. Resolves with whether it is there.
 */
export function loadOpenTelemetryApi(): Promise<boolean> {
  loading ??= import('@opentelemetry/api').then(
    (m) => {
      // The namespace (ESM, or CJS through import()); its `default` only as a fallback.
      const ns = m as unknown as Partial<OtelApi> & { default?: Partial<OtelApi> };
      const mod = typeof ns.metrics?.getMeterProvider === 'function' ? ns : ns.default;
      api = mod && typeof mod.metrics?.getMeterProvider === 'function' && typeof mod.trace?.getTracerProvider === 'function' ? (mod as OtelApi) : null;
      return api;
    },
    () => null,
  );
  return loading.then((a) => a !== null);
}

/** Whether a provider is the API's no-op one (nothing registered). */
function isNoop(provider: unknown): boolean {
  const name = (provider as { constructor?: { name?: string } } | null)?.constructor?.name;
  return name === undefined || name.startsWith('Noop');
}

/** What the telemetry of one verifier reads from it. */
export interface TelemetrySource {
  /** `DescribeCaptchaResult` or `CaptchaCheck` (legacy): tells two verifiers on one meter apart. */
  api: string;
  endpointHost: string;
  endpointPort: number;
  breakerState(): string;
  /** Global budget limits per tier, and the window length. */
  budgets: { windowSeconds: number; global: number; outageGlobal: number };
  now(): number;
}

/** The per-verifier telemetry the engine calls. */
export interface VerifierTelemetry {
  /** Starts the verification span, or `null` when no tracer is registered. */
  startVerification(ticketLength: number, traceHeaders: TraceHeaders | undefined): VerificationSpan | null;
  /** Starts an attempt span under `parent`. */
  startAttempt(parent: VerificationSpan, attempt: number): Span;
  /** Ends an attempt span with what the attempt produced. */
  endAttempt(span: Span, outcome: AttemptSummary): void;
  /** Records the verdict's metrics and ends the span. */
  endVerification(span: VerificationSpan | null, verdict: CaptchaVerdict, seconds: number): void;
  /** Ends the span of a verification whose caller aborted. */
  abortVerification(span: VerificationSpan | null): void;
  /** A degraded acceptance was committed (budget bookkeeping). */
  degradedAccepted(tier: 'healthy' | 'outage'): void;
  /** The global budget of `tier` is spent for the current window. */
  budgetExhausted(tier: 'healthy' | 'outage'): void;
  close(): void;
}

/** The instruments of one verifier, following the meter provider (created again when it changes). */
interface InstrumentsFollower {
  /** The instruments for the current meter provider, or `null` when there is none. */
  current(): Instruments | null;
  close(): void;
}

function followMeterProvider(options: CaptchaTelemetryOptions, readings: GaugeReadings): InstrumentsFollower {
  let meterProvider: unknown = null;
  let instruments: Instruments | null = null;
  let closed = false;
  const dropInstruments = (): void => {
    removeGauges(instruments);
    instruments = null;
  };
  return {
    current() {
      if (closed) return null;
      // A given meter provider needs nothing from the API; the global one does.
      const provider = options.meterProvider ?? api?.metrics.getMeterProvider();
      if (!provider) return null;
      if (provider === meterProvider) return instruments;
      dropInstruments();
      meterProvider = provider;
      if (!options.meterProvider && isNoop(provider)) return null;
      instruments = createInstruments(provider.getMeter(SCOPE) as Meter, readings);
      return instruments;
    },
    close() {
      closed = true;
      dropInstruments();
    },
  };
}

/**
 * Creates the telemetry of one verifier, or `null` when it is off (`telemetry: false`). Starts loading
 * `@opentelemetry/api` if that has not happened yet.
 */
export function createVerifierTelemetry(options: CaptchaTelemetryOptions | false, source: TelemetrySource): VerifierTelemetry | null {
  if (options === false) return null;
  if (!api) void loadOpenTelemetryApi();
  let tracerProvider: unknown = null;
  let tracer: Tracer | null = null;
  let closed = false;
  // Budget as this process sees it: acceptances in the current window per tier.
  const budget = createBudgetTally(source);
  const meters = followMeterProvider(options, { api: source.api, breakerState: () => source.breakerState(), budgetRemaining: () => budget.remaining() });

  /** The tracer for the current tracer provider, or `null` when none is registered. */
  const currentTracer = (): Tracer | null => {
    if (!api || closed) return null;
    const provider = options.tracerProvider ?? api.trace.getTracerProvider();
    if (provider !== tracerProvider) {
      tracerProvider = provider;
      tracer = provider.getTracer(SCOPE) as Tracer;
    }
    // The global provider is a proxy; it has a real delegate once an SDK registered one.
    if (!options.tracerProvider) {
      const delegate = (provider as { getDelegate?(): unknown }).getDelegate?.() ?? provider;
      if (isNoop(delegate)) return null;
    }
    return tracer;
  };

  // The gauges report from the start (a breaker or budget is worth seeing before the first verdict).
  meters.current();
  if (!api && !options.meterProvider) void loadOpenTelemetryApi().then(() => meters.current());

  return {
    startVerification(ticketLength, traceHeaders) {
      const t = currentTracer();
      if (!t || !api) return null;
      return startVerificationSpan(api, t, { api: source.api, ticketLength, traceHeaders });
    },
    startAttempt(parent, attempt) {
      return startAttemptSpan(tracer!, parent, { endpointHost: source.endpointHost, endpointPort: source.endpointPort, attempt });
    },
    endAttempt: endAttemptSpan,
    endVerification(vs, verdict, seconds) {
      const m = meters.current();
      if (m) recordVerdict(m, source.api, verdict, seconds);
      if (vs) endVerificationSpan(vs, verdict);
    },
    abortVerification(vs) {
      if (vs) abortVerificationSpan(vs);
    },
    degradedAccepted: (tier) => budget.degradedAccepted(tier),
    budgetExhausted: (tier) => budget.budgetExhausted(tier),
    close() {
      closed = true;
      meters.close();
    },
  };
}
