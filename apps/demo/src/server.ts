/**
 * The demo server: a Koa app with a login page guarded by `<tencent-captcha>` in the browser and
 * `@tencent-captcha/koa` on the server. By default it runs on an embedded emulator (no Tencent account,
 * no network); with Tencent credentials in the environment it verifies against the real service.
 *
 * In emulator mode the emulator's browser-facing paths (`/TCaptcha.js`, `/__emulator/…`) are proxied
 * through the demo's own origin, so the page needs one port only (also behind a port forward) and the
 * fault panel talks to the emulator's control endpoint without crossing origins.
 *
 * `/legacy` is the same page on the legacy 天御 captcha (seed `003`): the server fetches a one-time
 * script URL per view (`getScriptUrl`, `CaptchaIframeQuery`), the element runs its legacy driver, and
 * the same Koa middleware with `createLegacyCaptchaVerifier` guards `POST /legacy`. The drill panel's
 * API faults apply to it too (the emulator applies them to `/v2/index.php`).
 *
 * The drill controls (`PUT /api/mode` and the emulator's control endpoint) answer loopback clients
 * only — by socket address, never `X-Forwarded-For` — and in real-Tencent mode they do not exist: a
 * visitor must not be able to switch a public demo's policy to `open` or issue tickets. The operator's
 * view (`/metrics`, `/api/live`, the breaker in `/api/state`, the whole verdict in login answers) is
 * for loopback clients too: the breaker's state tells an attacker when an attack opened it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { Router } from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import {
  CaptchaMode,
  createCaptchaVerifier,
  createLegacyCaptchaVerifier,
  httpResponseForVerdict,
  LegacyScriptUrlError,
  type LegacyCaptchaVerifier,
  type CaptchaVerdict,
  type CaptchaVerifier,
} from '@tencent-captcha/core';
import { isCaptchaHttpError, tencentCaptcha } from '@tencent-captcha/koa';
import { createEmulator } from '@tencent-captcha/emulator';
import { loginAnswerDetails } from './summary.js';
import { detectBackend, type DemoBackend, type DemoServer, type DemoServerOptions } from './server-options.js';
import { createDemoMetrics } from './metrics.js';
import { DEMO_PUBLIC_DIR, loadDemoPage } from './assets.js';
import { EMULATOR_SDK_PATH, isEmulatorControlPath, isEmulatorPath, isLoopbackAddress, proxyToEmulator } from './emulator-proxy.js';

const MODES: readonly string[] = Object.values(CaptchaMode);
/** The legacy page's `src` when no script URL could be fetched (answers 503, so the element falls back). */
const LEGACY_SCRIPT_UNAVAILABLE = '/legacy-script-unavailable.js';
/**
 * Starts the demo: the Koa app, and the embedded emulator unless one is given or Tencent credentials
 * are set. Resolves once it listens.
 *
 * @example
 * ```ts
 * const demo = await createDemoServer({ port: 0 });
 * console.log(demo.url, demo.backend);
 * await demo.close();
 * ```
 */
