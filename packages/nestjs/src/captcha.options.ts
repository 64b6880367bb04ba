/**
 * Options of `CaptchaModule` and `@RequireCaptcha()`, and their one-time validation.
 */
import type { ExecutionContext } from '@nestjs/common';
import {
  CAPTCHA_HEADER_NAMES,
  CaptchaConfigError,
  CaptchaMode,
  MALFORMED_FIELD_VALUE,
  extractCaptchaField,
  normalizeClientIp,
  type CaptchaFieldName,
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
   * Highest `EvilLevel` (0–100) a verified ticket may have on this route, e.g. stricter on a login
   * (core's per-call `maxEvilLevel`). @default the verifier's `maxEvilLevel`
   */
  maxEvilLevel?: number;
  /** Highest `Score` (0–100, higher is riskier) on this route (core's per-call `maxScore`). @default the verifier's `maxScore` */
  maxScore?: number;
  /**
   * Skip verification for a request: `true`, or a function of the request (e.g. trusted internal
   * callers). A skipped request gets no verdict. `@SkipCaptcha()` is the static form.
   * @default false
   */
  skip?: boolean | CaptchaSkipFunction;
  /**
   * Reads the ticket from the request.
   * @default the body field `tencent-captcha-ticket`, else the header `x-tencent-captcha-ticket`; on a
   * GraphQL resolver only the header
   */
  getTicket?(request: CaptchaHttpRequest, context: ExecutionContext): CaptchaRequestValue;
  /**
   * Reads the randstr from the request.
   * @default the body field `tencent-captcha-randstr`, else the header `x-tencent-captcha-randstr`; on a
   * GraphQL resolver only the header
   */
  getRandstr?(request: CaptchaHttpRequest, context: ExecutionContext): CaptchaRequestValue;
  /**
   * Reads the end user's IP from the request. The default trusts the platform: set Express's
   * `trust proxy` or Fastify's `trustProxy` when (and only when) a proxy you run sets `X-Forwarded-For`.
   * @default `request.ip`
   */
  getUserIp?(request: CaptchaHttpRequest, context: ExecutionContext): CaptchaRequestValue;
}

/** Options of `@RequireCaptcha()`: the route options, and what only a handler can decide. */
export interface RequireCaptchaOptions extends CaptchaRouteOptions {
  /**
   * How many guarded GraphQL fields of one HTTP request one accepted verdict may authorise. One
   * captcha authorises one action: by default a second field with the same ticket — an alias
   * (`a: login … b: login …`), an operation of a batch, a guarded field under a list — is refused
   * with `captcha_single_use` (400) and its resolver does not run. Raise it only for fields that are
   * one action together (e.g. a query that reads several guarded fields). When fields of several
   * handlers share a verdict, the smallest limit among them holds. A field whose getters read another
   * ticket is verified on its own whatever this says. Routes (one action per HTTP request) ignore it.
   * Only on the handler or its class: a module-wide value is refused.
   * @default 1
   */
  fieldsPerVerdict?: number;
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
   * Register `CaptchaGuard` as a global guard (`APP_GUARD`): every HTTP route and every GraphQL query
   * and mutation over HTTP requires a captcha unless it (or its controller or resolver) has
   * `@SkipCaptcha()`. RPC and WebSocket handlers and GraphQL subscriptions carry no captcha: without
   * `@SkipCaptcha()` the guard refuses them (and logs an error naming the handler, once). Without this
   * option only handlers with `@RequireCaptcha()` are guarded.
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
  maxEvilLevel: number | undefined;
  maxScore: number | undefined;
  skip: NonNullable<CaptchaRouteOptions['skip']>;
  getTicket: CaptchaRequestGetter;
  getRandstr: CaptchaRequestGetter;
  getUserIp: CaptchaRequestGetter;
}

/** What `@RequireCaptcha()` / `@SkipCaptcha()` store under `CAPTCHA_ROUTE_METADATA`. */
export type CaptchaRouteMetadata = Readonly<RequireCaptchaOptions>;

/**
 * The default getter of `field`: core's extraction rule (`extractCaptchaField`), the same for every
 * adapter. A body field that is present decides — a repeated, non-string or oversized one is handed to
 * the verifier as core's malformed marker, so it answers `…_malformed` (400) without the header being
 * consulted; only without the body field does the header count (a repeated one is malformed too).
 * Only an own property of a plain parsed body counts. On a GraphQL resolver the body is the GraphQL
 * request, so only the header is read.
 */
function extractionGetter(field: CaptchaFieldName): CaptchaRequestGetter {
  const header = CAPTCHA_HEADER_NAMES[field];
  return (request, context) => {
    const graphql = context?.getType?.<string>() === 'graphql';
    const extracted = extractCaptchaField(field, { body: graphql ? undefined : request.body, header: request.headers?.[header] });
    if (extracted.status === 'present') return extracted.value;
    return extracted.status === 'malformed' ? MALFORMED_FIELD_VALUE : undefined;
  };
}

/**
 * The default ticket getter: body field `tencent-captcha-ticket`, else header `x-tencent-captcha-ticket`
 * (only the header on a GraphQL resolver), by core's extraction rule.
 */
export const defaultGetTicket: CaptchaRequestGetter = extractionGetter('ticket');
/**
 * The default randstr getter: body field `tencent-captcha-randstr`, else header `x-tencent-captcha-randstr`
 * (only the header on a GraphQL resolver), by core's extraction rule.
 */
export const defaultGetRandstr: CaptchaRequestGetter = extractionGetter('randstr');
/**
 * The default user IP getter: the platform's `request.ip`, the forms proxies append
 * (`203.0.113.7:4711`, `[2001:db8::7]:443`, `fe80::7%eth0`) read as the address they name (core's
 * `normalizeClientIp`).
 */
export const defaultGetUserIp: CaptchaRequestGetter = (request) => normalizeClientIp(request.ip);

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
  for (const name of ['maxEvilLevel', 'maxScore'] as const) {
    const v = o[name];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100)) {
      throw new CaptchaConfigError('invalid_option', `${where}.${name}`, `${where}.${name} must be an integer from 0 to 100.`);
    }
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

