/**
 * Options of `CaptchaModule` and `@RequireCaptcha()`, and their one-time validation.
 */
import type { ExecutionContext } from '@nestjs/common';
import {
  CAPTCHA_FIELD_NAMES,
  CAPTCHA_HEADER_NAMES,
  CaptchaConfigError,
  CaptchaMode,
  type CaptchaVerifier,
  type CaptchaVerifierOptions,
} from '@tencent-captcha/core';

/**
 * The request as the guard sees it: Express's `Request` or Fastify's `FastifyRequest` — the fields both
 * have. Getters may declare their parameter as the platform's own request type. On a GraphQL resolver it
 * is the HTTP request that carried the operation (the GraphQL arguments are in the `context` the getters
 * also receive: `context.getArgs()[1]`, or `GqlExecutionContext.create(context).getArgs()`).
 */
export interface CaptchaHttpRequest {
  /** Request headers, names in lower case. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed body (JSON or urlencoded), when a body parser ran. */
  readonly body?: unknown;
  /**
   * The client IP as the platform computed it: Express's `trust proxy` setting or Fastify's
   * `trustProxy` option decide whether `X-Forwarded-For` counts.
   */
  readonly ip?: string;
}

/** A value read from the request; `null`/`undefined` mean "absent". May be computed asynchronously. */
export type CaptchaRequestValue = string | null | undefined | Promise<string | null | undefined>;

/**
 * A function of the request that says whether to skip verification. Declared as a method type, so a
 * function whose parameter is the platform's own request type (Express `Request`, `FastifyRequest`)
 * is accepted.
 */
export type CaptchaSkipFunction = {
  skip(request: CaptchaHttpRequest, context: ExecutionContext): boolean | Promise<boolean>;
}['skip'];

/**
 * Options that can be set for all guarded routes (on the module) and per route
 * (`@RequireCaptcha(options)`); a route's value wins over the module's.
 */
export interface CaptchaRouteOptions {
  /**
   * Disaster-recovery mode for the route: `closed` for a login (an outage answers 503 with
   * `Retry-After`), `open` for a comment form, `adaptive` in between. Passed to `verify` per call.
   * @default the verifier's own `mode` (core's default is `'adaptive'`)
   */
  mode?: CaptchaMode;
  /**
   * Which budgets of degraded acceptances the route spends (core's per-call `budgetScope`): routes with
   * different scopes count separately, so spending one route's per-IP budget does not refuse a disaster
   * ticket on another. Give two routes the same scope to make them share; set on the module, it is the
   * scope of every route that names none. 1–128 printable ASCII characters without spaces.
   * @default the handler, `ControllerClass.method` (`ResolverClass.method` for GraphQL)
   */
  budgetScope?: string;
  /**
   * Skip verification for a request: `true`, or a function of the request (e.g. trusted internal
   * callers). A skipped request gets no verdict. `@SkipCaptcha()` is the static form.
   * @default false
   */
  skip?: boolean | CaptchaSkipFunction;
  /**
   * Reads the ticket from the request.
   * @default the body field `tencent-captcha-ticket`, else the header `x-tencent-captcha-ticket`
   */
  getTicket?(request: CaptchaHttpRequest, context: ExecutionContext): CaptchaRequestValue;
  /**
   * Reads the randstr from the request.
   * @default the body field `tencent-captcha-randstr`, else the header `x-tencent-captcha-randstr`
   */
  getRandstr?(request: CaptchaHttpRequest, context: ExecutionContext): CaptchaRequestValue;
  /**
   * Reads the end user's IP from the request. The default trusts the platform: set Express's
   * `trust proxy` or Fastify's `trustProxy` when (and only when) a proxy you run sets `X-Forwarded-For`.
   * @default `request.ip`
   */
  getUserIp?(request: CaptchaHttpRequest, context: ExecutionContext): CaptchaRequestValue;
}

/** Options of `CaptchaModule.forRoot()` (and what `forRootAsync()`'s factory returns). */
export interface CaptchaModuleOptions extends CaptchaRouteOptions {
  /**
   * The verifier the guard calls: one made with core's `createCaptchaVerifier()` (you own it and close
   * it), or the options to make one (the module creates it once at startup, validating the options
   * there, and closes it on application shutdown).
   * @default {} — a verifier configured from the environment (`TENCENTCLOUD_SECRET_ID`,
   * `TENCENTCLOUD_SECRET_KEY`, `TENCENT_CAPTCHA_APP_ID`, `TENCENT_CAPTCHA_APP_SECRET_KEY`)
   */
  verifier?: CaptchaVerifier | CaptchaVerifierOptions;
}

/**
 * Options fixed when the module is declared (they change what the module registers, so a
 * `forRootAsync()` factory cannot provide them).
 */
export interface CaptchaModuleExtras {
  /**
   * Register the module globally: `@RequireCaptcha()` then works in every module without importing
   * `CaptchaModule` there.
   * @default false
   */
  isGlobal?: boolean;
  /**
   * Register `CaptchaGuard` as a global guard (`APP_GUARD`): every HTTP route requires a captcha unless
   * it (or its controller) has `@SkipCaptcha()`. Without it only routes with `@RequireCaptcha()` are
   * guarded.
   * @default false
   */
  globalGuard?: boolean;
}