export async function createDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const env = options.env ?? process.env;
  const backend: DemoBackend = options.emulator ? 'emulator' : (options.backend ?? detectBackend(env));
  let mode: CaptchaMode = options.mode ?? 'adaptive';
  if (!MODES.includes(mode)) throw new TypeError(`mode must be one of ${MODES.join(', ')}`);
  const log = options.log ?? (() => {});
  const loadTimeoutMs = options.loadTimeoutMs ?? 5000;
  const assets = await loadDemoPage(options.publicDir ?? DEMO_PUBLIC_DIR);

  const ownsEmulator = backend === 'emulator' && !options.emulator;
  const emulator = backend === 'emulator' ? (options.emulator ?? (await createEmulator({ port: 0 }))) : undefined;

  // The verifiers' OpenTelemetry metrics: /metrics for Prometheus, /api/live for the page's panel.
  const metrics = createDemoMetrics();
  const telemetry = options.verifier?.telemetry ?? { meterProvider: metrics.meterProvider };
  let verifier: CaptchaVerifier;
  let legacyVerifier: LegacyCaptchaVerifier;
  try {
    verifier = emulator
      ? createCaptchaVerifier({
          ...options.verifier,
          telemetry,
          endpoint: emulator.apiUrl,
          captchaAppId: emulator.appId,
          appSecretKey: emulator.appSecretKey,
          secretId: emulator.secretId,
          secretKey: emulator.secretKey,
        })
      : createCaptchaVerifier({ ...options.verifier, telemetry, env });
    try {
      legacyVerifier = emulator
        ? createLegacyCaptchaVerifier({
            ...options.verifier,
            telemetry,
            endpoint: emulator.legacyApiUrl,
            captchaAppId: emulator.appId,
            secretId: emulator.secretId,
            secretKey: emulator.secretKey,
          })
        : createLegacyCaptchaVerifier({ ...options.verifier, telemetry, env });
    } catch (error) {
      await verifier.close();
      throw error;
    }
  } catch (error) {
    await metrics.close();
    if (ownsEmulator) await emulator?.close();
    throw error;
  }
  const appId = emulator ? emulator.appId : String(verifier.options.captchaAppId);

  // The drill panel's fault switches, for the visitors allowed to use them (loopback, emulator mode).
  const faultsUrlFor = (remoteAddress: string | undefined): string | null =>
    emulator && isLoopbackAddress(remoteAddress) ? '/__emulator/faults' : null;

  // The operator's panel (metrics, breaker) likewise: for the machine running the demo only.
  const liveUrlFor = (remoteAddress: string | undefined): string | undefined => (isLoopbackAddress(remoteAddress) ? '/api/live' : undefined);

  const page = (remoteAddress: string | undefined): string =>
    assets.render({
      backend,
      appId,
      mode,
      sdkSrc: emulator ? EMULATOR_SDK_PATH : undefined,
      faultsUrl: faultsUrlFor(remoteAddress),
      liveUrl: liveUrlFor(remoteAddress),
      loadTimeoutMs,
      serverLabel: '@tencent-captcha/koa',
      serverNote: 'The Koa middleware tencentCaptcha() guards POST /login and puts the verdict on ctx.state.captcha.',
    });

  /**
   * The legacy page's script URL, fetched per view (it loads once). The emulator's is served through
   * the demo's origin like the modern SDK. When Tencent cannot give one, the element gets a URL that
   * fails, so it falls back to a disaster ticket and the policy decides at login.
   */
  const legacyScriptSrc = async (request: { userAgent: string; userIp: string | undefined; https: boolean }): Promise<string> => {
    try {
      // A PC or a mobile script by user agent; its URL says which, and the element follows it.
      const url = await legacyVerifier.getScriptUrl({ userAgent: request.userAgent, userIp: request.userIp ?? '127.0.0.1', https: request.https });
      return emulator && url.startsWith(`${emulator.url}/`) ? url.slice(emulator.url.length) : url;
    } catch (error) {
      if (!(error instanceof LegacyScriptUrlError)) throw error;
      log(`GET /legacy: no script URL (${error.code}); the element will fall back`);
      return LEGACY_SCRIPT_UNAVAILABLE;
    }
  };

  const app = new Koa({ proxy: false });
  const router = new Router();

  // Refusals of the captcha middleware (respond: false) carry the verdict: show it to the visitor.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (!isCaptchaHttpError(error)) throw error;
      ctx.status = error.status;
      ctx.set(error.headers);
      const operator = isLoopbackAddress(ctx.req.socket.remoteAddress);
      ctx.body = { ok: false, code: error.code, message: error.message, ...loginAnswerDetails(error.verdict, error.status, { operator }) };
      log(`POST ${ctx.path} → ${error.status} ${error.verdict.status} (${error.verdict.reason}, mode ${error.verdict.mode}, ${error.verdict.latencyMs} ms)`);
    }
  });
  app.use(async (ctx, next) => {
    ctx.set('x-content-type-options', 'nosniff');
    ctx.set('referrer-policy', 'no-referrer');
    await next();
  });

  router.get('/', (ctx) => {
    ctx.type = 'html';
    ctx.set('cache-control', 'no-store');
    ctx.body = page(ctx.req.socket.remoteAddress);
  });

  router.get('/legacy', async (ctx) => {
    const sdkSrc = await legacyScriptSrc({ userAgent: ctx.get('user-agent'), userIp: ctx.req.socket.remoteAddress, https: ctx.protocol === 'https' });
    ctx.type = 'html';
    ctx.set('cache-control', 'no-store');
    ctx.body = assets.render({
      backend,
      appId,
      mode,
      sdkSrc,
      driver: 'legacy',
      loginPath: '/legacy',
      faultsUrl: faultsUrlFor(ctx.req.socket.remoteAddress),
      liveUrl: liveUrlFor(ctx.req.socket.remoteAddress),
      loadTimeoutMs,
      serverLabel: '@tencent-captcha/koa (legacy capInit API)',
      serverNote:
        'This is the legacy (capInit) variant: the server fetched a one-time script URL for this view (CaptchaIframeQuery), and the same Koa middleware with createLegacyCaptchaVerifier guards POST /legacy (CaptchaCheck).',
    });
  });

  // Stands in for a script URL Tencent could not give: fails to load, so the element falls back.
  router.get(LEGACY_SCRIPT_UNAVAILABLE, (ctx) => {
    ctx.status = 503;
    ctx.type = 'application/javascript';
    ctx.set('cache-control', 'no-store');
    ctx.body = '/* no legacy captcha script URL could be fetched for this page view */\n';
  });

  // Public: what the page already says (backend, app id, mode); the breaker only for this machine.
  router.get('/api/state', (ctx) => {
    ctx.set('cache-control', 'no-store');
    const remote = ctx.req.socket.remoteAddress;
    const breaker = isLoopbackAddress(remote) ? { breaker: verifier.breakerState } : {};
    ctx.body = { backend, appId, mode, ...breaker, faultsUrl: faultsUrlFor(remote) };
  });

  // The operator's view for the page's live panel: verdicts of the last minute and the breaker.
  router.get('/api/live', async (ctx) => {
    ctx.set('cache-control', 'no-store');
    if (!isLoopbackAddress(ctx.req.socket.remoteAddress)) {
      ctx.status = 403;
      ctx.body = { code: 'forbidden', message: 'The operator’s view answers this machine only.' };
      return;
    }
    ctx.body = { ...(await metrics.live()), breaker: verifier.breakerState };
  });

  // Switching the policy mode is a drill for the person running the demo: emulator mode and
  // loopback clients only (the socket's address; the app does not trust X-Forwarded-For).
  if (emulator) router.put('/api/mode', (ctx) => {
    if (!isLoopbackAddress(ctx.req.socket.remoteAddress)) {
      ctx.status = 403;
      ctx.body = { code: 'forbidden', message: 'The policy mode can only be switched from this machine.' };
      return;
    }
    const next = (ctx.request.body as { mode?: unknown } | undefined)?.mode;
    if (typeof next !== 'string' || !MODES.includes(next)) {
      ctx.status = 400;
      ctx.body = { code: 'invalid_mode', message: `mode must be one of ${MODES.join(', ')}.` };
      return;
    }
    mode = next as CaptchaMode;
    log(`policy mode → ${mode}`);
    ctx.body = { mode };
  });

  /** The handler after the middleware: a welcome, and the verdict for the machine running the demo. */
  const welcome = (path: string) => (ctx: Koa.Context) => {
    const verdict = ctx.state.captcha as CaptchaVerdict;
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const user = typeof body.username === 'string' && body.username.trim() !== '' ? body.username.trim().slice(0, 64) : 'guest';
    const status = httpResponseForVerdict(verdict).status;
    log(`POST ${path} → ${status} ${verdict.status}${verdict.status === 'degraded' ? ' accepted' : ''} (${verdict.reason}, mode ${verdict.mode}, ${verdict.latencyMs} ms)`);
    ctx.body = { ok: true, user, ...loginAnswerDetails(verdict, status, { user, operator: isLoopbackAddress(ctx.req.socket.remoteAddress) }) };
  };
  router.post('/login', tencentCaptcha({ verifier, mode: () => mode, respond: false }), welcome('/login'));
  router.post('/legacy', tencentCaptcha({ verifier: legacyVerifier, mode: () => mode, respond: false }), welcome('/legacy'));

  router.get(/^\/[a-z0-9-]+\.(?:js|css|png|svg|map)$/, async (ctx) => {
    const file = await assets.file(ctx.path);
    if (!file) return;
    ctx.type = file.type;
    ctx.set('cache-control', 'no-cache');
    ctx.body = file.body;
  });

  // One body parser for the app (JSON and urlencoded, small): the login form and the mode switch.
  // (At app level rather than per route: @koa/bodyparser's types resolve another @types/koa copy here.)
  app.use(bodyParser({ enableTypes: ['form', 'json'], formLimit: '16kb', jsonLimit: '16kb' }));
  app.use(router.routes()).use(router.allowedMethods());
  const koaHandler = app.callback();

  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
      if (isLoopbackAddress(req.socket.remoteAddress)) metrics.handle(req, res);
      else {
        res.writeHead(403, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ code: 'forbidden', message: 'The metrics answer this machine only.' }));
      }
      return;
    }
    if (emulator && isEmulatorPath(req.url)) {
      if (isEmulatorControlPath(req.url) && !isLoopbackAddress(req.socket.remoteAddress)) {
        res.writeHead(403, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ code: 'forbidden', message: 'The emulator’s control endpoint answers this machine only.' }));
        return;
      }
      if (req.url?.startsWith('/__emulator/faults') && req.method !== 'GET' && req.method !== 'OPTIONS') log(`fault switch: ${req.method} ${req.url}`);
      proxyToEmulator(emulator, req, res);
      return;
    }
    void koaHandler(req, res);
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 3000, host, () => {
        server.off('error', reject);
        resolveListen();
      });
    });
  } catch (error) {
    await verifier.close();
    await legacyVerifier.close();
    await metrics.close();
    if (ownsEmulator) await emulator?.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    host,
    backend,
    emulator,
    verifier,
    legacyVerifier,
    appId,
    get mode() {
      return mode;
    },
    set mode(next: CaptchaMode) {
      if (!MODES.includes(next)) throw new TypeError(`mode must be one of ${MODES.join(', ')}`);
      mode = next;
    },
    close() {
      closing ??= (async () => {
        await new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        });
        await verifier.close();
        await legacyVerifier.close();
        await metrics.close();
        if (ownsEmulator) await emulator?.close();
      })();
      return closing;
    },
  };
}

