/**
 * The Koa middleware: extract ticket, randstr and user IP → `verifier.verify` → map the verdict with
 * core's HTTP mapping. No verification logic and no status table live here.
 */
import type { Middleware } from 'koa';
import {
  CAPTCHA_FIELD_NAMES,
  CAPTCHA_HEADER_NAMES,
  httpResponseForVerdict,
  type CaptchaVerdict,
  type CaptchaVerifier,
} from '@tencent-captcha/core';
import { CAPTCHA_HTTP_ERROR_TYPE, createClientAbortError } from './errors.js';
import {
  resolveOptions,
  type CaptchaContext,
  type CaptchaFieldValue,
  type TencentCaptchaOptions,
} from './options.js';

declare module 'koa' {
  interface DefaultState {
    /**
     * The verdict of `@tencent-captcha/koa`'s middleware for this request (set before the route runs,
     * and before a refusal is answered). `undefined` when the middleware did not run or skipped.
     */
    captcha?: CaptchaVerdict;
  }
}

/** The middleware {@link tencentCaptcha} returns. */
export interface TencentCaptchaMiddleware extends Middleware {
  /**
   * The verifier this middleware calls: the one you passed, or the one it created from your options
   * (then close it with `await middleware.verifier.close()` when the server stops).
   */
  readonly verifier: CaptchaVerifier;
}

/** Reads a field of the parsed body, only if the body is a plain record and the field is its own. */
function bodyField(ctx: CaptchaContext, name: string): unknown {
  // `ctx.request.body` is set by the app's body parser (@koa/bodyparser, @koa/multer, koa-body…).
  const body: unknown = (ctx.request as { body?: unknown }).body;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Buffer.isBuffer(body)) return undefined;
  // Own properties only: a `__proto__` or `toString` field must not come from the prototype.
  return Object.hasOwn(body, name) ? (body as Record<string, unknown>)[name] : undefined;
}

function fromBodyOrHeader(ctx: CaptchaContext, field: string, header: string): CaptchaFieldValue {
  const value = bodyField(ctx, field);
  // Not a string (an array from a repeated form field, a JSON number or object): passed on as it is,
  // so core answers `…_malformed` (400) rather than the adapter guessing.
  if (value !== undefined && value !== null) return value as CaptchaFieldValue;
  const fromHeader = ctx.get(header);
  return fromHeader === '' ? undefined : fromHeader;
}

/**
 * The default ticket getter: the parsed body's `tencent-captcha-ticket` field (the name
 * `<tencent-captcha>` submits under), else the `x-tencent-captcha-ticket` header.
 */
export function defaultGetTicket(ctx: CaptchaContext): CaptchaFieldValue {
  return fromBodyOrHeader(ctx, CAPTCHA_FIELD_NAMES.ticket, CAPTCHA_HEADER_NAMES.ticket);
}

/**
 * The default randstr getter: the parsed body's `tencent-captcha-randstr` field, else the
 * `x-tencent-captcha-randstr` header.
 */
export function defaultGetRandstr(ctx: CaptchaContext): CaptchaFieldValue {
  return fromBodyOrHeader(ctx, CAPTCHA_FIELD_NAMES.randstr, CAPTCHA_HEADER_NAMES.randstr);
}

/** The default user IP getter: `ctx.ip`, so `app.proxy` alone decides whether `X-Forwarded-For` counts. */
export function defaultGetUserIp(ctx: CaptchaContext): CaptchaFieldValue {
  return ctx.ip;
}

/**
 * An AbortSignal that aborts when the client goes away before the response is written. On Node 20
 * `req` emits `close` as soon as the body has been read, so the response (and its socket) is watched.
 */
function linkClientAbort(ctx: CaptchaContext): { signal: AbortSignal; unlink: () => void } {
  const controller = new AbortController();
  const { res } = ctx;
  const onClose = (): void => {
    if (!res.writableEnded) controller.abort(createClientAbortError());
  };
  if (res.destroyed || res.socket?.destroyed === true) onClose();
  else res.once('close', onClose);
  return { signal: controller.signal, unlink: () => res.off('close', onClose) };
}

/**
 * Creates the Koa middleware that verifies the Tencent Cloud Captcha ticket of each request.
 *
 * It reads ticket and randstr from the parsed body (JSON, urlencoded or multipart, whatever body
 * parser runs before it) or from headers, the user IP from `ctx.ip`, calls the verifier (aborted if
 * the client disconnects), and puts the verdict on `ctx.state.captcha`. An accepted verdict calls
 * `next()`; a refused one is answered 400 (missing/malformed), 403 (rejected), 503 (server
 * misconfigured) or 503 with `Retry-After` (outage in `closed` mode), as JSON `{ code, message }` —
 * or thrown as a Koa `HttpError` with `respond: false`.
 *
 * Options are validated here, once; one verifier can back many middlewares with different per-route
 * `mode`, getters and `skip`.
 *
 * @example
 * ```ts
 * const verifier = createCaptchaVerifier({}); // credentials from the environment
 * router.post('/login', bodyParser(), tencentCaptcha({ verifier, mode: 'closed' }), login);
 * router.post('/comments', bodyParser(), tencentCaptcha({ verifier, mode: 'open' }), comment);
 * ```
 * @throws core's `CaptchaConfigError` (code `invalid_option`, `missing_credential`, …) for invalid
 *   adapter or verifier options.
 */
export function tencentCaptcha(options: TencentCaptchaOptions): TencentCaptchaMiddleware {
  const resolved = resolveOptions(options, {
    getTicket: defaultGetTicket,
    getRandstr: defaultGetRandstr,
    getUserIp: defaultGetUserIp,
  });
  const { verifier, getTicket, getRandstr, getUserIp, skip, respond } = resolved;
  const modeOf = resolved.mode;

  const middleware = async function tencentCaptcha(ctx: CaptchaContext, next: () => Promise<unknown>): Promise<void> {
    if (await skip(ctx)) {
      await next();
      return;
    }

    const [ticket, randstr, userIp] = await Promise.all([getTicket(ctx), getRandstr(ctx), getUserIp(ctx)]);
    const mode = typeof modeOf === 'function' ? modeOf(ctx) : modeOf;

    const { signal, unlink } = linkClientAbort(ctx);
    let verdict: CaptchaVerdict;
    try {
      // Rejects only with the abort reason (untouched, rethrown as it is) or a bad per-call option.
      verdict = await verifier.verify({ ticket, randstr, userIp }, mode === undefined ? { signal } : { signal, mode });
    } finally {
      unlink();
    }

    ctx.state.captcha = verdict;
    if (verdict.accepted) {
      await next();
      return;
    }

    const { status, headers, body } = httpResponseForVerdict(verdict);
    // Koa sets the JSON content type itself; the error contract only carries the extra headers.
    const extraHeaders = Object.fromEntries(
      Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-type'),
    );
    if (!respond) {
      ctx.throw(status, body.message, {
        expose: true,
        code: body.code,
        headers: extraHeaders,
        type: CAPTCHA_HTTP_ERROR_TYPE,
        verdict,
      });
    }
    ctx.status = status;
    ctx.set(extraHeaders);
    ctx.body = body;
  };

  Object.defineProperty(middleware, 'verifier', { value: verifier, enumerable: true });
  return middleware as TencentCaptchaMiddleware;
}
