/**
 * The Nest demo server: the demo's page on NestJS (Express platform), `POST /login` guarded by
 * `@RequireCaptcha()` of `@tencent-captcha/nestjs`. Embedded emulator by default; real Tencent when its
 * credentials are in the environment.
 */
import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { createCaptchaVerifier, type CaptchaVerifier } from '@tencent-captcha/core';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import {
  DEMO_PUBLIC_DIR,
  detectBackend,
  isEmulatorControlPath,
  isEmulatorPath,
  isLoopbackAddress,
  loadDemoPage,
  proxyToEmulator,
  type DemoBackend,
  type DemoServerOptions,
} from '@tencent-captcha/demo';
import { DemoAppModule } from './app.module.js';
import { CaptchaVerdictFilter } from './captcha-verdict.filter.js';
import type { NestDemoState } from './demo.state.js';

/**
 * Options of {@link createNestDemoServer}: the Koa demo's, except that the page is always the demo's
 * built one. `port` defaults to 3001 here.
 */
export type NestDemoServerOptions = Omit<DemoServerOptions, 'publicDir'>;

/** A running Nest demo. */
export interface NestDemoServer {
  readonly url: string;
  readonly port: number;
  readonly backend: DemoBackend;
  readonly emulator: Emulator | undefined;
  readonly verifier: CaptchaVerifier;
  readonly appId: string;
  close(): Promise<void>;
}

/** Starts the Nest demo. Resolves once it listens. */
export async function createNestDemoServer(options: NestDemoServerOptions = {}): Promise<NestDemoServer> {
  const env = options.env ?? process.env;
  const backend: DemoBackend = options.emulator ? 'emulator' : (options.backend ?? detectBackend(env));
  const log = options.log ?? (() => {});
  const page = await loadDemoPage(DEMO_PUBLIC_DIR);
  const ownsEmulator = backend === 'emulator' && !options.emulator;
  const emulator = backend === 'emulator' ? (options.emulator ?? (await createEmulator({ port: 0 }))) : undefined;

  const real = emulator
    ? createCaptchaVerifier({
        ...options.verifier,
        endpoint: emulator.apiUrl,
        captchaAppId: emulator.appId,
        appSecretKey: emulator.appSecretKey,
        secretId: emulator.secretId,
        secretKey: emulator.secretKey,
      })
    : createCaptchaVerifier({ ...options.verifier, env });

  const state: NestDemoState = {
    backend,
    appId: emulator ? emulator.appId : String(real.options.captchaAppId),
    mode: options.mode ?? 'adaptive',
    loadTimeoutMs: options.loadTimeoutMs ?? 5000,
    emulatorEnabled: emulator !== undefined,
    page,
    // The page's mode switch applies to the next login: the guard's verifier passes the current mode.
    verifier: {
      verify: (input, verifyOptions) => real.verify(input, { ...verifyOptions, mode: state.mode }),
      get breakerState() {
        return real.breakerState;
      },
      get options() {
        return real.options;
      },
      check: (checkOptions) => real.check(checkOptions),
      close: () => real.close(),
    },
    log,
  };

  const app = await NestFactory.create(DemoAppModule.register(state), new ExpressAdapter(), { logger: false, abortOnError: false });
  app.useGlobalFilters(new CaptchaVerdictFilter(log));
  await app.init();
  const express = app.getHttpAdapter().getInstance() as (req: unknown, res: unknown) => void;

  const server = createServer((req, res) => {
    if (emulator && isEmulatorPath(req.url)) {
      // The emulator's control endpoint (faults, tickets) answers this machine only, by the socket's
      // address (never X-Forwarded-For); the SDK's paths stand in for Tencent's public servers.
      if (isEmulatorControlPath(req.url) && !isLoopbackAddress(req.socket.remoteAddress)) {
        res.writeHead(403, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ code: 'forbidden', message: 'The emulator’s control endpoint answers this machine only.' }));
        return;
      }
      proxyToEmulator(emulator, req, res);
      return;
    }
    const path = (req.url ?? '/').split('?')[0] as string;
    if (req.method === 'GET' && path !== '/' && !path.startsWith('/api/')) {
      void page.file(path).then((file) => {
        if (!file) return express(req, res);
        res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
        res.end(file.body);
      });
      return;
    }
    express(req, res);
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3001, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await app.close();
    await real.close();
    if (ownsEmulator) await emulator?.close();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    backend,
    emulator,
    verifier: real,
    appId: state.appId,
    close() {
      closing ??= (async () => {
        await new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        });
        await app.close();
        await real.close();
        if (ownsEmulator) await emulator?.close();
      })();
      return closing;
    },
  };
}
