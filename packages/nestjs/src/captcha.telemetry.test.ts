/**
 * Operating it: the verifier the module creates warns through Nest's Logger (rate-limited), and the
 * guard puts the verification span in the incoming request's trace (`traceparent`).
 */
import 'reflect-metadata';
import { Controller, HttpCode, Post, type INestApplication, type LoggerService } from '@nestjs/common';
import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RequireCaptcha } from './captcha.decorators.js';
import { CaptchaModule } from './captcha.module.js';
import { PLATFORMS, emulatorVerifierOptions, startApp } from './test-support.js';

@Controller()
class LoginController {
  @Post('login')
  @HttpCode(200)
  @RequireCaptcha()
  login(): { ok: true } {
    return { ok: true };
  }
}

let emulator: Emulator;
let app: INestApplication | undefined;
beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
});
afterAll(() => emulator.close());
afterEach(async () => {
  await app?.close();
  app = undefined;
  propagation.disable();
  trace.disable();
});

describe.each(PLATFORMS)('operating it on %s', (platform) => {
  it("warns through Nest's Logger when the module created the verifier and no logger was given", async () => {
    const lines: Array<[string, string]> = [];
    const logger: LoggerService = {
      log: (m: string) => void lines.push(['log', m]),
      warn: (m: string) => void lines.push(['warn', m]),
      error: (m: string) => void lines.push(['error', m]),
    };
    app = await startApp(platform, {
      imports: [CaptchaModule.forRoot({ verifier: emulatorVerifierOptions(emulator, { appSecretKey: 'not-the-app-secret-key' }) })],
      controllers: [LoginController],
      logger,
    });
    const { ticket, randstr } = emulator.issueTicket();
    for (let i = 0; i < 2; i++) {
      await request(app.getHttpServer()).post('/login').set('x-tencent-captcha-ticket', ticket).set('x-tencent-captcha-randstr', randstr).expect(503);
    }
    const misconfigured = lines.filter(([level, m]) => level === 'error' && m.includes('captcha verification is misconfigured'));
    expect(misconfigured).toHaveLength(1);
    expect(misconfigured[0]![1]).toContain('AppSecretKey does not belong to this CaptchaAppId');
    expect(JSON.stringify(lines)).not.toContain('not-the-app-secret-key');
  });

  it("puts the verification span in the request's trace (traceparent)", async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const spans = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    app = await startApp(platform, {
      imports: [CaptchaModule.forRoot({ verifier: emulatorVerifierOptions(emulator, { logger: false, telemetry: { tracerProvider } }) })],
      controllers: [LoginController],
    });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const { ticket, randstr } = emulator.issueTicket();
    await request(app.getHttpServer())
      .post('/login')
      .set('x-tencent-captcha-ticket', ticket)
      .set('x-tencent-captcha-randstr', randstr)
      .set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`)
      .expect(200);
    await vi.waitFor(() => expect(spans.getFinishedSpans().some((s) => s.name === 'tencent_captcha.verify')).toBe(true));
    const root = spans.getFinishedSpans().find((s) => s.name === 'tencent_captcha.verify')!;
    expect(root.spanContext().traceId).toBe(traceId);
    expect(root.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    await tracerProvider.shutdown();
  });
});
