/**
 * The guard: extract ticket, randstr and user IP → `verifier.verify` → map the verdict with core's
 * HTTP mapping. No verification logic and no status table live here.
 */
import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CaptchaConfigError, type CaptchaVerdict, type CaptchaVerifier, type VerifyOptions } from '@tencent-captcha/core';
import { CAPTCHA_RESOLVED_OPTIONS, CAPTCHA_ROUTE_METADATA, CAPTCHA_VERIFIER } from './captcha.constants.js';
import { CaptchaException } from './captcha.exception.js';
import type { CaptchaRouteMetadata, ResolvedCaptchaModuleOptions } from './captcha.options.js';
import { captchaTargetOf, getCaptchaVerdict, linkClientAbort, setCaptchaVerdict, setResponseHeaders } from './captcha.request.js';

/** Verifications of one request: serialised, and remembered per policy (mode + budget scope). */
interface RequestVerifications {
  tail: Promise<unknown>;
  readonly byPolicy: Map<string, CaptchaVerdict>;
}

const verifications = new WeakMap<object, RequestVerifications>();
/** Default budget scope per handler, computed once. */
const handlerScopes = new WeakMap<object, string>();
/** Handlers already reported as unguardable (logged once each). */
const reportedHandlers = new WeakSet<object>();

const NOT_SCOPE_CHARACTER = /[^\x21-\x7e]/g;

/** `ControllerClass.method`, made a valid budget scope (printable ASCII, at most 128 characters). */
function defaultBudgetScope(context: ExecutionContext): string {
  const handler = context.getHandler() as ((...args: unknown[]) => unknown) | undefined;
  const cached = handler === undefined ? undefined : handlerScopes.get(handler);
  if (cached !== undefined) return cached;
  const className = (context.getClass() as { name?: unknown } | undefined)?.name;
  const handlerName = handler?.name;
  const name = `${typeof className === 'string' && className !== '' ? className : 'anonymous'}.${typeof handlerName === 'string' && handlerName !== '' ? handlerName : 'anonymous'}`;
  const scope = name.replace(NOT_SCOPE_CHARACTER, '_').slice(0, 128);
  if (handler !== undefined) handlerScopes.set(handler, scope);
  return scope;
}

function handlerName(context: ExecutionContext): string {
  const className = (context.getClass() as { name?: string } | undefined)?.name || 'anonymous';
  return `${className}.${context.getHandler()?.name || 'anonymous'}`;
}

/**
 * Verifies the Tencent Cloud Captcha ticket of an HTTP request — a controller route, or a GraphQL
 * resolver whose operation came over HTTP (Apollo on Express or Fastify, Mercurius).
 *
 * `@RequireCaptcha()` applies it (with `@UseGuards`); `CaptchaModule.forRoot({ globalGuard: true })`
 * registers it for every route and resolver. Used on its own (`@UseGuards(CaptchaGuard)`) it applies the
 * module's options. It reads the route's options from the handler and
 * then the controller class (`reflector.getAllAndOverride`), so a method's `@RequireCaptcha()` or
 * `@SkipCaptcha()` overrides its class's.
 *
 * An accepted verdict (verified, or degraded and accepted by the policy) lets the request through and
 * is available to the handler through `@CaptchaVerdict()`; a refused one throws {@link CaptchaException}.
 * If the client disconnects while the verifier waits for Tencent, the verification is aborted.
 *
 * Applied twice to one request (class and method, globally and per route, or several resolvers of one
 * GraphQL operation), it verifies once per policy: a Tencent ticket is single use. A verdict Tencent
 * vouched for (`verified`) serves every guarded handler of the request; a degraded one only handlers
 * with the same mode and budget scope (another one verifies again under its own policy).
 *
 * A handler that is reached by neither (an RPC or WebSocket handler, a GraphQL subscription over
 * WebSocket) carries no captcha: the guard refuses it — throws, and logs an error once naming the
 * handler — unless the handler or its class has `@SkipCaptcha()`. A global guard never lets such a
 * request through silently.
 */
@Injectable()
export class CaptchaGuard implements CanActivate {
  private readonly logger = new Logger('CaptchaGuard');

