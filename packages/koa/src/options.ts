/**
 * Options of {@link tencentCaptcha}: which verifier to call, how to read the ticket, randstr and user
 * IP from a Koa context, when to skip, and how to answer a refused verdict. Validated once, when the
 * middleware is created, never per request.
 */
import type { ParameterizedContext } from 'koa';
import {
  CAPTCHA_VERIFIER_OPTION_KEYS,
  CaptchaConfigError,
  CaptchaMode,
  assertKnownKeys,
  createCaptchaVerifier,
  isValidBudgetScope,
  type CaptchaLogger,
  type CaptchaVerifier,
  type CaptchaVerifierOptions,
} from '@tencent-captcha/core';

/** The Koa context the getters receive (any state, any custom context). */
// `any` keeps the getters assignable from routers and apps with their own state/context types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CaptchaContext = ParameterizedContext<any, any, any>;

/** A value read from the request: returned directly or through a promise. */
export type MaybePromise<T> = T | Promise<T>;

/** What a ticket or randstr getter returns; `null`/`undefined` means "not sent". */
export type CaptchaFieldValue = string | null | undefined;

/** The options only this adapter knows; they may be set per route. */
export interface KoaCaptchaAdapterOptions {
  /**
   * Overrides the verifier's mode for requests through this middleware: `closed` for a login that
   * must never open during an outage, `open` for a comment form. A function decides per request;
   * returning `undefined` keeps the verifier's own mode.
   * @default the verifier's `mode` (core's default is `adaptive`)
   */
  mode?: CaptchaMode | ((ctx: CaptchaContext) => CaptchaMode | undefined);
  /**
   * Reads the ticket. Replaces the default lookup, which follows core's extraction rule: the parsed
   * body's `tencent-captcha-ticket` field when the body has it at all (then it must be one string
   * within the length limit, else 400 `ticket_malformed`, and the header is not consulted),
   * otherwise the `x-tencent-captcha-ticket` header (sent twice: malformed).
   * @default body field, else header (see {@link defaultGetTicket})
   */
  getTicket?: (ctx: CaptchaContext) => MaybePromise<CaptchaFieldValue>;
  /**
   * Reads the randstr. Replaces the default lookup, which follows the same rule as the ticket's:
   * the parsed body's `tencent-captcha-randstr` field when present, else the
   * `x-tencent-captcha-randstr` header.
   * @default body field, else header (see {@link defaultGetRandstr})
   */
  getRandstr?: (ctx: CaptchaContext) => MaybePromise<CaptchaFieldValue>;
  /**
   * Reads the end user's IP. Keep the default unless you know better than Koa: `ctx.ip` honours
   * `X-Forwarded-For` only when `app.proxy` is `true`, and then takes the `app.maxIpsCount`-th value
   * from the right. Behind N proxies that append to the header, set `new Koa({ proxy: true,
   * maxIpsCount: N })`; with the default `maxIpsCount` (0) Koa takes the leftmost value, which the
   * client writes itself, so it chooses its own per-IP budget (the middleware warns once).
   * @default ctx => ctx.ip
   */
  getUserIp?: (ctx: CaptchaContext) => MaybePromise<CaptchaFieldValue>;
  /**
   * Which degraded-acceptance budgets requests through this middleware spend (`verify`'s
   * `budgetScope`), so an `open` comments route cannot spend a login's budget. A value, or a
   * function of the context. The default is the matched @koa/router route, its declared method and
   * pattern (`POST_/login`, `*_/files/:path*` for a route taking several methods), never the raw
   * path or method, so `/login/`, `/LOGIN` or `/login?x=1` spend one budget. Outside a router route
   * (`app.use(captcha)`) it is one constant scope per middleware (`koa:1`, `koa:2`, … in creation order).
   * @default the matched route (see above)
   */
  budgetScope?: string | ((ctx: CaptchaContext) => MaybePromise<string>);
  /**
   * Highest `EvilLevel` (0–100) a verified ticket may have on this route, e.g. stricter on a login
   * (core's per-call `maxEvilLevel`). @default the verifier's `maxEvilLevel`
   */
  maxEvilLevel?: number;
  /** Highest `Score` (0–100, higher is riskier) on this route (core's per-call `maxScore`). @default the verifier's `maxScore` */
  maxScore?: number;
  /**
   * Where the one-time warning goes when the app trusts every proxy hop (`proxy: true` with
   * `maxIpsCount: 0`); `false` silences it. When the middleware creates its verifier, the verifier
   * logs here too.
   * @default `console.warn`
   */
  logger?: CaptchaLogger | false;
  /**
   * Lets a request through without verification (`next()` runs, `ctx.state.captcha` stays unset):
   * `true`, or a function of the context, e.g. for requests already authenticated by an API key.
   * @default false
   */
  skip?: boolean | ((ctx: CaptchaContext) => MaybePromise<boolean>);
  /**
   * How a refused verdict is answered.
   * - `true`: the middleware answers itself: status 400/403/503, `Retry-After` where due, and
   *   the JSON body `{ code, message }`; `next()` is not called.
   * - `false`: the middleware throws a Koa `HttpError` (`status`, `expose: true`, `code`,
   *   `headers`, `verdict`; see {@link isCaptchaHttpError}) for your own error-handling middleware.
   *   Koa's built-in handler would answer it as plain text, so render `{ code, message }` yourself.
   * @default true
   */
  respond?: boolean;
}