/**
 * A getter of a request value (ticket, randstr, user IP). Declared as a method type, so a function
 * whose parameter is the platform's own request type is accepted.
 */
export type CaptchaRequestGetter = {
  get(request: CaptchaHttpRequest, context: ExecutionContext): CaptchaRequestValue;
}['get'];

/** The module's adapter options after validation, defaults filled in (token `CAPTCHA_RESOLVED_OPTIONS`). */
export interface ResolvedCaptchaModuleOptions {
  mode: CaptchaMode | undefined;
  /** `undefined`: each route its own scope, named after its handler. */
  budgetScope: string | undefined;
  skip: NonNullable<CaptchaRouteOptions['skip']>;
  getTicket: CaptchaRequestGetter;
  getRandstr: CaptchaRequestGetter;
  getUserIp: CaptchaRequestGetter;
}

/** What `@RequireCaptcha()` / `@SkipCaptcha()` store under `CAPTCHA_ROUTE_METADATA`. */
export type CaptchaRouteMetadata = Readonly<CaptchaRouteOptions>;

function headerValue(request: CaptchaHttpRequest, name: string): string | undefined {
  const value = request.headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === '' ? undefined : first;
}

/**
 * The value of `field` in the parsed body, else of header `header`. Only an own property of a plain
 * parsed body counts (a `__proto__` or `toString` field must not come from the prototype). A non-string
 * value (a JSON number, a repeated urlencoded field) is handed to the verifier as it is, so that core
 * answers `…_malformed` (400) instead of the adapter guessing.
 */
function bodyOrHeader(field: string, header: string): CaptchaRequestGetter {
  return (request) => {
    const body = request.body;
    if (typeof body === 'object' && body !== null && !Array.isArray(body) && !Buffer.isBuffer(body) && Object.hasOwn(body, field)) {
      const value: unknown = (body as Record<string, unknown>)[field];
      if (value !== undefined && value !== null) return value as string;
    }
    return headerValue(request, header);
  };
}

/** The default ticket getter: body field `tencent-captcha-ticket`, else header `x-tencent-captcha-ticket`. */
export const defaultGetTicket: CaptchaRequestGetter = bodyOrHeader(CAPTCHA_FIELD_NAMES.ticket, CAPTCHA_HEADER_NAMES.ticket);
/** The default randstr getter: body field `tencent-captcha-randstr`, else header `x-tencent-captcha-randstr`. */
export const defaultGetRandstr: CaptchaRequestGetter = bodyOrHeader(CAPTCHA_FIELD_NAMES.randstr, CAPTCHA_HEADER_NAMES.randstr);
/** The default user IP getter: the platform's `request.ip`. */
export const defaultGetUserIp: CaptchaRequestGetter = (request) => request.ip;

const MODES: readonly unknown[] = Object.values(CaptchaMode);
/** Core's rule for a budget scope (it becomes part of store keys). */
const BUDGET_SCOPE = /^[\x21-\x7e]{1,128}$/;
const GETTERS = ['getTicket', 'getRandstr', 'getUserIp'] as const;

/**
 * Validates route options (module-level or per route). Throws core's `CaptchaConfigError`
 * (`invalid_option`) naming the option; runs at startup or when the decorator is applied, never per request.
 */
export function validateRouteOptions(options: unknown, where: string): CaptchaRouteOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new CaptchaConfigError('invalid_option', where, `${where} must be an object.`);
  }
  const o = options as Record<string, unknown>;
  if (o.mode !== undefined && !MODES.includes(o.mode)) {
    throw new CaptchaConfigError('invalid_option', `${where}.mode`, `${where}.mode must be one of ${MODES.map((m) => `'${String(m)}'`).join(', ')}.`);
  }
  if (o.budgetScope !== undefined && (typeof o.budgetScope !== 'string' || !BUDGET_SCOPE.test(o.budgetScope))) {
    throw new CaptchaConfigError('invalid_option', `${where}.budgetScope`, `${where}.budgetScope must be 1 to 128 printable ASCII characters without spaces.`);
  }
  if (o.skip !== undefined && typeof o.skip !== 'boolean' && typeof o.skip !== 'function') {
    throw new CaptchaConfigError('invalid_option', `${where}.skip`, `${where}.skip must be a boolean or a function.`);
  }
  for (const name of GETTERS) {
    if (o[name] !== undefined && typeof o[name] !== 'function') {
      throw new CaptchaConfigError('invalid_option', `${where}.${name}`, `${where}.${name} must be a function.`);
    }
  }
  return o as CaptchaRouteOptions;
}

/** Validates the module options once and fills in the adapter defaults. */
export function resolveCaptchaModuleOptions(options: CaptchaModuleOptions | undefined): ResolvedCaptchaModuleOptions {
  const o = validateRouteOptions(options ?? {}, 'CaptchaModule options');
  return {
    mode: o.mode,
    budgetScope: o.budgetScope,
    skip: o.skip ?? false,
    getTicket: o.getTicket ?? defaultGetTicket,
    getRandstr: o.getRandstr ?? defaultGetRandstr,
    getUserIp: o.getUserIp ?? defaultGetUserIp,
  };
}
