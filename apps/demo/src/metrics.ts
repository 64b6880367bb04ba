/**
 * What an operator of the demo would watch: the verifiers' OpenTelemetry metrics, served to Prometheus
 * at `/metrics` (the OpenTelemetry Prometheus exporter) and summed over the last minute for the page's
 * live panel, so a person running a drill sees the alert an operator would get.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider, MetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';
import { TelemetryMetric } from '@tencent-captcha/core';

/** The live panel's numbers: verdicts of the last minute, by what happened to the login. */
export interface LiveCounters {
  windowSeconds: number;
  /** Tencent said yes. */
  verified: number;
  /** Let in without Tencent's word (fail-open). An operator alerts on this. */
  degradedAccepted: number;
  /** Refused: bad tickets, budgets spent, closed-mode outages, misconfiguration. */
  refused: number;
}

/** The demo's metrics. */
export interface DemoMetrics {
  /** Give it to the verifiers (`telemetry: { meterProvider }`). */
  readonly meterProvider: MeterProvider;
  /** Answers `GET /metrics` in Prometheus' text format. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** The last minute's counters. */
  live(): Promise<LiveCounters>;
  close(): Promise<void>;
}

/** A reader the panel collects from on demand (no timer, no export). */
class PanelReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

type Totals = Omit<LiveCounters, 'windowSeconds'>;
const WINDOW_MS = 60_000;

/** Creates the provider, the Prometheus exporter (no server of its own) and the panel's reader. */
export function createDemoMetrics(now: () => number = Date.now): DemoMetrics {
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const panel = new PanelReader();
  const meterProvider = new MeterProvider({ readers: [prometheus, panel] });
  // Cumulative totals seen at earlier polls; the oldest one at least a minute old is the baseline.
  let snapshots: Array<{ at: number; totals: Totals }> = [{ at: now(), totals: { verified: 0, degradedAccepted: 0, refused: 0 } }];

  const totals = async (): Promise<Totals> => {
    const { resourceMetrics } = await panel.collect();
    const out: Totals = { verified: 0, degradedAccepted: 0, refused: 0 };
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        if (metric.descriptor.name !== TelemetryMetric.Verifications) continue;
        for (const point of metric.dataPoints as DataPoint<number>[]) {
          const a = point.attributes;
          if (a['tencent_captcha.accepted'] !== true) out.refused += point.value;
          else if (a['tencent_captcha.status'] === 'degraded') out.degradedAccepted += point.value;
          else out.verified += point.value;
        }
      }
    }
    return out;
  };

  return {
    meterProvider,
    handle(req, res) {
      prometheus.getMetricsRequestHandler(req, res);
    },
    async live() {
      const t = now();
      const current = await totals();
      const baseline = [...snapshots].reverse().find((s) => t - s.at >= WINDOW_MS) ?? snapshots[0]!;
      snapshots.push({ at: t, totals: current });
      // Keep one snapshot older than the window (the next baseline) and the ones inside it.
      const firstInside = snapshots.findIndex((s) => t - s.at < WINDOW_MS);
      if (firstInside > 1) snapshots = snapshots.slice(firstInside - 1);
      if (snapshots.length > 200) snapshots.splice(1, snapshots.length - 200);
      return {
        windowSeconds: WINDOW_MS / 1000,
        verified: current.verified - baseline.totals.verified,
        degradedAccepted: current.degradedAccepted - baseline.totals.degradedAccepted,
        refused: current.refused - baseline.totals.refused,
      };
    },
    close: () => meterProvider.shutdown(),
  };
}
