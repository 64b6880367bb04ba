/**
 * The SDK host: the `TencentCaptcha` scripts (`/TCaptcha.js`, `/TJCaptcha.js` and the
 * international names) and the endpoints the script calls on its own origin:
 *
 * - `POST /__emulator/sdk/construct` — consulted (synchronously) by `new TencentCaptcha()`, so a
 *   `constructor-throw` fault set after the script loaded still applies;
 * - `POST /__emulator/sdk/show` — consulted (synchronously) by `show()`: applies `show-throw`,
 *   `error-code`, `user-close`, `challenge-hang` (answering its timings, scaled), checks the app id
 *   and `aidEncrypted`, and opens a challenge;
 * - `POST /__emulator/sdk/verify` — checks an answer and issues a real ticket;
 * - `POST /__emulator/sdk/refresh` — a new gap position (the refresh button, `refresh()`);
 * - `POST /__emulator/sdk/legacy-show` — opens a challenge for the legacy `capInit` script;
 * - `GET /__emulator/sdk/stage.js` — the hanging second stage of `challenge-hang`: never answered.
 *
 * Bodies are JSON sent as `text/plain` so that browsers need no preflight.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ClientErrorCode } from '@tencent-captcha/protocol';
import { verifyAidEncrypted } from './aid-encrypted.js';
import type { EmulatorContext } from './context.js';
import { SDK_FRAME_RETRY_MS, SDK_SHOW_TIMEOUT_MS, type SdkFault } from './faults.js';
import { readJsonBody } from './control.js';
import { send, sendJson } from './http.js';
import { BrowserAsset, renderBrowserAsset } from './sdk-assets.js';

/** The script paths the SDK host serves, with the disaster-ticket prefix each SDK generation uses. */
export const SDK_SCRIPTS = {
  '/TCaptcha.js': { prefix: 'terror_' },
  '/TJCaptcha.js': { prefix: 'trerror_' },
  '/TCaptcha-global.js': { prefix: 'terror_' },
  '/TJNCaptcha-global.js': { prefix: 'trerror_' },
} as const;

/** How close (in slider units of 0–100) an answer must be to the target. */
export const CHALLENGE_TOLERANCE = 4;
const SESSION_LIFETIME_MS = 10 * 60_000;
const MAX_SESSIONS = 10_000;

/** The boot object the server writes into the SDK bundle. @internal */
export interface SdkBoot {
  /** The emulator origin (fallback when `document.currentScript` is unavailable). */
  origin: string;
  /** Which script path was requested, e.g. `/TJCaptcha.js`. */
  script: string;
  prefix: 'terror_' | 'trerror_';
  tolerance: number;
}

/** The show endpoint's answer. @internal */
export type ShowAnswer =
  | { action: 'throw'; message: string }
  | { action: 'error'; errorCode: number; errorMessage?: string }
  | { action: 'close' }
  | { action: 'hang'; showTimeoutMs: number; frameRetryMs: number }
  | { action: 'challenge'; sid: string; target: number };

interface Session {
  /** `legacy` sessions issue legacy (`003`) tickets. */
  kind: 'modern' | 'legacy';
  appId: string;
  target: number;
  fetchedAt: number;
  createdAt: number;
}

const JS = { 'content-type': 'application/javascript; charset=utf-8', 'cache-control': 'no-store' };

const newTarget = (): number => randomInt(15, 86);
const newSid = (): string => randomBytes(12).toString('hex');

/**
 * Serves a browser script, applying the script faults (404, hang, latency, throw) first. `render`
 * returns the script, or `undefined` when the bundle has not been built. @internal
 */
