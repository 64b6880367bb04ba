/**
 * Test helpers (not shipped): start a Nest app on Express or Fastify from a testing module (closed by
 * the caller), and verifier options pointing at an emulator.
 */
import 'reflect-metadata';
import type { CaptchaVerifierOptions } from '@tencent-captcha/core';
import type { Emulator } from '@tencent-captcha/emulator';
import type { INestApplication, LoggerService, ModuleMetadata } from '@nestjs/common';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';

/** The two HTTP platforms the adapter supports. */
export const PLATFORMS = ['express', 'fastify'] as const;
export type Platform = (typeof PLATFORMS)[number];

export interface StartAppOptions extends Pick<ModuleMetadata, 'imports' | 'controllers' | 'providers'> {
  /**
   * Trust `X-Forwarded-For`: Express `trust proxy`, Fastify `trustProxy` (`true` trusts every hop; a
   * number of hops, an address or a CIDR trusts that proxy). @default false
   */
  trustProxy?: boolean | number | string;
  /** Nest's logger for the app. @default false (silent) */
  logger?: LoggerService;
  /** Replace providers (`overrideProvider`). */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

/** Compiles a testing module and starts it on `platform`, initialised (not listening). */
export async function startApp(platform: Platform, options: StartAppOptions): Promise<INestApplication> {
  const builder = Test.createTestingModule({
    imports: options.imports ?? [],
    controllers: options.controllers ?? [],
    providers: options.providers ?? [],
  });
  const moduleRef = await (options.override ? options.override(builder) : builder).compile();
  const trustProxy = options.trustProxy ?? false;
  const logger = options.logger ?? false;
  if (platform === 'express') {
    const app = moduleRef.createNestApplication<NestExpressApplication>(new ExpressAdapter(), { logger });
    app.set('trust proxy', trustProxy);
    await app.init();
    return app;
  }
  if (typeof trustProxy === 'number') throw new TypeError('Fastify 5.12 has no hop counts: trust the proxy by address.');
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter({ trustProxy }), { logger });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/**
 * Verifier options for `emulator`, with budgets and breaker loose enough that one app can serve many
 * tests (each test that needs them tight says so).
 */
export function emulatorVerifierOptions(emulator: Emulator, overrides: CaptchaVerifierOptions = {}): CaptchaVerifierOptions {
  const { appId, appSecretKey, secretId, secretKey } = emulator;
  return {
    endpoint: emulator.apiUrl,
    captchaAppId: appId,
    appSecretKey,
    secretId,
    secretKey,
    // Never read the real environment in tests.
    env: {},
    retry: { delayMs: 0 },
    breaker: { failureThreshold: 10_000 },
    budgets: { perIp: 10_000, global: 10_000, outagePerIp: 10_000, outageGlobal: 10_000 },
    ...overrides,
  };
}