/** Upper bound of `fieldsPerVerdict`: an opt-in, not a way around the rule. */
const MAX_FIELDS_PER_VERDICT = 100;

/** Validates `@RequireCaptcha()` options: the route options and `fieldsPerVerdict`. */
export function validateRequireCaptchaOptions(options: unknown, where: string): RequireCaptchaOptions {
  const o = validateRouteOptions(options, where) as RequireCaptchaOptions;
  const n = o.fieldsPerVerdict;
  if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_FIELDS_PER_VERDICT)) {
    throw new CaptchaConfigError('invalid_option', `${where}.fieldsPerVerdict`, `${where}.fieldsPerVerdict must be an integer from 1 to ${MAX_FIELDS_PER_VERDICT}.`);
  }
  return o;
}

/** Validates the module options once and fills in the adapter defaults. */
export function resolveCaptchaModuleOptions(options: CaptchaModuleOptions | undefined): ResolvedCaptchaModuleOptions {
  const o = validateRouteOptions(options ?? {}, 'CaptchaModule options');
  if ((o as RequireCaptchaOptions).fieldsPerVerdict !== undefined) {
    throw new CaptchaConfigError(
      'invalid_option',
      'CaptchaModule options.fieldsPerVerdict',
      'fieldsPerVerdict lets one captcha authorise several GraphQL fields; it is decided per handler: put it on @RequireCaptcha() of the resolvers that need it.',
    );
  }
  return {
    mode: o.mode,
    budgetScope: o.budgetScope,
    maxEvilLevel: o.maxEvilLevel,
    maxScore: o.maxScore,
    skip: o.skip ?? false,
    getTicket: o.getTicket ?? defaultGetTicket,
    getRandstr: o.getRandstr ?? defaultGetRandstr,
    getUserIp: o.getUserIp ?? defaultGetUserIp,
  };
}
