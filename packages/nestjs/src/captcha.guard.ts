/**
 * The guard: extract ticket, randstr and user IP → `verifier.verify` → map the verdict with core's
 * HTTP mapping. No verification logic and no status table live here.
 */
import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CaptchaConfigError, type CaptchaVerdict, type CaptchaVerifier, type VerifyOptions } from '@tencent-captcha/core';
import { CAPTCHA_RESOLVED_OPTIONS, CAPTCHA_ROUTE_METADATA, CAPTCHA_VERIFIER } from './captcha.constants.js';
import { CaptchaException } from './captcha.exception.js';
import { defaultGetUserIp, type CaptchaRouteMetadata, type ResolvedCaptchaModuleOptions } from './captcha.options.js';
import { decideAction } from './captcha.ledger.js';
import { captchaTargetOf, linkClientAbort, setCaptchaVerdict, setResponseHeaders } from './captcha.request.js';

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
 * Applied twice to one action (class and method, globally and per route) it decides once. One verdict
 * authorises one action: in a GraphQL request with several guarded fields (aliases, batched
 * operations, a guarded field under a list), the first field a ticket is accepted for uses it, and a
 * further field with the same ticket is refused with `captcha_single_use` (400) — unless every handler
 * involved allows more with `@RequireCaptcha({ fieldsPerVerdict })`. A field whose getters read
 * another ticket (from its arguments) is verified on its own: a verdict for one ticket never answers
 * for another.
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

    const skip = route?.skip ?? this.options.skip;
    if (skip === true || (typeof skip === 'function' && (await skip(request, context)) === true)) return true;

    const getTicket = route?.getTicket ?? this.options.getTicket;
    const getRandstr = route?.getRandstr ?? this.options.getRandstr;
    const getUserIp = route?.getUserIp ?? this.options.getUserIp;
    // Named in core's warning when the IP is missing or invalid.
    const ipSource = getUserIp === defaultGetUserIp ? 'request.ip' : route?.getUserIp ? 'getUserIp (route)' : 'getUserIp';
    const mode = route?.mode ?? this.options.mode;
    const budgetScope = route?.budgetScope ?? this.options.budgetScope ?? defaultBudgetScope(context);
    const maxEvilLevel = route?.maxEvilLevel ?? this.options.maxEvilLevel;
    const maxScore = route?.maxScore ?? this.options.maxScore;

    const verdict = await decideAction({
      context,
      request,
      policy: `${mode ?? ''} ${budgetScope} ${maxEvilLevel ?? ''} ${maxScore ?? ''}`,
      fieldsPerVerdict: route?.fieldsPerVerdict ?? 1,
      read: () => Promise.all([getTicket(request, context), getRandstr(request, context), getUserIp(request, context)]),
      verify: async ([ticket, randstr, userIp]) => {
        const { signal, unlink } = linkClientAbort(response);
        try {
          // `traceHeaders`: with OpenTelemetry tracing on, the verification span joins the request's trace.
          const traceHeaders = (request as { headers?: VerifyOptions['traceHeaders'] }).headers;
          const verifyOptions: VerifyOptions = { signal, budgetScope, traceHeaders, userIpSource: ipSource };
          if (mode !== undefined) verifyOptions.mode = mode;
          if (maxEvilLevel !== undefined) verifyOptions.maxEvilLevel = maxEvilLevel;
          if (maxScore !== undefined) verifyOptions.maxScore = maxScore;
          // Rejects only with the abort reason (a CaptchaClientClosedException, let through untouched) or
          // a configuration error.
          return await this.verifier.verify({ ticket, randstr, userIp }, verifyOptions);
        } finally {
          unlink();
        }
      },
    });
    setCaptchaVerdict(request, verdict);
    return this.decide(verdict, response);
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
