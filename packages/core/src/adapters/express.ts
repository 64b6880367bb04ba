/**
 * A `(req, res, next)` middleware for Express and Connect: extract → verify → answer or `next()`.
 * Typed structurally, so core imports no framework (and needs no `@types/express`).
 */
import { extractCaptchaFields } from './extract.js';
import { assertRiskLimits, riskLimits } from './risk-limits.js';
import { CaptchaConfigError } from '../config/errors.js';
import { assertKnownKeys } from '../config/validate.js';
import { type CaptchaLogger } from '../types/options.js';
import { httpResponseForVerdict } from '../decision/reasons.js';
import type { CaptchaMode, CaptchaVerdict } from '../types/verdict.js';
import type { CaptchaVerifier } from '../types/verifier.js';
import { declaredMethod, isValidBudgetScope, routeBudgetScope } from './budget-scope.js';
import { normalizeClientIp } from './client-ip.js';

type MaybePromise<T> = T | Promise<T>;

/** The parts of an Express/Connect request the middleware reads. */
export interface NodeRequestLike {
  headers: Record<string, string | string[] | undefined>;
  /** A parsed body (`express.json()`, `express.urlencoded()`, multer, …), if any. */
  body?: unknown;
  /** Express's client IP (honours `trust proxy`). */
  ip?: string | undefined;
  socket?: { remoteAddress?: string | undefined } | undefined;
  /** Request method; not used for the budget scope (the route's declared method is). */
  method?: string | undefined;
  /** Express: the path the router was mounted at, as matched (`/auth`). */
  baseUrl?: string | undefined;
  /** Express: the matched route, inside `app.post('/login', …)` and the like. */
  route?: { path?: unknown; methods?: Record<string, boolean | undefined> } | undefined;
  /** Express: the app, to see its `trust proxy` setting. */
  app?: { get?(setting: string): unknown } | undefined;
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

/** A `(req, res, next)` middleware for one request and response type. */
export type NodeMiddleware<Req extends NodeRequestLike = NodeRequestLike, Res extends NodeResponseLike = NodeResponseLike> = (
  req: Req,
  res: Res,
  next: (error?: unknown) => void,
) => void;

/**
 * What {@link captchaMiddleware} returns: a `(req, res, next)` middleware generic in the request and
 * response it is given, so in `app.post('/login', express.json(), captchaMiddleware(verifier), (req, res) => …)`
 * the route keeps Express's own `Request` and `Response` (an `any` body, `res.locals` as declared).
 */
export type CaptchaRequestHandler<Req extends NodeRequestLike = NodeRequestLike, Res extends NodeResponseLike = NodeResponseLike> = <R extends Req, S extends Res>(
  req: R,
  res: S,
  next: (error?: unknown) => void,
) => void;

declare global {
  // Express's per-request locals (`res.locals`), which @types/express merges from this namespace: the
  // middleware puts the verdict there. Harmless without Express (an unused interface).
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** Set by `captchaMiddleware` from `@tencent-captcha/core` (unset when `skip` let the request through). */
      captcha?: CaptchaVerdict;
    }
  }
}

