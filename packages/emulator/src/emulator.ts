/**
 * `createEmulator`: one `node:http` server that stands in for both Tencent hosts — the SDK host
 * (`/TCaptcha.js`, …) and the API host (`POST /` DescribeCaptchaResult, `/v2/index.php`) — plus the
 * JSON control endpoint under `/__emulator`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApiRequest } from './api/api-route.js';
import { createLegacyRoutes } from './api/legacy.js';
import type { EmulatorContext } from './context.js';
import { handleControlRequest } from './control.js';
import { EmulatorError } from './errors.js';
import { ApiFaultKind, SdkFaultKind, createFaultQueues, type FaultController } from './faults.js';
import { corsHeaders, sendJson, send } from './http.js';
import { renderIndexPage } from './index-page.js';
import { checkLifetime, resolveOptions, type EmulatorOptions } from './options.js';
import { createSdkRoutes } from './sdk-routes.js';
import { createMetadataService } from './metadata.js';
import { createTemporaryKeyStore, type TemporaryKey } from './temporary-keys.js';
import { createTicketStore, type IssueTicketOptions, type IssuedTicket } from './tickets.js';

/** The SDK script URLs of an emulator, one per name Tencent serves. */
export interface EmulatorSdkUrls {
  /** `/TCaptcha.js` (1.0 SDK; disaster tickets `terror_…`). */
  TCaptcha: string;
  /** `/TJCaptcha.js` (2.0 SDK; disaster tickets `trerror_…`). */
  TJCaptcha: string;
  /** `/TCaptcha-global.js` (older international name). */
  TCaptchaGlobal: string;
  /** `/TJNCaptcha-global.js` (international). */
  TJNCaptchaGlobal: string;
}

/** Counters of the temporary-key services, for tests that bound how often a client asks. */
export interface TemporaryKeyStats {
  /** Requests to the metadata service (also those refused while it was down). */
  metadataRequests: number;
  /** Temporary keys issued (metadata service and STS). */
  issued: number;
}

/** The emulated CAM role: metadata service, STS, key lifetime. */
export interface EmulatorTemporaryKeys {
  /** The metadata service's base, for `fromCvmRole({ metadataUrl })` (`${url}/latest/meta-data/`). */
  readonly metadataUrl: string;
  /** The CVM instance's role name. */
  readonly cvmRoleName: string;
  /** The `RoleArn` STS accepts. */
  readonly roleArn: string;
  /** The OIDC `ProviderId` `AssumeRoleWithWebIdentity` accepts. */
  readonly oidcProviderId: string;
  /** The `WebIdentityToken` it accepts. */
  readonly webIdentityToken: string;
  /** Sets the lifetime of keys issued from now on, in seconds (fractions allowed; at most 43200). */
  setLifetime(seconds: number): void;
  /** Switches the metadata service on or off (off: its connections are reset). */
  setMetadataAvailable(available: boolean): void;
  /** Issues a temporary key directly (default: the current lifetime). */
  issue(lifetimeSeconds?: number): TemporaryKey;
  /** How often the services were asked. */
  stats(): TemporaryKeyStats;
}