/** Options of {@link tencentCaptcha} with a verifier you created (and may share between routes). */
export type TencentCaptchaVerifierOptions = KoaCaptchaAdapterOptions & {
  /** A verifier from `createCaptchaVerifier` of `@tencent-captcha/core`. You close it. */
  verifier: CaptchaVerifier;
} & {
  // Verifier options next to a verifier would be ignored: a type error (and a CaptchaConfigError).
  [K in Exclude<keyof CaptchaVerifierOptions, 'mode' | 'logger' | 'maxEvilLevel' | 'maxScore'>]?: never;
};

/**
 * Options of {@link tencentCaptcha} that create the verifier: `createCaptchaVerifier`'s own options
 * plus this adapter's. The middleware owns that verifier; close it with `middleware.verifier.close()`.
 */
export type TencentCaptchaOwnVerifierOptions = Omit<CaptchaVerifierOptions, 'mode' | 'logger'> &
  KoaCaptchaAdapterOptions & {
    /** Not set: the middleware creates the verifier from these options. */
    verifier?: undefined;
  };

/** Options of {@link tencentCaptcha}: a `verifier`, or `createCaptchaVerifier`'s options; plus the adapter's. */
export type TencentCaptchaOptions = TencentCaptchaVerifierOptions | TencentCaptchaOwnVerifierOptions;

/** Options after validation. @internal */
export interface ResolvedKoaCaptchaOptions {
  verifier: CaptchaVerifier;
  mode: CaptchaMode | ((ctx: CaptchaContext) => CaptchaMode | undefined) | undefined;
  getTicket: (ctx: CaptchaContext) => MaybePromise<CaptchaFieldValue>;
  getRandstr: (ctx: CaptchaContext) => MaybePromise<CaptchaFieldValue>;
  getUserIp: (ctx: CaptchaContext) => MaybePromise<CaptchaFieldValue>;
  skip: (ctx: CaptchaContext) => MaybePromise<boolean>;
  respond: boolean;
  budgetScope: string | ((ctx: CaptchaContext) => MaybePromise<string>) | undefined;
  maxEvilLevel: number | undefined;
  maxScore: number | undefined;
  /** Whether `getUserIp` is the default (`ctx.ip`), so the app's proxy settings matter. */
  defaultUserIp: boolean;
  warn: (message: string) => void;
}

const ADAPTER_KEYS = ['mode', 'getTicket', 'getRandstr', 'getUserIp', 'skip', 'respond', 'budgetScope', 'logger', 'maxEvilLevel', 'maxScore'] as const;
const MODES: readonly string[] = Object.values(CaptchaMode);

const invalid = (option: string, message: string): never => {
  throw new CaptchaConfigError('invalid_option', option, `@tencent-captcha/koa: ${message}`);
};

function optionalFunction<F>(options: Record<string, unknown>, name: string): F | undefined {
  const value = options[name];
  if (value !== undefined && typeof value !== 'function') invalid(name, `\`${name}\` must be a function.`);
  return value as F | undefined;
}

function isVerifier(value: unknown): value is CaptchaVerifier {
  return typeof value === 'object' && value !== null && typeof (value as CaptchaVerifier).verify === 'function';
}

/**
 * Validates the options once and creates the verifier when none was given.
 * @throws core's `CaptchaConfigError` for an invalid adapter or verifier option
 * @internal
 */
