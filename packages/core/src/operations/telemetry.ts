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
import type { CaptchaVerdict } from '../types/verdict.js';
import type { CaptchaTelemetryOptions, TelemetryMeterProvider, TelemetryTracerProvider, TraceHeaders } from '../types/telemetry.js';

/** Metric names (OpenTelemetry; Prometheus shows dots as `_`, counters with `_total`, seconds with `_seconds`). */
export const TelemetryMetric = {
  /** Counter of verdicts, by `tencent_captcha.status`, `.reason`, `.mode`, `.branch`, `.accepted` (and `.api` on every metric). */
  Verifications: 'tencent_captcha.verifications',
  /** Histogram of `verify()` durations in seconds, by `tencent_captcha.status` and `.mode`. */
  VerificationDuration: 'tencent_captcha.verification.duration',
  /** Counter of tickets accepted without Tencent's word, by `tencent_captcha.cause`, `.branch`, `.mode`. */
  DegradedAccepted: 'tencent_captcha.degraded.accepted',
  /** Gauge: 1 for the breaker's current `tencent_captcha.state` (`closed`, `open`, `half_open`), 0 for the others. */
  BreakerState: 'tencent_captcha.breaker.state',
  /**
   * Gauge: degraded acceptances left in the current window of the global budget, by
   * `tencent_captcha.budget.tier` (`healthy`, `outage`) — as this process counts them (with a shared
   * Redis store, other instances spend the same budget).
   */
  BudgetRemaining: 'tencent_captcha.budget.remaining',
} as const;

// --- the small part of @opentelemetry/api used here -------------------------------------------------
type Attributes = Record<string, string | number | boolean>;
interface Ctx {
  readonly __ctx?: never;
}
interface Span {
  setAttribute(key: string, value: string | number | boolean): unknown;
  setAttributes(attributes: Attributes): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}
interface Tracer {
  startSpan(name: string, options?: { kind?: number; attributes?: Attributes }, context?: Ctx): Span;
}
interface Counter {
  add(value: number, attributes?: Attributes): void;
}
interface Histogram {
  record(value: number, attributes?: Attributes): void;
}
interface ObservableResult {
  observe(value: number, attributes?: Attributes): void;
}
interface ObservableGauge {
  addCallback(cb: (result: ObservableResult) => void): void;
  removeCallback(cb: (result: ObservableResult) => void): void;
}
interface Meter {
  createCounter(name: string, options?: object): Counter;
  createHistogram(name: string, options?: object): Histogram;
  createObservableGauge(name: string, options?: object): ObservableGauge;
}
interface OtelApi {
  metrics: { getMeterProvider(): TelemetryMeterProvider };
  trace: {
    getTracerProvider(): TelemetryTracerProvider & { getDelegate?(): unknown };
    setSpan(context: Ctx, span: Span): Ctx;
    getSpan(context: Ctx): Span | undefined;
  };
  context: { active(): Ctx };
  propagation: { extract(context: Ctx, carrier: unknown, getter?: object): Ctx };
}

const SCOPE = '@tencent-captcha/core';
const SPAN_KIND_INTERNAL = 0;
const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;

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

const headerGetter = {
  keys(carrier: TraceHeaders): string[] {
    if (typeof (carrier as { get?: unknown }).get === 'function') {
      const keys: string[] = [];
      (carrier as unknown as { forEach?(cb: (v: string, k: string) => void): void }).forEach?.((_v, k) => keys.push(k));
      return keys;
    }
    return Object.keys(carrier);
  },
  get(carrier: TraceHeaders, key: string): string | string[] | undefined {
    if (typeof (carrier as { get?: unknown }).get === 'function') return (carrier as { get(n: string): string | null }).get(key) ?? undefined;
    const c = carrier as Record<string, string | string[] | undefined>;
    return c[key] ?? c[key.toLowerCase()];
  },
};

