import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS, ENDPOINT, connectionRefused, createFakeTencent, type FakeReply } from '../../test/helpers/fake-tencent.js';
import type { CaptchaVerifierOptions } from '../types/options.js';
import { TelemetryMetric, createVerifierTelemetry, loadOpenTelemetryApi } from './telemetry.js';
import { captchaMiddleware } from '../adapters/express.js';
import { verifyFetchRequest } from '../adapters/fetch.js';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { createCaptchaVerifier } from '../engine/verifier.js';

const input = { ticket: 'tr03XaCUZPAlPdIMqv17-KQ*', randstr: '@EcL', userIp: '203.0.113.7' };

function otel() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  /** Every data point of `name` after a collection. */
  const points = async (name: string): Promise<DataPoint<unknown>[]> => {
    await reader.forceFlush();
    const all = exporter.getMetrics();
    const last = all[all.length - 1];
    return (last?.scopeMetrics ?? []).flatMap((s) => s.metrics).filter((m) => m.descriptor.name === name).flatMap((m) => m.dataPoints as DataPoint<unknown>[]);
  };
  return { meterProvider, tracerProvider, spans, points, shutdown: () => Promise.all([meterProvider.shutdown(), tracerProvider.shutdown()]) };
}

function setup(options: Partial<CaptchaVerifierOptions>, replies: FakeReply[] = []) {
  const tencent = createFakeTencent();
  if (replies.length > 0) tencent.reply(...replies);
  const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint: ENDPOINT, fetch: tencent.fetch, logger: false, retry: { enabled: false }, ...options });
  return { tencent, verifier };
}

const sumOf = (points: DataPoint<unknown>[], attrs: Record<string, unknown>): number =>
  points.filter((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v)).reduce((n, p) => n + (p.value as number), 0);

beforeAll(async () => {
  await expect(loadOpenTelemetryApi()).resolves.toBe(true);
});

afterEach(() => {
  metrics.disable();
  trace.disable();
  propagation.disable();
  context.disable();
});