export function resolveOptions(
  options: TencentCaptchaOptions,
  defaults: {
    getTicket: (ctx: CaptchaContext) => CaptchaFieldValue;
    getRandstr: (ctx: CaptchaContext) => CaptchaFieldValue;
    getUserIp: (ctx: CaptchaContext) => CaptchaFieldValue;
  },
): ResolvedKoaCaptchaOptions {
  if (typeof options !== 'object' || options === null) {
    return invalid('options', 'tencentCaptcha() needs an options object: { verifier } or createCaptchaVerifier options');
  }
  const raw = options as unknown as Record<string, unknown>;
  // A typo (`verifer`, `mdoe`, `deadlineMS`) is named with the nearest option this adapter or core
  // knows, before any rule about verifier options can misdescribe it.
  try {
    assertKnownKeys(raw, [...ADAPTER_KEYS, 'verifier', ...CAPTCHA_VERIFIER_OPTION_KEYS]);
  } catch (error) {
    if (error instanceof CaptchaConfigError) invalid(error.option, error.message);
    throw error;
  }

  const mode = raw.mode;
  if (mode !== undefined && typeof mode !== 'function' && !MODES.includes(mode as string)) {
    invalid('mode', `\`mode\` must be one of ${MODES.join(', ')}, or a function of the context`);
  }
  const skip = raw.skip;
  if (skip !== undefined && typeof skip !== 'boolean' && typeof skip !== 'function') {
    invalid('skip', '`skip` must be a boolean or a function of the context');
  }
  const respond = raw.respond;
  if (respond !== undefined && typeof respond !== 'boolean') invalid('respond', '`respond` must be a boolean');

  const budgetScope = raw.budgetScope;
  if (budgetScope !== undefined && typeof budgetScope !== 'function' && !isValidBudgetScope(budgetScope)) {
    invalid('budgetScope', '`budgetScope` must be 1 to 128 printable ASCII characters without spaces, or a function of the context');
  }
  for (const name of ['maxEvilLevel', 'maxScore'] as const) {
    const v = raw[name];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100)) {
      invalid(name, `\`${name}\` must be an integer from 0 to 100`);
    }
  }
  const logger = raw.logger;
  if (logger !== undefined && logger !== false && (typeof logger !== 'object' || logger === null)) {
    invalid('logger', '`logger` must be an object with optional debug/info/warn/error methods, or false');
  }
  const warnFn = logger === false ? undefined : (logger as CaptchaLogger | undefined)?.warn;
  if (warnFn !== undefined && typeof warnFn !== 'function') invalid('logger', '`logger.warn` must be a function');

  const getTicket = optionalFunction<ResolvedKoaCaptchaOptions['getTicket']>(raw, 'getTicket');
  const getRandstr = optionalFunction<ResolvedKoaCaptchaOptions['getRandstr']>(raw, 'getRandstr');
  const getUserIp = optionalFunction<ResolvedKoaCaptchaOptions['getUserIp']>(raw, 'getUserIp');

  let verifier: CaptchaVerifier;
  if (raw.verifier !== undefined) {
    if (!isVerifier(raw.verifier)) {
      invalid('verifier', '`verifier` must be a verifier from createCaptchaVerifier() of @tencent-captcha/core');
    }
    // With a verifier, anything but adapter options is a mistake (verifier options would be ignored).
    const stray = Object.keys(raw).filter(
      (key) => key !== 'verifier' && !(ADAPTER_KEYS as readonly string[]).includes(key),
    );
    if (stray.length > 0) {
      invalid(
        stray[0]!,
        `pass either \`verifier\` or createCaptchaVerifier options, not both (unexpected: ${stray
          .map((key) => `\`${key}\``)
          .join(', ')}); set them on the verifier`,
      );
    }
    verifier = raw.verifier as CaptchaVerifier;
  } else {
    const coreOptions: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
      if (key !== 'verifier' && !(ADAPTER_KEYS as readonly string[]).includes(key)) coreOptions[key] = value;
    }
    // A fixed mode becomes the verifier's own mode too, so its `options` and hooks report it.
    if (typeof mode === 'string') coreOptions.mode = mode;
    if (logger !== undefined) coreOptions.logger = logger;
    verifier = createCaptchaVerifier(coreOptions as CaptchaVerifierOptions);
  }

  return {
    verifier,
    mode: mode as ResolvedKoaCaptchaOptions['mode'],
    maxEvilLevel: raw.maxEvilLevel as number | undefined,
    maxScore: raw.maxScore as number | undefined,
    getTicket: getTicket ?? defaults.getTicket,
    getRandstr: getRandstr ?? defaults.getRandstr,
    getUserIp: getUserIp ?? defaults.getUserIp,
    skip: typeof skip === 'function' ? (skip as ResolvedKoaCaptchaOptions['skip']) : () => skip === true,
    respond: (respond as boolean | undefined) ?? true,
    budgetScope: budgetScope as ResolvedKoaCaptchaOptions['budgetScope'],
    defaultUserIp: getUserIp === undefined,
    warn: logger === false ? () => undefined : warnFn ? (message) => warnFn.call(logger, message) : (message) => console.warn(message),
  };
}
