import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import Koa from 'koa';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { tencentCaptcha } from './index.js';
import { Resources, startEmulator, type TestEmulator } from './testing/harness.js';

let emulator: TestEmulator;
const resources = new Resources();
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
afterEach(async () => {
  await resources.closeAll();
  propagation.disable();
  trace.disable();
});

describe('tracing', () => {
  it("puts the verification span in the incoming request's trace (traceparent)", async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const spans = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    const verifier = resources.verifier(emulator, { telemetry: { tracerProvider } });
    const app = new Koa();
    app.use(tencentCaptcha({ verifier }));
    app.use((ctx) => {
      ctx.body = 'ok';
    });
    const server = await resources.listen(app);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const { ticket, randstr } = emulator.issueTicket();
    const res = await fetch(`${server.url}/`, {
      method: 'POST',
      headers: { 'x-tencent-captcha-ticket': ticket, 'x-tencent-captcha-randstr': randstr, traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(res.status).toBe(200);
    await vi.waitFor(() => expect(spans.getFinishedSpans().some((s) => s.name === 'tencent_captcha.verify')).toBe(true));
    const root = spans.getFinishedSpans().find((s) => s.name === 'tencent_captcha.verify')!;
    expect(root.spanContext().traceId).toBe(traceId);
    expect(root.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(root.attributes['tencent_captcha.status']).toBe('verified');
    await tracerProvider.shutdown();
  });
});
