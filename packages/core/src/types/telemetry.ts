/**
 * The telemetry option and the trace headers a call may pass. A leaf: imports nothing.
 */

/** An OpenTelemetry `MeterProvider` (structural: any version of `@opentelemetry/api` 1.x fits). */
export interface TelemetryMeterProvider {
  getMeter(name: string, version?: string): unknown;
}
/** An OpenTelemetry `TracerProvider` (structural). */
export interface TelemetryTracerProvider {
  getTracer(name: string, version?: string): unknown;
}
/** The `telemetry` option. */
export interface CaptchaTelemetryOptions {
  /** Where metrics go. @default the global provider of `@opentelemetry/api` (`metrics.setGlobalMeterProvider`) */
  meterProvider?: TelemetryMeterProvider;
  /** Where spans go. @default the global provider of `@opentelemetry/api` (`trace.setGlobalTracerProvider`) */
  tracerProvider?: TelemetryTracerProvider;
}
/** Headers of an incoming request (`traceparent`, `tracestate`): Node's, Koa's, Fetch's or a plain object. */
export type TraceHeaders = Record<string, string | string[] | undefined> | { get(name: string): string | null };
