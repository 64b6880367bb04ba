/**
 * `CaptchaModule`, built with Nest's `ConfigurableModuleBuilder`: `forRoot`, `forRootAsync`, `isGlobal`,
 * and `globalGuard` to guard every route.
 */
import {
  ConfigurableModuleBuilder,
  Inject,
  Logger,
  Module,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { APP_GUARD, HttpAdapterHost } from '@nestjs/core';
import { createCaptchaVerifier, rateLimitedLogger, type CaptchaLogger, type CaptchaVerifier } from '@tencent-captcha/core';
import { CAPTCHA_MODULE_OPTIONS, CAPTCHA_RESOLVED_OPTIONS, CAPTCHA_VERIFIER } from './captcha.constants.js';
import { CaptchaGuard } from './captcha.guard.js';
import { trustAllProxiesWarning } from './captcha.proxy.js';
import {
  resolveCaptchaModuleOptions,
  type CaptchaModuleExtras,
  type CaptchaModuleOptions,
} from './captcha.options.js';

/** HTTP platform instances whose proxy trust was already checked (one warning per app). */
const checkedPlatforms = new WeakSet<object>();

/** Verifiers this module created (and so closes); a verifier handed in belongs to the caller. */
const ownedVerifiers = new WeakSet<CaptchaVerifier>();

function isVerifier(value: unknown): value is CaptchaVerifier {
  return typeof value === 'object' && value !== null && typeof (value as CaptchaVerifier).verify === 'function';
}

/** The verifier's default logger, written through Nest's `Logger` (context `TencentCaptcha`). */
function nestCaptchaLogger(): CaptchaLogger {
  const logger = new Logger('TencentCaptcha');
  return rateLimitedLogger({ info: (line) => logger.log(line), warn: (line) => logger.warn(line), error: (line) => logger.error(line) });
}

/** @internal The `CAPTCHA_VERIFIER` factory: the given verifier, or one created (and validated) once. */
export function provideVerifier(options: CaptchaModuleOptions | undefined): CaptchaVerifier {
  const given = options?.verifier;
  if (isVerifier(given)) return given;
  // Without a logger of its own, the verifier's default warnings (rate-limited) go through Nest's Logger.
  const verifierOptions = given?.logger === undefined ? { ...given, logger: nestCaptchaLogger() } : given;
  // Throws core's CaptchaConfigError at startup for invalid options or missing credentials.
  const verifier = createCaptchaVerifier(verifierOptions);
  ownedVerifiers.add(verifier);
  return verifier;
}

const {
  ConfigurableModuleClass,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<CaptchaModuleOptions>({
  optionsInjectionToken: CAPTCHA_MODULE_OPTIONS,
  moduleName: 'Captcha',
})
  .setClassMethodName('forRoot')
  .setExtras<CaptchaModuleExtras>({ isGlobal: false, globalGuard: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal === true,
    providers: [
      ...(definition.providers ?? []),
      ...(extras.globalGuard === true ? [{ provide: APP_GUARD, useExisting: CaptchaGuard } satisfies Provider] : []),
    ],
  }))
  .build();

/** What `CaptchaModule.forRoot()` takes: {@link CaptchaModuleOptions} plus `isGlobal` and `globalGuard`. */
export type CaptchaModuleForRootOptions = typeof OPTIONS_TYPE;
/**
 * What `CaptchaModule.forRootAsync()` takes: `useFactory` + `inject` + `imports`, `useClass` or
 * `useExisting` (a class with `create(): CaptchaModuleOptions`), plus `isGlobal` and `globalGuard`.
 */
export type CaptchaModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;

/**
 * Tencent Cloud Captcha for NestJS. Import it once with `forRoot()` or `forRootAsync()`; then put
 * `@RequireCaptcha()` on the routes (or controllers) to protect, or pass `globalGuard: true` to protect
 * every route except those with `@SkipCaptcha()`.
 *
 * Provides (and exports) `CaptchaGuard`, the verifier (`CAPTCHA_VERIFIER`) and the options
 * (`CAPTCHA_MODULE_OPTIONS`, `CAPTCHA_RESOLVED_OPTIONS`). Options are validated when the module is
 * created. A verifier the module created from options is closed on application shutdown.
 *
 * At application bootstrap it warns once, through Nest's `Logger`, when the HTTP platform trusts every
 * proxy hop (Express `trust proxy` or Fastify `trustProxy` set to `true`): the user IP is then the
 * client's own choice.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     CaptchaModule.forRootAsync({
 *       isGlobal: true,
 *       imports: [ConfigModule],
 *       inject: [ConfigService],
 *       useFactory: (config: ConfigService) => ({
 *         verifier: { captchaAppId: config.getOrThrow('CAPTCHA_APP_ID'), appSecretKey: config.getOrThrow('CAPTCHA_APP_SECRET_KEY') },
 *       }),
 *     }),
 *   ],
 * })
 * export class AppModule {}
 * ```
 */
@Module({
  providers: [
    { provide: CAPTCHA_RESOLVED_OPTIONS, useFactory: resolveCaptchaModuleOptions, inject: [CAPTCHA_MODULE_OPTIONS] },
    { provide: CAPTCHA_VERIFIER, useFactory: provideVerifier, inject: [CAPTCHA_MODULE_OPTIONS] },
    CaptchaGuard,
  ],
  exports: [CAPTCHA_MODULE_OPTIONS, CAPTCHA_RESOLVED_OPTIONS, CAPTCHA_VERIFIER, CaptchaGuard],
})
export class CaptchaModule extends ConfigurableModuleClass implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(CAPTCHA_VERIFIER) private readonly verifier: CaptchaVerifier,
    @Optional() private readonly httpAdapterHost?: HttpAdapterHost,
  ) {
    super();
  }

  /** Warns (once per app) when the HTTP platform trusts every hop of `X-Forwarded-For`. */
  onApplicationBootstrap(): void {
    const adapter = this.httpAdapterHost?.httpAdapter;
    const instance: unknown = adapter?.getInstance?.();
    if (typeof instance !== 'object' && typeof instance !== 'function') return;
    if (instance === null || checkedPlatforms.has(instance)) return;
    checkedPlatforms.add(instance);
    const warning = trustAllProxiesWarning(adapter);
    if (warning !== undefined) new Logger('CaptchaModule').warn(warning);
  }

  /** Closes the verifier's pooled connections if this module created the verifier. */
  async onApplicationShutdown(): Promise<void> {
    if (ownedVerifiers.has(this.verifier)) {
      ownedVerifiers.delete(this.verifier);
      await this.verifier.close();
    }
  }
}
