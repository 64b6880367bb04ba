/**
 * The Koa middleware: extract ticket, randstr and user IP → `verifier.verify` → map the verdict with
 * core's HTTP mapping. No verification logic and no status table live here.
 */
import type { Middleware } from 'koa';
import {
  CAPTCHA_HEADER_NAMES,
  MALFORMED_FIELD_VALUE,
  declaredMethod,
  extractCaptchaField,
  httpResponseForVerdict,
  normalizeClientIp,
  routeBudgetScope,
  type CaptchaFieldName,
  type CaptchaVerdict,
  type CaptchaVerifier,
  type VerifyOptions,
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

/**
 * Core's extraction rule on the parsed body (`ctx.request.body`, set by @koa/bodyparser, @koa/multer,
 * koa-body…) and the raw header: a malformed field becomes a value the verifier refuses with
 * `…_malformed` (400), and a bad body field never falls back to the header.
 */
function extract(ctx: CaptchaContext, field: CaptchaFieldName): CaptchaFieldValue {
  const body: unknown = (ctx.request as { body?: unknown }).body;
  const result = extractCaptchaField(field, { body, header: ctx.req.headers[CAPTCHA_HEADER_NAMES[field]] });
  if (result.status === 'present') return result.value;
  return result.status === 'malformed' ? MALFORMED_FIELD_VALUE : undefined;
}

/**
 * The default ticket getter, by core's extraction rule: the parsed body's `tencent-captcha-ticket`
 * field (the name `<tencent-captcha>` submits under) when the body has it, else the
 * `x-tencent-captcha-ticket` header. A repeated, non-string or oversized value comes out as one the
 * verifier refuses with `ticket_malformed`.
 */
export function defaultGetTicket(ctx: CaptchaContext): CaptchaFieldValue {
  return extract(ctx, 'ticket');
}

/**
 * The default randstr getter, by the same rule: the parsed body's `tencent-captcha-randstr`
 * field when present, else the `x-tencent-captcha-randstr` header.
 */
export function defaultGetRandstr(ctx: CaptchaContext): CaptchaFieldValue {
  return extract(ctx, 'randstr');
}

/**
 * The default user IP getter: `ctx.ip`, so `app.proxy` alone decides whether `X-Forwarded-For` counts.
 * The forms proxies append (`203.0.113.7:4711`, `[2001:db8::7]:443`, `fe80::7%eth0`) are read as the
 * address they name (core's `normalizeClientIp`).
 */
export function defaultGetUserIp(ctx: CaptchaContext): CaptchaFieldValue {
  return normalizeClientIp(ctx.ip);
}

/** A @koa/router layer as it appears on `ctx.matched`. */
interface RouterLayer {
  path?: unknown;
  methods?: unknown;
}

let instances = 0;

/**
 * The default budget scope: the @koa/router route this middleware runs in (`ctx._matchedRoute`, the
 * pattern), with the method its layer declares; `fallback` outside a router route.
 */
function routeScope(ctx: CaptchaContext, fallback: string): string {
  const pattern: unknown = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  if (pattern === undefined || pattern === null) return fallback;
  const matched: unknown = (ctx as { matched?: unknown }).matched;
  const layers = (Array.isArray(matched) ? (matched as RouterLayer[]) : []).filter((layer) => layer?.path === pattern);
  const methods: string[] = [];
  let anyMethod = layers.length === 0;
  for (const layer of layers) {
    const declared = Array.isArray(layer.methods) ? (layer.methods as unknown[]).map(String) : [];
    // A layer without methods is router middleware (`router.use`); one that does not take this
    // request's method is another route on the same path.
    if (declared.length === 0) anyMethod = true;
    else if (declared.includes(ctx.method)) methods.push(...declared);
  }
  return routeBudgetScope(anyMethod ? '*' : declaredMethod(methods), String(pattern));
}

const TRUST_ALL_WARNING =
  '@tencent-captcha/koa: the Koa app trusts every proxy hop (proxy: true with maxIpsCount 0), so ctx.ip is the leftmost X-Forwarded-For value, which the client chooses, and with it its per-IP budget of degraded acceptances. Set maxIpsCount to the number of proxies in front of the app: new Koa({ proxy: true, maxIpsCount: 1 }).';

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
  const { verifier, getTicket, getRandstr, getUserIp, skip, respond, budgetScope: scopeOf } = resolved;
  const modeOf = resolved.mode;
  const instanceScope = `koa:${++instances}`;
  // Checked on the first request: the app is not known when the middleware is created.
  let checkedProxy = !resolved.defaultUserIp;
  // Named in core's warning when the IP is missing or invalid.
  const ipSource = resolved.defaultUserIp ? 'ctx.ip' : 'getUserIp';

  const middleware = async function tencentCaptcha(ctx: CaptchaContext, next: () => Promise<unknown>): Promise<void> {
    if (!checkedProxy) {
      checkedProxy = true;
      const app = ctx.app as { proxy?: unknown; maxIpsCount?: unknown } | undefined;
      if (app?.proxy === true && (app.maxIpsCount === undefined || app.maxIpsCount === 0)) resolved.warn(TRUST_ALL_WARNING);
    }
    if (await skip(ctx)) {
      await next();
      return;
    }

    const [ticket, randstr, userIp, budgetScope] = await Promise.all([
      getTicket(ctx),
      getRandstr(ctx),
      getUserIp(ctx),
      typeof scopeOf === 'function' ? scopeOf(ctx) : (scopeOf ?? routeScope(ctx, instanceScope)),
    ]);
    const mode = typeof modeOf === 'function' ? modeOf(ctx) : modeOf;

    const { signal, unlink } = linkClientAbort(ctx);
    let verdict: CaptchaVerdict;
    try {
      // Rejects only with the abort reason (untouched, rethrown as it is) or a bad per-call option.
      // `traceHeaders`: with OpenTelemetry tracing on, the verification span joins the request's trace.
      const verifyOptions: VerifyOptions = { signal, budgetScope, traceHeaders: ctx.headers, userIpSource: ipSource };
      if (mode !== undefined) verifyOptions.mode = mode;
      if (resolved.maxEvilLevel !== undefined) verifyOptions.maxEvilLevel = resolved.maxEvilLevel;
      if (resolved.maxScore !== undefined) verifyOptions.maxScore = resolved.maxScore;
      verdict = await verifier.verify({ ticket, randstr, userIp }, verifyOptions);
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
