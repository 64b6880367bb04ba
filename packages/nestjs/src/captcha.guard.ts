/**
 * The guard: extract ticket, randstr and user IP → `verifier.verify` → map the verdict with core's
 * HTTP mapping. No verification logic and no status table live here.
 */
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { CaptchaVerdict, CaptchaVerifier } from '@tencent-captcha/core';
import { CAPTCHA_RESOLVED_OPTIONS, CAPTCHA_ROUTE_METADATA, CAPTCHA_VERIFIER } from './captcha.constants.js';
import { CaptchaException } from './captcha.exception.js';
import type { CaptchaHttpRequest, CaptchaRouteMetadata, ResolvedCaptchaModuleOptions } from './captcha.options.js';
import { getCaptchaVerdict, linkClientAbort, setCaptchaVerdict, setResponseHeaders } from './captcha.request.js';

/**
 * Verifies the Tencent Cloud Captcha ticket of an HTTP request.
 *
 * `@RequireCaptcha()` applies it (with `@UseGuards`); `CaptchaModule.forRoot({ globalGuard: true })`
 * registers it for every route. Used on its own (`@UseGuards(CaptchaGuard)`) it applies the module's
 * options. It reads the route's options from the handler and
 * then the controller class (`reflector.getAllAndOverride`), so a method's `@RequireCaptcha()` or
 * `@SkipCaptcha()` overrides its class's.
 *
 * An accepted verdict (verified, or degraded and accepted by the policy) lets the request through and
 * is available to the handler through `@CaptchaVerdict()`; a refused one throws {@link CaptchaException}.
 * If the client disconnects while the verifier waits for Tencent, the verification is aborted.
 *
 * Applied twice to one request (class and method, or globally and per route), it verifies once: a
 * Tencent ticket is single use.
 */
@Injectable()
export class CaptchaGuard implements CanActivate {
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
    if (context.getType() !== 'http') {
      // A global guard also sees RPC and WebSocket handlers of a hybrid app; only HTTP carries a captcha.
      if (route === undefined || route.skip === true) return true;
      throw new TypeError(`@RequireCaptcha() works on HTTP routes only, not on a '${context.getType()}' handler.`);
    }

    const http = context.switchToHttp();
    const request = http.getRequest<CaptchaHttpRequest>();
    const response: unknown = http.getResponse();

    const earlier = getCaptchaVerdict(request);
    if (earlier !== undefined) return this.decide(earlier, response);

    const skip = route?.skip ?? this.options.skip;
    if (skip === true || (typeof skip === 'function' && (await skip(request, context)) === true)) return true;

    const getTicket = route?.getTicket ?? this.options.getTicket;
    const getRandstr = route?.getRandstr ?? this.options.getRandstr;
    const getUserIp = route?.getUserIp ?? this.options.getUserIp;
    const [ticket, randstr, userIp] = await Promise.all([
      getTicket(request, context),
      getRandstr(request, context),
      getUserIp(request, context),
    ]);
    const mode = route?.mode ?? this.options.mode;

    const { signal, unlink } = linkClientAbort(response);
    let verdict: CaptchaVerdict;
    try {
      // Rejects only with the abort reason (a CaptchaClientClosedException, let through untouched) or
      // a configuration error.
      verdict = await this.verifier.verify({ ticket, randstr, userIp }, mode === undefined ? { signal } : { signal, mode });
    } finally {
      unlink();
    }
    setCaptchaVerdict(request, verdict);
    return this.decide(verdict, response);
  }

  private decide(verdict: CaptchaVerdict, response: unknown): true {
    if (verdict.accepted) return true;
    const exception = new CaptchaException(verdict);
    setResponseHeaders(response, exception.headers);
    throw exception;
  }
}
