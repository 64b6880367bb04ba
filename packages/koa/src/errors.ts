/**
 * The errors of the Koa adapter: the `HttpError` thrown for a refused verdict when `respond: false`,
 * and the error a client disconnect aborts verification with. Invalid options throw core's
 * `CaptchaConfigError` (one error class for a wrong call across the project).
 */
import type { CaptchaVerdict, VerdictReason } from '@tencent-captcha/core';

/**
 * `type` of every {@link CaptchaHttpError}. A string, not a class, so the check survives two copies of
 * this package in one app (the same idea as raw-body's `type: 'request.aborted'`).
 */
export const CAPTCHA_HTTP_ERROR_TYPE = 'tencent_captcha.refused';

/**
 * The Koa `HttpError` (from `ctx.throw`) thrown for a refused verdict when the middleware runs with
 * `respond: false`. It follows Koa's error contract, so Koa's and your error handlers understand it.
 */
export interface CaptchaHttpError extends Error {
  /** 400 missing/malformed input, 403 refused ticket, 503 outage or misconfigured server (never 500). */
  status: number;
  /** Same as `status` (http-errors sets both). */
  statusCode: number;
  /** Always `true`: `message` is safe to show to the end user (it never contains a secret). */
  expose: true;
  /** The verdict's stable snake_case reason, e.g. `ticket_missing`, `ticket_expired`, `upstream_timeout`. */
  code: VerdictReason;
  /** Response headers Koa's error handler sets: `Retry-After` for a 503. */
  headers: Record<string, string>;
  /** Always {@link CAPTCHA_HTTP_ERROR_TYPE}. */
  type: typeof CAPTCHA_HTTP_ERROR_TYPE;
  /** The whole verdict (also on `ctx.state.captcha`). */
  verdict: CaptchaVerdict;
}

/**
 * Whether `error` is the {@link CaptchaHttpError} this middleware throws with `respond: false`.
 * Works across copies of the package (it checks `type`, not a class).
 */
export function isCaptchaHttpError(error: unknown): error is CaptchaHttpError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { type?: unknown }).type === CAPTCHA_HTTP_ERROR_TYPE &&
    typeof (error as { status?: unknown }).status === 'number'
  );
}

/**
 * What an aborted verification rejects with when the client closed the connection: a
 * DOMException named `AbortError` (like `AbortSignal.abort()`), with Koa's `status`/`expose` so
 * Koa does not log it as a server error. The middleware rethrows it untouched; nothing is sent
 * (the socket is gone) and the route's handler never runs.
 */
export interface ClientAbortError extends Error {
  name: 'AbortError';
  /** `ECONNABORTED`, as raw-body uses for a request the client aborted. */
  code: 'ECONNABORTED';
  /** 400 for loggers; no response is written. */
  status: 400;
  expose: true;
  type: 'request.aborted';
}

/** Creates the abort reason used when the client disconnects during verification. @internal */
export function createClientAbortError(): ClientAbortError {
  const error = new DOMException(
    'The client closed the connection before captcha verification finished.',
    'AbortError',
  ) as DOMException & Record<string, unknown>;
  // DOMException's own `code` is a read-only getter on the prototype; an own property shadows it.
  Object.defineProperties(error, {
    code: { value: 'ECONNABORTED', enumerable: true },
    status: { value: 400, enumerable: true },
    expose: { value: true, enumerable: true },
    type: { value: 'request.aborted', enumerable: true },
  });
  return error as unknown as ClientAbortError;
}