export async function serveScriptWithFaults(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
  render: () => string | undefined,
  asset: BrowserAsset,
): Promise<string> {
  const fault: SdkFault | undefined = ctx.faults.takeSdk('script');
  if (fault?.kind === 'script-hang') {
    req.resume();
    ctx.hold(res);
    return 'fault script-hang';
  }
  if (fault?.kind === 'script-404') {
    send(res, 404, 'Not Found\n', { ...headers, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    return 'fault script-404';
  }
  if (fault?.kind === 'script-latency' && !(await ctx.delay(fault.ms))) return 'closed';
  if (fault?.kind === 'script-throw') {
    const message = fault.message ?? 'tencent-captcha emulator: this script throws (injected fault script-throw)';
    send(res, 200, `throw new Error(${JSON.stringify(message)});\n`, { ...headers, ...JS });
    return 'fault script-throw';
  }
  const text = render();
  if (text === undefined) {
    send(
      res,
      500,
      `throw new Error("@tencent-captcha/emulator: the browser scripts are not built (dist/browser/${asset} is missing). ` +
        'Run the build: pnpm --filter @tencent-captcha/emulator build");\n',
      { ...headers, ...JS },
    );
    return 'browser bundle missing: run the build';
  }
  send(res, 200, text, { ...headers, ...JS });
  return fault ? `served after fault ${fault.kind}` : 'served';
}

/** Creates the SDK routes of one emulator. @internal */
export function createSdkRoutes(ctx: EmulatorContext) {
  const sessions = new Map<string, Session>();

  function openSession(appId: string, kind: Session['kind'] = 'modern'): { sid: string; target: number } {
    const now = ctx.options.now();
    for (const [sid, s] of sessions) {
      if (sessions.size >= MAX_SESSIONS || s.createdAt + SESSION_LIFETIME_MS < now) sessions.delete(sid);
      else break;
    }
    const sid = newSid();
    const target = newTarget();
    sessions.set(sid, { kind, appId, target, fetchedAt: now, createdAt: now });
    return { sid, target };
  }

  async function serveScript(req: IncomingMessage, res: ServerResponse, path: keyof typeof SDK_SCRIPTS, headers: Record<string, string>): Promise<string> {
    const boot: SdkBoot = { origin: ctx.url(), script: path, prefix: SDK_SCRIPTS[path].prefix, tolerance: CHALLENGE_TOLERANCE };
    return serveScriptWithFaults(ctx, req, res, headers, () => renderBrowserAsset(BrowserAsset.Sdk, boot), BrowserAsset.Sdk);
  }

  function show(body: Record<string, unknown>): ShowAnswer {
    const fault = ctx.faults.takeSdk('show');
    if (fault?.kind === 'show-throw') return { action: 'throw', message: fault.message ?? 'tencent-captcha emulator: show() throws (injected fault show-throw)' };
    if (fault?.kind === 'error-code') {
      return fault.errorMessage === undefined ? { action: 'error', errorCode: fault.errorCode } : { action: 'error', errorCode: fault.errorCode, errorMessage: fault.errorMessage };
    }
    if (fault?.kind === 'user-close') return { action: 'close' };
    if (fault?.kind === 'challenge-hang') {
      const scale = fault.timeScale ?? 1;
      return { action: 'hang', showTimeoutMs: Math.round(SDK_SHOW_TIMEOUT_MS * scale), frameRetryMs: Math.round(SDK_FRAME_RETRY_MS * scale) };
    }
    const configError: ShowAnswer = { action: 'error', errorCode: ClientErrorCode.GetCaptchaConfigRequestError };
    const appId = typeof body.appid === 'string' ? body.appid : '';
    const secret = ctx.options.apps.get(appId);
    // Tencent cannot load the configuration of an unknown app (errorCode 1006).
    if (secret === undefined) return configError;
    const aid = body.aidEncrypted;
    if (aid !== undefined && aid !== null && aid !== '') {
      const check = verifyAidEncrypted({
        aidEncrypted: String(aid),
        type: typeof body.aidEncryptedType === 'string' ? body.aidEncryptedType : 'cbc',
        aad: typeof body.aidEncryptedAad === 'string' ? body.aidEncryptedAad : undefined,
        appId,
        appSecretKey: secret,
        now: Math.floor(ctx.options.signatureNow() / 1000),
      });
      if (!check.ok) return configError;
    } else if (ctx.options.requireAidEncrypted) {
      return configError;
    }
    return { action: 'challenge', ...openSession(appId) };
  }

  function verify(body: Record<string, unknown>): unknown {
    const sid = typeof body.sid === 'string' ? body.sid : '';
    const value = typeof body.value === 'number' && Number.isFinite(body.value) ? body.value : Number.NaN;
    const session = sessions.get(sid);
    const now = ctx.options.now();
    if (!session || session.createdAt + SESSION_LIFETIME_MS < now) {
      sessions.delete(sid);
      const reopened = reopen(body);
      return reopened ? { pass: false, reason: 'expired', ...reopened } : { pass: false, reason: 'expired' };
    }
    if (!(Math.abs(value - session.target) <= CHALLENGE_TOLERANCE)) {
      session.target = newTarget();
      return { pass: false, reason: 'wrong', sid, target: session.target };
    }
    sessions.delete(sid);
    if (session.kind === 'legacy') {
      const legacy = ctx.tickets.issueLegacy();
      return { pass: true, sid, ticket: legacy.ticket, randstr: legacy.randstr };
    }
    const issued = ctx.tickets.issue({ appId: session.appId, fetchedAt: session.fetchedAt });
    return { pass: true, sid, ticket: issued.ticket, randstr: issued.randstr };
  }

  /** A new session for a client whose session expired. */
  function reopen(body: Record<string, unknown>): { sid: string; target: number } | undefined {
    if (body.legacy === true) return openSession(ctx.options.appId, 'legacy');
    const appId = typeof body.appid === 'string' ? body.appid : '';
    return ctx.options.apps.has(appId) ? openSession(appId) : undefined;
  }

  function refresh(body: Record<string, unknown>): unknown {
    const sid = typeof body.sid === 'string' ? body.sid : '';
    const session = sessions.get(sid);
    if (session && session.createdAt + SESSION_LIFETIME_MS >= ctx.options.now()) {
      session.target = newTarget();
      return { sid, target: session.target };
    }
    sessions.delete(sid);
    return reopen(body) ?? {};
  }

  return {
    /** Handles the script paths and `/__emulator/sdk/*`; returns `undefined` for other paths. */
    async handle(req: IncomingMessage, res: ServerResponse, url: URL, headers: Record<string, string>): Promise<string | undefined> {
      const method = req.method ?? 'GET';
      if (Object.hasOwn(SDK_SCRIPTS, url.pathname)) {
        if (method !== 'GET') {
          sendJson(res, 405, { code: 'method_not_allowed', message: 'Use GET.' }, { ...headers, allow: 'GET' });
          return 'method not allowed';
        }
        return serveScript(req, res, url.pathname as keyof typeof SDK_SCRIPTS, headers);
      }
      if (url.pathname === '/__emulator/sdk/stage.js') {
        // The second stage's frame script under `challenge-hang`: requested, never answered, like
        // Tencent's CDN when it hangs (it holds back a page's `load` if requested before it).
        req.resume();
        ctx.hold(res);
        return 'second stage hangs';
      }
      const action = /^\/__emulator\/sdk\/(construct|show|verify|refresh|legacy-show)$/.exec(url.pathname)?.[1];
      if (!action) return undefined;
      if (method !== 'POST') {
        sendJson(res, 405, { code: 'method_not_allowed', message: 'Use POST.' }, { ...headers, allow: 'POST' });
        return 'method not allowed';
      }
      const body = await readJsonBody(req, res, headers);
      if (!body) return 'bad body';
      const input = typeof body.value === 'object' && body.value !== null ? (body.value as Record<string, unknown>) : {};
      let answer: unknown;
      if (action === 'construct') {
        const fault = ctx.faults.takeSdk('construct');
        answer =
          fault?.kind === 'constructor-throw'
            ? { action: 'throw', message: fault.message ?? 'tencent-captcha emulator: the constructor throws (injected fault constructor-throw)' }
            : { action: 'none' };
      } else if (action === 'show') {
        answer = show(input);
      } else if (action === 'refresh') {
        answer = refresh(input);
      } else if (action === 'legacy-show') {
        answer = openSession(ctx.options.appId, 'legacy');
      } else {
        answer = verify(input);
      }
      sendJson(res, 200, answer, headers);
      return `sdk ${action}: ${JSON.stringify(answer).slice(0, 80).replace(/"ticket":"[^"]*"/, '"ticket":"…"')}`;
    },
  };
}
