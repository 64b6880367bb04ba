/**
 * A `(req, res, next)` middleware for Express and Connect: extract → verify → answer or `next()`.
 * Typed structurally, so core imports no framework (and needs no `@types/express`).
 */
import { CAPTCHA_FIELD_NAMES, CAPTCHA_HEADER_NAMES } from '../fields.js';
import { httpResponseForVerdict } from '../reasons.js';
import type { CaptchaMode, CaptchaVerdict, CaptchaVerifier } from '../verdict.js';

type MaybePromise<T> = T | Promise<T>;

/** The parts of an Express/Connect request the middleware reads. */
export interface NodeRequestLike {
  headers: Record<string, string | string[] | undefined>;
  /** A parsed body (`express.json()`, `express.urlencoded()`, multer, …), if any. */
  body?: unknown;
  /** Express's client IP (honours `trust proxy`). */
  ip?: string | undefined;
  socket?: { remoteAddress?: string | undefined } | undefined;
}

/** The parts of an Express/Connect response the middleware uses. */
export interface NodeResponseLike {
  statusCode: number;
  readonly headersSent: boolean;
  readonly writableFinished?: boolean;
  setHeader(name: string, value: string): unknown;
  end(chunk?: string): unknown;
  on(event: 'close', listener: () => void): unknown;
  off?(event: 'close', listener: () => void): unknown;
  /** Express's per-request locals; the verdict is put on `res.locals.captcha`. */
  locals?: Record<string, unknown>;
}

/** A `(req, res, next)` middleware. */
export type NodeMiddleware<Req extends NodeRequestLike = NodeRequestLike, Res extends NodeResponseLike = NodeResponseLike> = (
  req: Req,
  res: Res,
  next: (error?: unknown) => void,
) => void;

/** Options of {@link captchaMiddleware}. */
export interface CaptchaMiddlewareOptions<Req extends NodeRequestLike = NodeRequestLike> {
  /**
   * The end user's IP. Keep the default unless you know better than Express: `req.ip` honours
   * `X-Forwarded-For` only as far as `app.set('trust proxy', …)` allows, so a client cannot choose
   * its own per-IP budget.
   * @default req.ip, else req.socket.remoteAddress
   */
  getUserIp?: (req: Req) => MaybePromise<string | null | undefined>;
  /** @default the parsed body's `tencent-captcha-ticket`, then the header `x-tencent-captcha-ticket` */
  getTicket?: (req: Req) => MaybePromise<string | null | undefined>;
  /** @default the parsed body's `tencent-captcha-randstr`, then the header `x-tencent-captcha-randstr` */
  getRandstr?: (req: Req) => MaybePromise<string | null | undefined>;
  /** Overrides the verifier's mode for this route. */
  mode?: CaptchaMode;
  /** Lets a request through unverified (`res.locals.captcha` stays unset). @default false */
  skip?: boolean | ((req: Req) => MaybePromise<boolean>);
  /**
   * `true`: a refused verdict is answered here (400/403/503, `Retry-After` where due, JSON
   * `{ code, message }`). `false`: every verdict goes to `next()` on `res.locals.captcha` and the
   * route decides.
   * @default true
   */
  respond?: boolean;
}

function header(req: NodeRequestLike, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function bodyField(req: NodeRequestLike, name: string): string | undefined {
  const body = req.body;
  if (typeof body !== 'object' || body === null) return undefined;
  const v = (body as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}

const CLIENT_GONE = 'the client closed the connection before the captcha was verified';

/**
 * Creates the middleware. Put a body parser before it for form or JSON posts.
 *
 * @example
 * ```ts
 * app.post('/login', express.urlencoded({ extended: false }), captchaMiddleware(verifier), (req, res) => {
 *   res.locals.captcha; // the verdict
 * });
 * ```
 */
export function captchaMiddleware<Req extends NodeRequestLike = NodeRequestLike, Res extends NodeResponseLike = NodeResponseLike>(
  verifier: CaptchaVerifier,
  options: CaptchaMiddlewareOptions<Req> = {},
): NodeMiddleware<Req, Res> {
  const respond = options.respond ?? true;
  return function tencentCaptcha(req, res, next) {
    const controller = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) controller.abort(new Error(CLIENT_GONE));
    };
    res.on('close', onClose);
    const cleanup = (): void => {
      res.off?.('close', onClose);
    };
    (async (): Promise<CaptchaVerdict | undefined> => {
      const skip = typeof options.skip === 'function' ? await options.skip(req) : options.skip === true;
      if (skip) return undefined;
      const [ticket, randstr, userIp] = await Promise.all([
        options.getTicket ? options.getTicket(req) : (bodyField(req, CAPTCHA_FIELD_NAMES.ticket) ?? header(req, CAPTCHA_HEADER_NAMES.ticket)),
        options.getRandstr ? options.getRandstr(req) : (bodyField(req, CAPTCHA_FIELD_NAMES.randstr) ?? header(req, CAPTCHA_HEADER_NAMES.randstr)),
        options.getUserIp ? options.getUserIp(req) : (req.ip ?? req.socket?.remoteAddress),
      ]);
      return verifier.verify(
        { ticket, randstr, userIp },
        { signal: controller.signal, ...(options.mode ? { mode: options.mode } : {}) },
      );
    })().then(
      (verdict) => {
        cleanup();
        if (verdict === undefined) return next();
        if (res.locals) res.locals.captcha = verdict;
        if (verdict.accepted || !respond) return next();
        if (res.headersSent) return undefined;
        const { status, headers, body } = httpResponseForVerdict(verdict);
        res.statusCode = status;
        for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
        res.end(JSON.stringify(body));
        return undefined;
      },
      (error: unknown) => {
        cleanup();
        // Nobody is left to answer.
        if (controller.signal.aborted) return undefined;
        return next(error);
      },
    );
  };
}