describe('OpenTelemetry metrics', () => {
  it('counts verdicts by status, reason, mode and branch, times them, and counts degraded acceptances', async () => {
    const o = otel();
    const { verifier } = setup({ telemetry: { meterProvider: o.meterProvider } }, [{ captchaCode: 1, evilLevel: 0 }, { captchaCode: 9 }, { throw: connectionRefused() }]);
    await verifier.verify(input);
    await verifier.verify({ ...input, ticket: 'b' });
    await verifier.verify({ ...input, ticket: 'c' });
    await verifier.verify({ ...input, ticket: 'd' });

    const v = await o.points(TelemetryMetric.Verifications);
    expect(sumOf(v, { 'tencent_captcha.status': 'verified', 'tencent_captcha.reason': 'verified', 'tencent_captcha.mode': 'adaptive' })).toBe(1);
    expect(sumOf(v, { 'tencent_captcha.status': 'rejected' })).toBe(1);
    expect(sumOf(v, { 'tencent_captcha.status': 'degraded', 'tencent_captcha.reason': 'upstream_unreachable', 'tencent_captcha.accepted': true })).toBe(2);
    expect(v.every((p) => typeof p.attributes['tencent_captcha.branch'] === 'string')).toBe(true);

    const d = await o.points(TelemetryMetric.VerificationDuration);
    expect(d.reduce((n, p) => n + (p.value as Histogram).count, 0)).toBe(4);

    const degraded = await o.points(TelemetryMetric.DegradedAccepted);
    expect(sumOf(degraded, { 'tencent_captcha.cause': 'upstream_unreachable' })).toBe(2);

    const breaker = await o.points(TelemetryMetric.BreakerState);
    expect(sumOf(breaker, { 'tencent_captcha.state': 'closed' })).toBe(1);
    expect(sumOf(breaker, { 'tencent_captcha.state': 'open' })).toBe(0);

    // Default healthy global budget 30: two spent.
    const budget = await o.points(TelemetryMetric.BudgetRemaining);
    expect(sumOf(budget, { 'tencent_captcha.budget.tier': 'healthy' })).toBe(28);
    await verifier.close();
    await o.shutdown();
  });

  it('reports the breaker open through the gauge', async () => {
    const o = otel();
    const { verifier } = setup({ telemetry: { meterProvider: o.meterProvider }, breaker: { failureThreshold: 1 } }, [{ throw: connectionRefused() }]);
    await verifier.verify(input);
    const breaker = await o.points(TelemetryMetric.BreakerState);
    expect(sumOf(breaker, { 'tencent_captcha.state': 'open' })).toBe(1);
    expect(sumOf(breaker, { 'tencent_captcha.state': 'closed' })).toBe(0);
    await verifier.close();
    await o.shutdown();
  });

  it('tells a legacy and a modern verifier on one meter apart (tencent_captcha.api)', async () => {
    const o = otel();
    const { createLegacyCaptchaVerifier } = await import('../legacy/verifier.js');
    const modern = setup({ telemetry: { meterProvider: o.meterProvider }, breaker: { failureThreshold: 1 } }, [{ throw: connectionRefused() }]).verifier;
    const legacy = createLegacyCaptchaVerifier({ captchaAppId: 1, secretId: 'AKIDx', secretKey: 'k1234567', env: {}, logger: false, fetch: createFakeTencent().fetch, telemetry: { meterProvider: o.meterProvider } });
    await modern.verify(input);
    const breaker = await o.points(TelemetryMetric.BreakerState);
    expect(sumOf(breaker, { 'tencent_captcha.api': 'DescribeCaptchaResult', 'tencent_captcha.state': 'open' })).toBe(1);
    expect(sumOf(breaker, { 'tencent_captcha.api': 'CaptchaCheck', 'tencent_captcha.state': 'closed' })).toBe(1);
    await Promise.all([modern.close(), legacy.close()]);
    await o.shutdown();
  });

  it('uses the globally registered provider without any option, and nothing with telemetry: false', async () => {
    const o = otel();
    metrics.setGlobalMeterProvider(o.meterProvider);
    const { verifier } = setup({});
    await verifier.verify(input);
    const off = setup({ telemetry: false }).verifier;
    await off.verify(input);
    expect(sumOf(await o.points(TelemetryMetric.Verifications), {})).toBe(1);
    await verifier.close();
    await off.close();
    await o.shutdown();
  });

  it('does nothing per call while no provider is registered (no span, no instruments)', () => {
    const t = createVerifierTelemetry({}, {
      api: 'DescribeCaptchaResult',
      endpointHost: 'h',
      endpointPort: 443,
      breakerState: () => 'closed',
      budgets: { windowSeconds: 60, global: 30, outageGlobal: 1200 },
      now: Date.now,
    })!;
    expect(t.startVerification(10, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' })).toBeNull();
    // Without a meter provider, recording a verdict touches nothing (it would throw on a missing instrument).
    expect(() => t.endVerification(null, { status: 'verified' } as never, 0.001)).not.toThrow();
  });
});

describe('OpenTelemetry traces', () => {
  it('opens a span per verification with the attempts as children and the verdict as attributes, never the ticket or a secret', async () => {
    const o = otel();
    const { verifier } = setup({ telemetry: { tracerProvider: o.tracerProvider }, retry: { enabled: true, delayMs: 0 } }, [
      { throw: connectionRefused() },
      { captchaCode: 1, evilLevel: 0, captchaMsg: `ok ${CREDENTIALS.appSecretKey}` },
    ]);
    await expect(verifier.verify(input)).resolves.toMatchObject({ status: 'verified', attempts: 2 });
    const finished = o.spans.getFinishedSpans();
    const root = finished.find((s) => s.name === 'tencent_captcha.verify')!;
    const attempts = finished.filter((s) => s.name === 'tencent_captcha.attempt');
    expect(root.attributes).toMatchObject({
      'tencent_captcha.status': 'verified',
      'tencent_captcha.reason': 'verified',
      'tencent_captcha.accepted': true,
      'tencent_captcha.attempts': 2,
      'tencent_captcha.captcha_code': 1,
      'tencent_captcha.ticket.length': input.ticket.length,
    });
    expect(attempts).toHaveLength(2);
    for (const a of attempts) {
      expect(a.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
      expect(a.spanContext().traceId).toBe(root.spanContext().traceId);
      expect(a.attributes['server.address']).toBe('captcha.tencentcloudapi.com');
    }
    expect(attempts[0]!.attributes).toMatchObject({ 'tencent_captcha.attempt': 1, 'error.type': 'ECONNREFUSED' });
    expect(attempts[1]!.attributes).toMatchObject({ 'tencent_captcha.attempt': 2, 'tencent_captcha.captcha_code': 1 });
    const everything = JSON.stringify(finished.map((s) => [s.name, s.attributes, s.status, s.events]));
    expect(everything).not.toContain(input.ticket);
    expect(everything).not.toContain(CREDENTIALS.appSecretKey);
    expect(everything).not.toContain(CREDENTIALS.secretKey);
    await verifier.close();
    await o.shutdown();
  });

  it("joins the incoming request's trace from traceHeaders when no span is active", async () => {
    const o = otel();
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const { verifier } = setup({ telemetry: { tracerProvider: o.tracerProvider } });
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    await verifier.verify(input, { traceHeaders: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } });
    const root = o.spans.getFinishedSpans().find((s) => s.name === 'tencent_captcha.verify')!;
    expect(root.spanContext().traceId).toBe(traceId);
    expect(root.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    await verifier.close();
    await o.shutdown();
  });

  it('joins the trace of a Fetch Request (verifyFetchRequest) and of an Express request (captchaMiddleware)', async () => {
    const o = otel();
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const { verifier } = setup({ telemetry: { tracerProvider: o.tracerProvider } });
    const fetchTrace = '11111111111111111111111111111111';
    await verifyFetchRequest(
      verifier,
      new Request('http://app.test/login', {
        method: 'POST',
        headers: { traceparent: `00-${fetchTrace}-2222222222222222-01`, 'x-tencent-captcha-ticket': input.ticket, 'x-tencent-captcha-randstr': input.randstr },
      }),
      { getUserIp: () => input.userIp },
    );
    const expressTrace = '33333333333333333333333333333333';
    const app = express();
    app.post('/login', captchaMiddleware(verifier, { getUserIp: () => input.userIp }), (_req, res) => res.end('ok'));
    const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/login`, {
        method: 'POST',
        headers: { traceparent: `00-${expressTrace}-4444444444444444-01`, 'x-tencent-captcha-ticket': `${input.ticket}2`, 'x-tencent-captcha-randstr': input.randstr },
      });
      await res.text();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const traces = o.spans.getFinishedSpans().filter((s) => s.name === 'tencent_captcha.verify').map((s) => s.spanContext().traceId);
    expect(traces).toEqual([fetchTrace, expressTrace]);
    await verifier.close();
    await o.shutdown();
  });

  it('prefers the active span (HTTP instrumentation) over the headers, through the global provider', async () => {
    const o = otel();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(o.tracerProvider);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const { verifier } = setup({});
    const server = trace.getTracer('test').startSpan('POST /login');
    await context.with(trace.setSpan(context.active(), server), () =>
      verifier.verify(input, { traceHeaders: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } }),
    );
    server.end();
    const root = o.spans.getFinishedSpans().find((s) => s.name === 'tencent_captcha.verify')!;
    expect(root.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    await verifier.close();
    await o.shutdown();
  });

  it('marks a misconfiguration as an error span', async () => {
    const o = otel();
    const { verifier } = setup({ telemetry: { tracerProvider: o.tracerProvider } }, [{ apiError: 'AuthFailure.SignatureFailure' }]);
    await verifier.verify(input);
    const root = o.spans.getFinishedSpans().find((s) => s.name === 'tencent_captcha.verify')!;
    expect(root.status.code).toBe(2);
    expect(root.attributes).toMatchObject({ 'tencent_captcha.reason': 'misconfigured', 'tencent_captcha.api_error': 'AuthFailure.SignatureFailure' });
    await verifier.close();
    await o.shutdown();
  });
});