/** A running emulator. Close it when done. */
export interface Emulator {
  /** Origin of both emulated hosts, e.g. `http://127.0.0.1:43210`. */
  readonly url: string;
  /** The SDK script to load in a page (`${url}/TCaptcha.js`). */
  readonly sdkUrl: string;
  /** Every SDK script name. */
  readonly sdkUrls: EmulatorSdkUrls;
  /** Where to `POST` DescribeCaptchaResult (`${url}/`): the `endpoint` for `@tencent-captcha/core`. */
  readonly apiUrl: string;
  /** `host:port`, for the official SDK's `profile.httpProfile.endpoint` (with `protocol: 'http://'`). */
  readonly apiEndpoint: string;
  /** The legacy v2 API (`${url}/v2/index.php`). */
  readonly legacyApiUrl: string;
  /** The JSON control endpoint (`${url}/__emulator`). */
  readonly controlUrl: string;
  /** The interface it listens on. */
  readonly host: string;
  /** The port it listens on. */
  readonly port: number;
  /** Accepted CaptchaAppId. */
  readonly appId: string;
  /** Accepted AppSecretKey. */
  readonly appSecretKey: string;
  /** Accepted API SecretId. */
  readonly secretId: string;
  /** Accepted API SecretKey. */
  readonly secretKey: string;
  /** Temporary keys: the CVM metadata service, STS, and the key lifetime. */
  readonly temporaryKeys: EmulatorTemporaryKeys;
  /** Fault switches (also over HTTP at `${controlUrl}/faults`). */
  readonly faults: FaultController;
  /** Issues a ticket exactly as a solved challenge would, without a browser. */
  issueTicket(options?: IssueTicketOptions): IssuedTicket;
  /**
   * Issues a legacy (`003`) ticket for `CaptchaCheck`: valid 20 minutes, accepted twice; with the
   * randstr the `capInit` callback carries (CaptchaCheck does not take it).
   */
  issueLegacyTicket(): { ticket: string; randstr: string };
  /** Stops listening, destroys open (also hung) connections, clears every timer. Idempotent. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts an emulator. Resolves once it listens.
 *
 * @example
 * ```ts
 * const emulator = await createEmulator({ port: 0 });
 * const { ticket, randstr } = emulator.issueTicket();
 * // … verify against emulator.apiUrl with emulator.secretId / secretKey …
 * await emulator.close();
 * ```
 */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const resolved = resolveOptions(options);
  const faults = createFaultQueues();
  const tickets = createTicketStore(resolved.now);
  const temporaryKeys = createTemporaryKeyStore(resolved.signatureNow, resolved.temporaryKeyLifetimeSeconds);
  const metadata = createMetadataService(resolved.cvmRoleName, temporaryKeys, resolved.signatureNow);
  const timers = new Map<NodeJS.Timeout, () => void>();
  let closed = false;
  let origin = '';