  constructor(
    private readonly reflector: Reflector,
    @Inject(CAPTCHA_VERIFIER) private readonly verifier: CaptchaVerifier,
    @Inject(CAPTCHA_RESOLVED_OPTIONS) private readonly options: ResolvedCaptchaModuleOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = this.reflector.getAllAndOverride<CaptchaRouteMetadata | undefined>(CAPTCHA_ROUTE_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    const target = captchaTargetOf(context);
    if (target === undefined) {
      if (route?.skip === true) return true;
      throw this.refuseUnguardable(context);
    }
    const { request, response } = target;

    const earlier = getCaptchaVerdict(request);
    if (earlier !== undefined && !verifications.has(request)) return this.decide(earlier, response);

    const skip = route?.skip ?? this.options.skip;
    if (skip === true || (typeof skip === 'function' && (await skip(request, context)) === true)) return true;

    const getTicket = route?.getTicket ?? this.options.getTicket;
    const getRandstr = route?.getRandstr ?? this.options.getRandstr;
    const getUserIp = route?.getUserIp ?? this.options.getUserIp;
    const mode = route?.mode ?? this.options.mode;
    const budgetScope = route?.budgetScope ?? this.options.budgetScope ?? defaultBudgetScope(context);
    const maxEvilLevel = route?.maxEvilLevel ?? this.options.maxEvilLevel;
    const maxScore = route?.maxScore ?? this.options.maxScore;

    const verdict = await this.verifyOnce(request, `${mode ?? ''} ${budgetScope} ${maxEvilLevel ?? ''} ${maxScore ?? ''}`, async () => {
      const [ticket, randstr, userIp] = await Promise.all([
        getTicket(request, context),
        getRandstr(request, context),
        getUserIp(request, context),
      ]);
      const { signal, unlink } = linkClientAbort(response);
      try {
        // `traceHeaders`: with OpenTelemetry tracing on, the verification span joins the request's trace.
        const traceHeaders = (request as { headers?: VerifyOptions['traceHeaders'] }).headers;
        const verifyOptions: VerifyOptions = { signal, budgetScope, traceHeaders };
        if (mode !== undefined) verifyOptions.mode = mode;
        if (maxEvilLevel !== undefined) verifyOptions.maxEvilLevel = maxEvilLevel;
        if (maxScore !== undefined) verifyOptions.maxScore = maxScore;
        // Rejects only with the abort reason (a CaptchaClientClosedException, let through untouched) or
        // a configuration error.
        return await this.verifier.verify({ ticket, randstr, userIp }, verifyOptions);
      } finally {
        unlink();
      }
    });
    return this.decide(verdict, response);
  }

  /**
   * Runs `verify` for this request unless a verdict for the same policy, or a `verified` one, exists.
   * Calls for one request run one after another: the resolvers of a GraphQL query run concurrently,
   * and two concurrent verifications of one ticket would find it used.
   */
  private verifyOnce(request: object, policy: string, verify: () => Promise<CaptchaVerdict>): Promise<CaptchaVerdict> {
    let state = verifications.get(request);
    if (state === undefined) {
      state = { tail: Promise.resolve(), byPolicy: new Map() };
      verifications.set(request, state);
    }
    const current = state;
    const result = current.tail.then(async () => {
      const earlier = getCaptchaVerdict(request);
      if (earlier?.status === 'verified') return earlier;
      const same = current.byPolicy.get(policy);
      if (same !== undefined) return same;
      const verdict = await verify();
      current.byPolicy.set(policy, verdict);
      setCaptchaVerdict(request, verdict);
      return verdict;
    });
    current.tail = result.catch(() => undefined);
    return result;
  }

  private refuseUnguardable(context: ExecutionContext): CaptchaConfigError {
    const name = handlerName(context);
    const message =
      `CaptchaGuard cannot verify a captcha on '${context.getType<string>()}' handler ${name}: a captcha travels with an HTTP request ` +
      '(a route, or a GraphQL operation over HTTP). The request was refused. Put @SkipCaptcha() on the handler or its class, ' +
      'or verify by hand with the CAPTCHA_VERIFIER provider.';
    const handler = context.getHandler() as object | undefined;
    if (handler === undefined || !reportedHandlers.has(handler)) {
      if (handler !== undefined) reportedHandlers.add(handler);
      this.logger.error(message);
    }
    return new CaptchaConfigError('invalid_option', 'CaptchaGuard', message);
  }

  private decide(verdict: CaptchaVerdict, response: unknown): true {
    if (verdict.accepted) return true;
    const exception = new CaptchaException(verdict);
    setResponseHeaders(response, exception.headers);
    throw exception;
  }
}
