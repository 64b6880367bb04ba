/**
 * The small part of `@opentelemetry/api` that telemetry uses, typed here so the optional peer
 * dependency is never needed to compile core.
 */
import type { TelemetryMeterProvider, TelemetryTracerProvider } from '../types/telemetry.js';

export type Attributes = Record<string, string | number | boolean>;
export interface Ctx {
  readonly __ctx?: never;
}
export interface Span {
  setAttribute(key: string, value: string | number | boolean): unknown;
  setAttributes(attributes: Attributes): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}
export interface Tracer {
  startSpan(name: string, options?: { kind?: number; attributes?: Attributes }, context?: Ctx): Span;
}
export interface Counter {
  add(value: number, attributes?: Attributes): void;
}
export interface Histogram {
  record(value: number, attributes?: Attributes): void;
}
export interface ObservableResult {
  observe(value: number, attributes?: Attributes): void;
}
export interface ObservableGauge {
  addCallback(cb: (result: ObservableResult) => void): void;
  removeCallback(cb: (result: ObservableResult) => void): void;
}
export interface Meter {
  createCounter(name: string, options?: object): Counter;
  createHistogram(name: string, options?: object): Histogram;
  createObservableGauge(name: string, options?: object): ObservableGauge;
}
export interface OtelApi {
  metrics: { getMeterProvider(): TelemetryMeterProvider };
  trace: {
    getTracerProvider(): TelemetryTracerProvider & { getDelegate?(): unknown };
    setSpan(context: Ctx, span: Span): Ctx;
    getSpan(context: Ctx): Span | undefined;
  };
  context: { active(): Ctx };
  propagation: { extract(context: Ctx, carrier: unknown, getter?: object): Ctx };
}

export const SPAN_KIND_INTERNAL = 0;
export const SPAN_KIND_CLIENT = 2;
export const STATUS_ERROR = 2;