/** One verification's span (and the context its attempt spans hang from). */
export interface VerificationSpan {
  span: Span;
  context: Ctx;
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

/** What an attempt span records. */
export interface AttemptSummary {
  /** `answer`, `api_error`, `failure`, `lagged`. */
  kind: string;
  captchaCode?: number;
  /** `error.type`: the network code (`ECONNREFUSED`), `timeout`, an HTTP status, the API error code. */
  error?: string;
}

interface Instruments {
  verifications: Counter;
  duration: Histogram;
  degraded: Counter;
  gauges: Array<[ObservableGauge, (r: ObservableResult) => void]>;
}

const BREAKER_STATES = ['closed', 'open', 'half_open'] as const;

/**
 * Creates the telemetry of one verifier, or `null` when it is off (`telemetry: false`). Starts loading
 * `@opentelemetry/api` if that has not happened yet.
 */
export function createVerifierTelemetry(options: CaptchaTelemetryOptions | false, source: TelemetrySource): VerifierTelemetry | null {
  if (options === false) return null;
  if (!api) void loadOpenTelemetryApi();
  let meterProvider: unknown = null;
  let instruments: Instruments | null = null;
  let tracerProvider: unknown = null;
  let tracer: Tracer | null = null;
  let closed = false;

  // Budget as this process sees it: acceptances in the current window per tier.
  let windowIndex = -1;
  const spent = { healthy: 0, outage: 0 };
  const exhausted = { healthy: false, outage: false };
  const roll = (): void => {
    const index = Math.floor(source.now() / (source.budgets.windowSeconds * 1000));
    if (index === windowIndex) return;
    windowIndex = index;
    spent.healthy = spent.outage = 0;
    exhausted.healthy = exhausted.outage = false;
  };

  const dropInstruments = (): void => {
    for (const [gauge, cb] of instruments?.gauges ?? []) gauge.removeCallback(cb);
    instruments = null;
  };

  /** The instruments for the current meter provider, or `null` when there is none. */
  const currentInstruments = (): Instruments | null => {
    if (closed) return null;
    // A given meter provider needs nothing from the API; the global one does.
    const provider = options.meterProvider ?? api?.metrics.getMeterProvider();
    if (!provider) return null;
    if (provider === meterProvider) return instruments;
    dropInstruments();
    meterProvider = provider;
    if (!options.meterProvider && isNoop(provider)) return null;
    const meter = provider.getMeter(SCOPE) as Meter;
    const breakerGauge = meter.createObservableGauge(TelemetryMetric.BreakerState, {
      description: "The captcha circuit breaker: 1 for its current state, 0 for the others.",
      unit: '{state}',
    });
    const breakerCb = (result: ObservableResult): void => {
      const state = source.breakerState();
      for (const s of BREAKER_STATES) result.observe(s === state ? 1 : 0, { 'tencent_captcha.api': source.api, 'tencent_captcha.state': s });
    };
    breakerGauge.addCallback(breakerCb);
    const budgetGauge = meter.createObservableGauge(TelemetryMetric.BudgetRemaining, {
      description: 'Degraded acceptances left in the current window of the global budget, as this process counts them.',
      unit: '{verification}',
    });
    const budgetCb = (result: ObservableResult): void => {
      roll();
      const left = (tier: 'healthy' | 'outage', limit: number): number => (exhausted[tier] ? 0 : Math.max(0, limit - spent[tier]));
      result.observe(left('healthy', source.budgets.global), { 'tencent_captcha.api': source.api, 'tencent_captcha.budget.tier': 'healthy' });
      result.observe(left('outage', source.budgets.outageGlobal), { 'tencent_captcha.api': source.api, 'tencent_captcha.budget.tier': 'outage' });
    };
    budgetGauge.addCallback(budgetCb);
    instruments = {
      verifications: meter.createCounter(TelemetryMetric.Verifications, {
        description: 'Captcha verifications, by verdict.',
        unit: '{verification}',
      }),
      duration: meter.createHistogram(TelemetryMetric.VerificationDuration, {
        description: 'Duration of captcha verifications (verify()).',
        unit: 's',
        advice: { explicitBucketBoundaries: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
      }),
      degraded: meter.createCounter(TelemetryMetric.DegradedAccepted, {
        description: "Captcha tickets accepted without Tencent's verification (fail-open). Alert when it stays above 0.",
        unit: '{verification}',
      }),
      gauges: [
        [breakerGauge, breakerCb],
        [budgetGauge, budgetCb],
      ],
    };
    return instruments;
  };

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
  currentInstruments();
  if (!api && !options.meterProvider) void loadOpenTelemetryApi().then(() => currentInstruments());

  return {
    startVerification(ticketLength, traceHeaders) {
      const t = currentTracer();
      if (!t || !api) return null;
      // The caller's active span if there is one (HTTP auto-instrumentation); else the trace the
      // incoming request carries (`traceparent`), so the verification joins the request's trace.
      let parent = api.context.active();
      if (traceHeaders && !api.trace.getSpan(parent)) parent = api.propagation.extract(parent, traceHeaders, headerGetter);
      const span = t.startSpan(
        'tencent_captcha.verify',
        { kind: SPAN_KIND_INTERNAL, attributes: { 'tencent_captcha.api': source.api, 'tencent_captcha.ticket.length': ticketLength } },
        parent,
      );
      return { span, context: api.trace.setSpan(parent, span) };
    },
    startAttempt(parent, attempt) {
      return tracer!.startSpan(
        'tencent_captcha.attempt',
        {
          kind: SPAN_KIND_CLIENT,
          attributes: {
            'server.address': source.endpointHost,
            'server.port': source.endpointPort,
            'tencent_captcha.attempt': attempt,
          },
        },
        parent.context,
      );
    },
    endAttempt(span, outcome) {
      span.setAttribute('tencent_captcha.attempt.outcome', outcome.kind);
      if (outcome.captchaCode !== undefined) span.setAttribute('tencent_captcha.captcha_code', outcome.captchaCode);
      if (outcome.error !== undefined) {
        span.setAttribute('error.type', outcome.error);
        span.setStatus({ code: STATUS_ERROR, message: outcome.error });
      }
      span.end();
    },
    endVerification(vs, verdict, seconds) {
      const m = currentInstruments();
      if (m) {
        m.verifications.add(1, {
          'tencent_captcha.api': source.api,
          'tencent_captcha.status': verdict.status,
          'tencent_captcha.reason': verdict.reason,
          'tencent_captcha.mode': verdict.mode,
          'tencent_captcha.branch': verdict.branch,
          'tencent_captcha.accepted': verdict.accepted,
        });
        m.duration.record(seconds, { 'tencent_captcha.api': source.api, 'tencent_captcha.status': verdict.status, 'tencent_captcha.mode': verdict.mode });
        if (verdict.status === 'degraded' && verdict.accepted) {
          m.degraded.add(1, {
            'tencent_captcha.api': source.api,
            'tencent_captcha.cause': verdict.cause ?? verdict.reason,
            'tencent_captcha.branch': verdict.branch,
            'tencent_captcha.mode': verdict.mode,
          });
        }
      }
      if (!vs) return;
      const attributes: Attributes = {
        'tencent_captcha.status': verdict.status,
        'tencent_captcha.reason': verdict.reason,
        'tencent_captcha.accepted': verdict.accepted,
        'tencent_captcha.mode': verdict.mode,
        'tencent_captcha.branch': verdict.branch,
        'tencent_captcha.attempts': verdict.attempts,
        'tencent_captcha.breaker.state': verdict.breaker,
      };
      if (verdict.cause) attributes['tencent_captcha.cause'] = verdict.cause;
      if (verdict.captchaCode !== null) attributes['tencent_captcha.captcha_code'] = verdict.captchaCode;
      if (verdict.requestId) attributes['tencent_captcha.request_id'] = verdict.requestId;
      if (verdict.apiError) attributes['tencent_captcha.api_error'] = verdict.apiError.code;
      if (verdict.disasterTicket) attributes['tencent_captcha.disaster_ticket.error_code'] = verdict.disasterTicket.errorCode;
      vs.span.setAttributes(attributes);
      if (verdict.reason === 'misconfigured' || verdict.reason === 'internal_error') {
        vs.span.setAttribute('error.type', verdict.reason);
        vs.span.setStatus({ code: STATUS_ERROR, message: verdict.reason });
      }
      vs.span.end();
    },
    abortVerification(vs) {
      if (!vs) return;
      vs.span.setAttribute('error.type', 'aborted');
      vs.span.setStatus({ code: STATUS_ERROR, message: 'aborted by the caller' });
      vs.span.end();
    },
    degradedAccepted(tier) {
      roll();
      spent[tier]++;
    },
    budgetExhausted(tier) {
      roll();
      exhausted[tier] = true;
    },
    close() {
      closed = true;
      dropInstruments();
    },
  };
}
