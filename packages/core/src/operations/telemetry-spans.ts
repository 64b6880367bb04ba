/**
 * The spans of a verification: the verification span (joined to the caller's trace), one span per
 * attempt, and what each records when it ends. Attributes carry the verdict, never the ticket (only its
 * length) and never a secret.
 */
import type { TraceHeaders } from '../types/telemetry.js';
import type { CaptchaVerdict } from '../types/verdict.js';
import { type Attributes, type Ctx, type OtelApi, SPAN_KIND_CLIENT, SPAN_KIND_INTERNAL, STATUS_ERROR, type Span, type Tracer } from './otel-api.js';

/** One verification's span (and the context its attempt spans hang from). */
export interface VerificationSpan {
  span: Span;
  context: Ctx;
}

/** What an attempt span records. */
export interface AttemptSummary {
  /** `answer`, `api_error`, `failure`, `lagged`. */
  kind: string;
  captchaCode?: number;
  /** `error.type`: the network code (`ECONNREFUSED`), `timeout`, an HTTP status, the API error code. */
  error?: string;
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

/** What the verification span starts with. */
export interface VerificationStart {
  /** The `tencent_captcha.api` attribute. */
  api: string;
  ticketLength: number;
  traceHeaders: TraceHeaders | undefined;
}

/** Starts the verification span on `tracer`. */
export function startVerificationSpan(otel: OtelApi, tracer: Tracer, start: VerificationStart): VerificationSpan {
  // The caller's active span if there is one (HTTP auto-instrumentation); else the trace the
  // incoming request carries (`traceparent`), so the verification joins the request's trace.
  let parent = otel.context.active();
  if (start.traceHeaders && !otel.trace.getSpan(parent)) parent = otel.propagation.extract(parent, start.traceHeaders, headerGetter);
  const span = tracer.startSpan(
    'tencent_captcha.verify',
    { kind: SPAN_KIND_INTERNAL, attributes: { 'tencent_captcha.api': start.api, 'tencent_captcha.ticket.length': start.ticketLength } },
    parent,
  );
  return { span, context: otel.trace.setSpan(parent, span) };
}

/** Where an attempt goes, and which one it is. */
export interface AttemptStart {
  endpointHost: string;
  endpointPort: number;
  attempt: number;
}

/** Starts an attempt span under `parent`. */
export function startAttemptSpan(tracer: Tracer, parent: VerificationSpan, start: AttemptStart): Span {
  return tracer.startSpan(
    'tencent_captcha.attempt',
    {
      kind: SPAN_KIND_CLIENT,
      attributes: {
        'server.address': start.endpointHost,
        'server.port': start.endpointPort,
        'tencent_captcha.attempt': start.attempt,
      },
    },
    parent.context,
  );
}

/** Ends an attempt span with what the attempt produced. */
export function endAttemptSpan(span: Span, outcome: AttemptSummary): void {
  span.setAttribute('tencent_captcha.attempt.outcome', outcome.kind);
  if (outcome.captchaCode !== undefined) span.setAttribute('tencent_captcha.captcha_code', outcome.captchaCode);
  if (outcome.error !== undefined) {
    span.setAttribute('error.type', outcome.error);
    span.setStatus({ code: STATUS_ERROR, message: outcome.error });
  }
  span.end();
}

/** The verification span's attributes for `verdict`. */
function verdictAttributes(verdict: CaptchaVerdict): Attributes {
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
  return attributes;
}

/** Ends the verification span with its verdict. */
export function endVerificationSpan(vs: VerificationSpan, verdict: CaptchaVerdict): void {
  vs.span.setAttributes(verdictAttributes(verdict));
  if (verdict.reason === 'misconfigured' || verdict.reason === 'internal_error') {
    vs.span.setAttribute('error.type', verdict.reason);
    vs.span.setStatus({ code: STATUS_ERROR, message: verdict.reason });
  }
  vs.span.end();
}

/** Ends the span of a verification whose caller aborted. */
export function abortVerificationSpan(vs: VerificationSpan): void {
  vs.span.setAttribute('error.type', 'aborted');
  vs.span.setStatus({ code: STATUS_ERROR, message: 'aborted by the caller' });
  vs.span.end();
}