  const held = new Set<import('node:http').ServerResponse>();
  const ctx: EmulatorContext = {
    hold(res) {
      held.add(res);
      res.once('close', () => held.delete(res));
    },
    releaseHeld() {
      // An answer, not a reset: browsers retry a GET whose connection was reset (and would then
      // get the script, unfaulted), but take a 503 as the failed load it is.
      for (const res of held) if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('released\n');
      held.clear();
    },
    options: resolved,
    faults,
    tickets,
    temporaryKeys,
    url: () => origin,
    delay(ms) {
      if (closed) return Promise.resolve(false);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve(true);
        }, ms);
        timers.set(timer, () => resolve(false));
      });
    },
  };

  const issueTicket = (input: IssueTicketOptions = {}): IssuedTicket => {
    const appId = input.appId ?? resolved.appId;
    if (typeof appId !== 'string' || !/^[1-9]\d{0,19}$/.test(appId)) throw new EmulatorError('invalid_ticket_request', '`appId` must be digits, as a string');
    for (const key of ['evilLevel', 'score'] as const) {
      const v = input[key];
      if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 100)) throw new EmulatorError('invalid_ticket_request', `\`${key}\` must be an integer from 0 to 100`);
    }
    const issue: Parameters<typeof tickets.issue>[0] = { appId, evilLevel: input.evilLevel ?? 0 };
    if (input.score !== undefined) issue.score = input.score;
    return tickets.issue(issue);
  };

  const sdk = createSdkRoutes(ctx);
  const legacy = createLegacyRoutes(ctx);

  const info = (): unknown => ({
    name: '@tencent-captcha/emulator',
    url: origin,
    sdkUrl: `${origin}/TCaptcha.js`,
    sdkUrls: sdkUrls(),
    apiUrl: `${origin}/`,
    legacyApiUrl: `${origin}/v2/index.php`,
    controlUrl: `${origin}/__emulator`,
    metadataUrl: `${origin}/latest/meta-data/`,
    appId: resolved.appId,
    appIds: [...resolved.apps.keys()],
    faults: `${origin}/__emulator/faults`,
    // For fault panels: every kind each target accepts.
    faultKinds: { api: Object.values(ApiFaultKind), sdk: Object.values(SdkFaultKind) },
  });

  const sdkUrls = (): EmulatorSdkUrls => ({
    TCaptcha: `${origin}/TCaptcha.js`,
    TJCaptcha: `${origin}/TJCaptcha.js`,
    TCaptchaGlobal: `${origin}/TCaptcha-global.js`,
    TJNCaptchaGlobal: `${origin}/TJNCaptcha-global.js`,
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<string> {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const method = req.method ?? 'GET';
    const cors = corsHeaders(req);

    if (method === 'OPTIONS') {
      send(res, 204, '', cors);
      return 'preflight';
    }
    if (url.pathname === '/' && method === 'POST') return handleApiRequest(req, res, ctx);
    if (url.pathname === '/' && method === 'GET') {
      send(res, 200, renderIndexPage({ url: origin, appId: resolved.appId }), { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return 'index';
    }
    const metadataOutcome = metadata.handle(req, res, url);
    if (metadataOutcome !== undefined) return metadataOutcome;
    const sdkOutcome = await sdk.handle(req, res, url, cors);
    if (sdkOutcome !== undefined) return sdkOutcome;
    if (url.pathname.startsWith('/__emulator')) {
      const outcome = await handleControlRequest(req, res, url, { ...ctx, issueTicket, info }, cors);
      if (outcome !== undefined) return outcome;
    }
    const legacyOutcome = await legacy.handle(req, res, url, cors);
    if (legacyOutcome !== undefined) return legacyOutcome;
    if (url.pathname === '/favicon.ico') {
      send(res, 204, '');
      return 'favicon';
    }
    sendJson(res, 404, { code: 'not_found', message: `Nothing at ${method} ${url.pathname}.` }, cors);
    return 'not found';
  }

  const server = createServer((req, res) => {
    route(req, res).then(
      (outcome) => resolved.log(`${req.method} ${(req.url ?? '/').split('?')[0]} → ${outcome}`),
      (error: unknown) => {
        resolved.log(`${req.method} ${(req.url ?? '/').split('?')[0]} → error ${error instanceof Error ? error.message : String(error)}`);
        sendJson(res, 500, { code: 'internal_error', message: 'The emulator failed to answer this request.' });
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  origin = `http://${urlHost(resolved.host)}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      closed = true;
      for (const [timer, cancel] of timers) {
        clearTimeout(timer);
        cancel();
      }
      timers.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };

  return {
    url: origin,
    sdkUrl: `${origin}/TCaptcha.js`,
    sdkUrls: sdkUrls(),
    apiUrl: `${origin}/`,
    apiEndpoint: `${urlHost(resolved.host)}:${address.port}`,
    legacyApiUrl: `${origin}/v2/index.php`,
    controlUrl: `${origin}/__emulator`,
    host: resolved.host,
    port: address.port,
    appId: resolved.appId,
    appSecretKey: resolved.appSecretKey,
    secretId: resolved.secretId,
    secretKey: resolved.secretKey,
    temporaryKeys: {
      metadataUrl: `${origin}/latest/meta-data/`,
      cvmRoleName: resolved.cvmRoleName,
      roleArn: resolved.roleArn,
      oidcProviderId: resolved.oidcProviderId,
      webIdentityToken: resolved.webIdentityToken,
      setLifetime: (seconds) => {
        temporaryKeys.lifetimeSeconds = checkLifetime(seconds);
      },
      setMetadataAvailable: (available) => {
        metadata.available = available === true;
      },
      issue: (seconds) => temporaryKeys.issue(seconds === undefined ? undefined : checkLifetime(seconds)),
      stats: () => ({ metadataRequests: metadata.requests, issued: temporaryKeys.issued }),
    },
    faults: {
      set: (target, fault, opts) => faults.set(target, fault, opts),
      sequence: (target, steps) => faults.sequence(target, steps),
      clear: (target) => faults.clear(target),
      state: () => faults.state(),
    },
    issueTicket,
    issueLegacyTicket: () => {
      const { ticket, randstr } = tickets.issueLegacy();
      return { ticket, randstr };
    },
    close,
  };
}