/** Options of {@link captchaMiddleware}. */
export interface CaptchaMiddlewareOptions<Req extends NodeRequestLike = NodeRequestLike> {
  /**
   * The end user's IP. Keep the default unless you know better than Express: `req.ip` honours
   * `X-Forwarded-For` only as far as `app.set('trust proxy', …)` allows, so a client cannot choose
   * its own per-IP budget.
   * Proxy address forms (`ip:port`, `[v6]:port`, a zone id) are read as the address (`normalizeClientIp`).
   * @default req.ip, else req.socket.remoteAddress
   */
  getUserIp?: (req: Req) => MaybePromise<string | null | undefined>;
  /**
   * Reads the ticket. The default follows core's extraction rule ({@link extractCaptchaFields}): the
   * parsed body's `tencent-captcha-ticket` when the body has that field at all (then it must be one
   * string, else 400 `ticket_malformed`, and the header is not consulted), otherwise the header
   * `x-tencent-captcha-ticket`.
   * @default body field, else header
   */
  getTicket?: (req: Req) => MaybePromise<string | null | undefined>;
  /** Reads the randstr; the default follows the same rule as `getTicket`'s. @default body field `tencent-captcha-randstr`, else header `x-tencent-captcha-randstr` */
  getRandstr?: (req: Req) => MaybePromise<string | null | undefined>;
  /**
   * Which degraded-acceptance budgets this route spends (`verify`'s `budgetScope`): a value, or a
   * function of the request. The default keeps routes apart without letting a client choose:
   * inside a route (`app.post('/login', captcha, …)`) it is the route's declared method and pattern
   * with the router's mount path (`POST_/auth/login`); mounted with `app.use(captcha)` it is one
   * constant scope per middleware (`express:1`, `express:2`, … in creation order). The raw request
   * path never counts, so `/login/`, `/LOGIN` or `/login?x=1` spend the same budget. A router mounted
   * under a path with parameters (`app.use('/t/:tenant', router)`) would give one scope per
   * parameter value: set `budgetScope` there.
   * @default the route (see above)
   */
  budgetScope?: string | ((req: Req) => MaybePromise<string>);
  /**
   * Where the one-time warning goes when Express trusts every proxy hop (`trust proxy` is `true`);
   * `false` silences it.
   * @default `console.warn`
   */
  logger?: CaptchaLogger | false;
  /** Overrides the verifier's mode for this route. */
  mode?: CaptchaMode;
  /** Highest `EvilLevel` (0–100) a verified ticket may have on this route (`verify`'s `maxEvilLevel`). @default the verifier's */
  maxEvilLevel?: number;
  /** Highest `Score` (0–100, higher is riskier) on this route (`verify`'s `maxScore`). @default the verifier's */
  maxScore?: number;
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

/** Every option of {@link captchaMiddleware}; anything else is refused as a typo. */
const MIDDLEWARE_OPTION_KEYS: readonly (keyof CaptchaMiddlewareOptions)[] = ['getUserIp', 'getTicket', 'getRandstr', 'budgetScope', 'logger', 'mode', 'skip', 'respond', 'maxEvilLevel', 'maxScore'];

let instances = 0;

/**
 * The default budget scope of a request (see `budgetScope`): the matched route's declared method
 * and pattern, with the mount path lower-cased (Express matches it case-insensitively by default);
 * `fallback` when the middleware runs outside a route.
 */
function routeScope(req: NodeRequestLike, fallback: string): string {
  const route = req.route;
  if (!route || route.path === undefined) return fallback;
  const methods = Object.keys(route.methods ?? {}).filter((m) => route.methods?.[m] === true);
  const base = typeof req.baseUrl === 'string' ? req.baseUrl.toLowerCase() : '';
  return routeBudgetScope(declaredMethod(methods), `${base}${String(route.path)}`);
}

const TRUST_ALL_WARNING =
  "@tencent-captcha/core: Express trusts every proxy hop ('trust proxy' is true), so req.ip is the leftmost X-Forwarded-For value, which the client chooses, and with it its per-IP budget of degraded acceptances. Set app.set('trust proxy', <number of proxies in front of the app>) instead.";

const CLIENT_GONE = 'the client closed the connection before the captcha was verified';

/** Refuses options the middleware cannot use, at creation. */
function validateMiddlewareOptions<Req extends NodeRequestLike>(options: CaptchaMiddlewareOptions<Req>): void {
  assertKnownKeys(options as unknown as Record<string, unknown>, MIDDLEWARE_OPTION_KEYS);
  assertRiskLimits(options as unknown as Record<string, unknown>);
  for (const name of ['getUserIp', 'getTicket', 'getRandstr'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw new CaptchaConfigError('invalid_option', name, `${name} must be a function of the request.`);
  }
  const scopeOption = options.budgetScope;
  if (scopeOption !== undefined && typeof scopeOption !== 'function' && !isValidBudgetScope(scopeOption)) {
    throw new CaptchaConfigError('invalid_option', 'budgetScope', 'budgetScope must be 1 to 128 printable ASCII characters without spaces, or a function of the request.');
  }
}

/** Answers a refused verification with its status, headers and JSON body. */
function sendRefusal(res: NodeResponseLike, verdict: CaptchaVerdict): void {
  const { status, headers, body } = httpResponseForVerdict(verdict);
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(JSON.stringify(body));
}

/**
 * Creates the middleware. Put a body parser before it for form or JSON posts. The route keeps its own
 * request and response types, and `res.locals.captcha` is typed as the {@link CaptchaVerdict} (through
 * Express's `Locals`). Options that read the request (`getUserIp`, `skip`, …) see the structural
 * {@link NodeRequestLike} unless you name your request type: `captchaMiddleware<Request>(verifier, …)`. Each route gets its
 * own degraded-acceptance budget (see `budgetScope`); behind proxies, trust exactly their number
 * (`app.set('trust proxy', 1)`), never `true` (the middleware warns once if it is).
 *
 * @example
 * ```ts
 * app.set('trust proxy', 1); // one nginx in front; leave unset without a proxy
 * app.post('/login', express.urlencoded({ extended: false }), captchaMiddleware(verifier), (req, res) => {
 *   res.locals.captcha; // the verdict: CaptchaVerdict | undefined
 * });
 * ```
 */
export function captchaMiddleware<Req extends NodeRequestLike = NodeRequestLike, Res extends NodeResponseLike = NodeResponseLike>(
  verifier: CaptchaVerifier,
  options: CaptchaMiddlewareOptions<Req> = {},
): CaptchaRequestHandler<Req, Res> {
  validateMiddlewareOptions(options);
  const respond = options.respond ?? true;
  const scopeOption = options.budgetScope;
  const instanceScope = `express:${++instances}`;
  const warn = (message: string): void => {
    const logger = options.logger;
    if (logger === false) return;
    if (logger?.warn) logger.warn(message);
    else console.warn(message);
  };
  let checkedTrustProxy = options.getUserIp !== undefined;
  return function tencentCaptcha(req, res, next) {
    if (!checkedTrustProxy) {
      checkedTrustProxy = true;
      // Checked on the first request: the app is not known when the middleware is created.
      if (typeof req.app?.get === 'function' && req.app.get('trust proxy') === true) warn(TRUST_ALL_WARNING);
    }
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
      const fields =
        options.getTicket && options.getRandstr ? undefined : extractCaptchaFields({ body: req.body, header: (name) => req.headers[name] });
      const [ticket, randstr, userIp, budgetScope] = await Promise.all([
        options.getTicket ? options.getTicket(req) : fields?.ticket,
        options.getRandstr ? options.getRandstr(req) : fields?.randstr,
        options.getUserIp ? options.getUserIp(req) : normalizeClientIp(req.ip ?? req.socket?.remoteAddress),
        typeof scopeOption === 'function' ? scopeOption(req) : (scopeOption ?? routeScope(req, instanceScope)),
      ]);
      return verifier.verify(
        { ticket, randstr, userIp },
        // traceHeaders: with OpenTelemetry tracing on, the verification span joins the request's trace.
        {
          signal: controller.signal,
          budgetScope,
          traceHeaders: req.headers,
          userIpSource: options.getUserIp ? 'getUserIp' : req.ip !== undefined ? 'req.ip' : 'req.socket.remoteAddress',
          ...(options.mode ? { mode: options.mode } : {}),
          ...riskLimits(options),
        },
      );
    })().then(
      (verdict) => {
        cleanup();
        if (verdict === undefined) return next();
        if (res.locals) res.locals.captcha = verdict;
        if (verdict.accepted || !respond) return next();
        if (!res.headersSent) sendRefusal(res, verdict);
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

