/**
 * The metrics of one verifier on one meter: their names, how they are created (the breaker and budget
 * gauges read the verifier when the SDK collects), and what a verdict records on them.
 */
import type { CaptchaVerdict } from '../types/verdict.js';
import type { Counter, Histogram, Meter, ObservableGauge, ObservableResult } from './otel-api.js';
import type { BudgetTier } from './telemetry-budget.js';

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

export interface Instruments {
  verifications: Counter;
  duration: Histogram;
  degraded: Counter;
  gauges: Array<[ObservableGauge, (r: ObservableResult) => void]>;
}

/** What the gauges observe. */
export interface GaugeReadings {
  /** The `tencent_captcha.api` attribute. */
  api: string;
  breakerState(): string;
  budgetRemaining(): Record<BudgetTier, number>;
}

const BREAKER_STATES = ['closed', 'open', 'half_open'] as const;

/** Creates the instruments on `meter`; the gauges report from now on, until {@link removeGauges}. */
export function createInstruments(meter: Meter, readings: GaugeReadings): Instruments {
  const breakerGauge = meter.createObservableGauge(TelemetryMetric.BreakerState, {
    description: "The captcha circuit breaker: 1 for its current state, 0 for the others.",
    unit: '{state}',
  });
  const breakerCb = (result: ObservableResult): void => {
    const state = readings.breakerState();
    for (const s of BREAKER_STATES) result.observe(s === state ? 1 : 0, { 'tencent_captcha.api': readings.api, 'tencent_captcha.state': s });
  };
  breakerGauge.addCallback(breakerCb);
  const budgetGauge = meter.createObservableGauge(TelemetryMetric.BudgetRemaining, {
    description: 'Degraded acceptances left in the current window of the global budget, as this process counts them.',
    unit: '{verification}',
  });
  const budgetCb = (result: ObservableResult): void => {
    const left = readings.budgetRemaining();
    result.observe(left.healthy, { 'tencent_captcha.api': readings.api, 'tencent_captcha.budget.tier': 'healthy' });
    result.observe(left.outage, { 'tencent_captcha.api': readings.api, 'tencent_captcha.budget.tier': 'outage' });
  };
  budgetGauge.addCallback(budgetCb);
  return {
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
}

/** Stops the gauges of `instruments` reporting (their meter provider was replaced, or the verifier closed). */
export function removeGauges(instruments: Instruments | null): void {
  for (const [gauge, cb] of instruments?.gauges ?? []) gauge.removeCallback(cb);
}

/** Records a verdict: the verification counter, the duration and, for a degraded acceptance, its counter. */
export function recordVerdict(m: Instruments, api: string, verdict: CaptchaVerdict, seconds: number): void {
  m.verifications.add(1, {
    'tencent_captcha.api': api,
    'tencent_captcha.status': verdict.status,
    'tencent_captcha.reason': verdict.reason,
    'tencent_captcha.mode': verdict.mode,
    'tencent_captcha.branch': verdict.branch,
    'tencent_captcha.accepted': verdict.accepted,
  });
  m.duration.record(seconds, { 'tencent_captcha.api': api, 'tencent_captcha.status': verdict.status, 'tencent_captcha.mode': verdict.mode });
  if (verdict.status === 'degraded' && verdict.accepted) {
    m.degraded.add(1, {
      'tencent_captcha.api': api,
      'tencent_captcha.cause': verdict.cause ?? verdict.reason,
      'tencent_captcha.branch': verdict.branch,
      'tencent_captcha.mode': verdict.mode,
    });
  }
}
