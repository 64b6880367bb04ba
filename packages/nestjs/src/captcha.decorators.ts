/**
 * `@RequireCaptcha()`, `@SkipCaptcha()` and `@CaptchaVerdict()`.
 */
import { applyDecorators, createParamDecorator, SetMetadata, UseGuards, type ExecutionContext } from '@nestjs/common';
import type { CaptchaVerdict as Verdict } from '@tencent-captcha/core';
import { CAPTCHA_ROUTE_METADATA } from './captcha.constants.js';
import { CaptchaGuard } from './captcha.guard.js';
import { validateRequireCaptchaOptions, type CaptchaRouteMetadata, type RequireCaptchaOptions } from './captcha.options.js';
import { actionVerdictOf } from './captcha.ledger.js';

/**
 * Requires a verified (or policy-accepted) captcha for a route, or for every route of a controller — or
 * for a GraphQL resolver method or class (queries and mutations over HTTP).
 * Enough on its own: it applies `CaptchaGuard` with `@UseGuards()` (the guard needs `CaptchaModule`
 * imported in the controller's module, or registered with `isGlobal: true`).
 *
 * Options override the module's for this route; a method's `@RequireCaptcha()` replaces its class's
 * options as a whole (it does not merge with them), and a method's `@SkipCaptcha()` wins over its class's
 * `@RequireCaptcha()`. Options are validated here, when the class is defined. On GraphQL resolvers one
 * verdict authorises one field per request; `fieldsPerVerdict` allows more, for this handler only.
 *
 * @example
 * ```ts
 * @Post('login')
 * @RequireCaptcha({ mode: 'closed' }) // an outage answers 503 + Retry-After instead of letting bots in
 * login(@Body() body: LoginDto, @CaptchaVerdict() verdict: CaptchaVerdict) {}
 * ```
 */
export function RequireCaptcha(options?: RequireCaptchaOptions): MethodDecorator & ClassDecorator {
  const metadata: CaptchaRouteMetadata = Object.freeze({ ...validateRequireCaptchaOptions(options, '@RequireCaptcha() options') });
  return applyDecorators(SetMetadata(CAPTCHA_ROUTE_METADATA, metadata), UseGuards(CaptchaGuard));
}

const SKIP: CaptchaRouteMetadata = Object.freeze({ skip: true });

/**
 * Exempts a route (or a controller, a resolver method or class) from the captcha: a method of a
 * `@RequireCaptcha()` controller, or any handler when the module registers the guard globally
 * (`globalGuard: true`). Under a global guard, RPC and WebSocket handlers and GraphQL subscriptions over
 * WebSocket need it: the guard refuses them otherwise. A method's `@RequireCaptcha()` wins over its
 * class's `@SkipCaptcha()`.
 */
export function SkipCaptcha(): MethodDecorator & ClassDecorator {
  return SetMetadata(CAPTCHA_ROUTE_METADATA, SKIP);
}

/**
 * Injects the verdict `CaptchaGuard` reached for this request (`undefined` on a route the guard did
 * not verify), or one of its fields: `@CaptchaVerdict('status')`.
 *
 * @example
 * ```ts
 * @Post('comment')
 * @RequireCaptcha({ mode: 'open' })
 * comment(@CaptchaVerdict() verdict: CaptchaVerdict) {
 *   if (verdict.status === 'degraded') this.moderation.flag(); // accepted without Tencent's word
 * }
 * ```
 */
export const CaptchaVerdict: (field?: keyof Verdict) => ParameterDecorator = createParamDecorator(
  (field: keyof Verdict | undefined, context: ExecutionContext) => {
    const verdict = actionVerdictOf(context);
    return field === undefined ? verdict : verdict?.[field];
  },
);

/**
 * The verdict type (core's `CaptchaVerdict`), under the decorator's name so that one import serves
 * both: `@CaptchaVerdict() verdict: CaptchaVerdict`.
 */
export type CaptchaVerdict = Verdict;
