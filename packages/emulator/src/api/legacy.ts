/**
 * The legacy `003` (天御) API, protocol.md §4: `GET` (or form `POST`) `/v2/index.php` with the v2
 * HmacSHA1/HmacSHA256 signature (`Region` required, `SignatureMethod` honoured, a `Nonce` refused
 * when it comes again within the timestamp window), Actions `CaptchaIframeQuery` (answers a
 * single-use script URL) and `CaptchaCheck` (legacy tickets: 20 minutes, accepted twice; the answer
 * carries `is_right: 0` like the documented example, whatever the outcome — only `code` decides).
 * A temporary key (STS, metadata service) must send its `Token` parameter: code 4105
 * (`AuthFailure.TokenFailure`) when it is missing, wrong or expired.
 * Also serves that single-use script, `/legacy/TCapIframeApi.js?asig=…&clientype=1|2`, which defines
 * `capInit` & co. (a PC or a mobile script, as `clientType` asked), and its second stage,
 * `/legacy/TCapIframe.js`, which the script loads before it sets up (as Tencent's loads three from its
 * CDN). The API faults apply here as on `POST /`, answered in the legacy shape (`InternalError` → code
 * 6000, `RequestLimitExceeded` → 4400, CaptchaCode 26 → 6200, …); the SDK's script faults apply to
 * the script, `legacy-subscript-hang` / `legacy-subscript-error` to its second stage.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LegacyApi, buildV2StringToSign, signV2StringToSign, timingSafeEqualString, type V2SignatureMethod } from '@tencent-captcha/protocol';
import type { EmulatorContext } from '../context.js';
import type { ApiFault } from '../faults.js';
import { BodyTooLargeError, hostOf, readBody, send, sendJson, stripPort } from '../http.js';
import { BrowserAsset, renderBrowserAsset } from '../sdk-assets.js';
import { serveScriptWithFaults } from '../sdk-routes.js';
import { TOKEN_FAILURE } from '../temporary-keys.js';

/** A v2 answer: `code` 0 success, 4xxx request errors, 5100 verification failed. */
export interface LegacyAnswer {
  code: number;
  codeDesc: string;
  message: string;
  url?: string;
  /** CaptchaCheck only. Undocumented; the documented example shows 0 on a success (protocol.md §4.5). */
  is_right?: number;
}

const ASIG_LIFETIME_MS = 10 * 60_000;
/** Timestamps are accepted ±5 minutes, so a Nonce is remembered for the 10 minutes it could come back in. */
const NONCE_WINDOW_MS = 10 * 60_000;
const MAX_ENTRIES = 100_000;
const SCRIPT_PATH = '/legacy/TCapIframeApi.js';
/** The legacy script's second stage (Tencent's loader waits for `json2.js`, `TCapMsg.js`, `TCapIframe.js`). */
export const LEGACY_SUBSCRIPT_PATH = '/legacy/TCapIframe.js';

/** The boot object of the legacy script. @internal */
export interface LegacyBoot {
  origin: string;
  /** Which script `CaptchaIframeQuery` handed out: `pc` (`clientType` 2) or `mobile` (1). */
  clientType: 'pc' | 'mobile';
}

const fail = (code: number, codeDesc: string, message: string): LegacyAnswer => ({ code, codeDesc, message });

function prune(map: Map<string, number>, olderThan: number): void {
  for (const [key, at] of map) {
    if (map.size > MAX_ENTRIES || at < olderThan) map.delete(key);
    else break;
  }
}

/** The legacy `code` for an API 3.0 error code named in an `api-error` fault (or the number itself). */
function legacyCodeOf(code: string): number {
  if (code.startsWith('InternalError')) return 6000;
  if (code.startsWith('RequestLimitExceeded') || code === 'LimitExceeded') return 4400;
  if (code.startsWith('AuthFailure')) return 4100;
  if (code.startsWith('UnauthorizedOperation')) return 4101;
  if (code.startsWith('InvalidParameter') || code === 'MissingParameter') return 4000;
  return 6200;
}

/** Creates the legacy routes of one emulator. @internal */
export function createLegacyRoutes(ctx: EmulatorContext) {
  /** Script tokens handed out by CaptchaIframeQuery: asig → issue time and client type. Each loads once. */
  const asigs = new Map<string, number>();
  const clientTypes = new Map<string, LegacyBoot['clientType']>();
  /** Nonces seen recently (replay protection). */
  const nonces = new Map<string, number>();

  async function verifySignature(params: Record<string, string>, method: 'GET' | 'POST', host: string): Promise<LegacyAnswer | undefined> {
    for (const key of ['Action', 'Region', 'Timestamp', 'Nonce', 'SecretId', 'Signature'] as const) {
      if (!params[key]) return fail(4000, 'InvalidParameter', `Missing common parameter ${key}.`);
    }
    const signatureMethod = (params.SignatureMethod ?? 'HmacSHA1') as V2SignatureMethod;
    if (signatureMethod !== 'HmacSHA1' && signatureMethod !== 'HmacSHA256') {
      return fail(4000, 'InvalidParameter', 'SignatureMethod must be HmacSHA1 or HmacSHA256.');
    }
    const secretKey = params.SecretId === ctx.options.secretId ? ctx.options.secretKey : ctx.temporaryKeys.secretKeyOf(params.SecretId ?? '');
    if (secretKey === undefined) return fail(4104, 'SecretIdNotFound', 'The SecretId is not found.');
    const timestamp = /^\d{1,12}$/.test(params.Timestamp ?? '') ? Number(params.Timestamp) : Number.NaN;
    const nowMs = ctx.options.signatureNow();
    if (!Number.isFinite(timestamp) || Math.abs(nowMs / 1000 - timestamp) > 300) {
      return fail(4500, 'RequestExpired', 'Timestamp is more than 5 minutes away from the server time.');
    }
    const { Signature: signature, ...signed } = params;
    // A client pointed at the emulator may sign its host with or without the port, or Tencent's host.
    const hosts = [...new Set([host, stripPort(host), LegacyApi.host])];
    let valid = false;
    for (const h of hosts) {
      const expected = await signV2StringToSign(
        secretKey,
        buildV2StringToSign({ method, host: h, path: LegacyApi.path, params: signed }),
        signatureMethod,
      );
      if (timingSafeEqualString(expected, signature ?? '')) valid = true;
    }
    if (!valid) return fail(4100, 'AuthFailure', 'Signature verification failed.');
    // A temporary key's requests carry its `Token` (a signed parameter like any other).
    const tokenProblem = ctx.temporaryKeys.checkToken(params.SecretId ?? '', params.Token);
    if (tokenProblem) return fail(TOKEN_FAILURE.legacyCode, TOKEN_FAILURE.code, TOKEN_FAILURE.message(tokenProblem));
    if (!/^[1-9]\d{0,19}$/.test(params.Nonce ?? '')) return fail(4000, 'InvalidParameter', 'Nonce must be a positive integer.');
    prune(nonces, nowMs - NONCE_WINDOW_MS);
    // Within the window a Nonce is single use, whatever its Timestamp: otherwise a replay with a
    // re-signed timestamp (or two clients with a poor random source) would go unnoticed.
    const nonceKey = `${params.SecretId}:${params.Nonce}`;
    if (nonces.has(nonceKey)) return fail(4500, 'RequestReplayed', 'Nonce already used within the timestamp window.');
    nonces.set(nonceKey, nowMs);
    return undefined;
  }

  function missing(params: Record<string, string>, names: readonly string[]): LegacyAnswer | undefined {
    const absent = names.filter((n) => params[n] === undefined || params[n] === '');
    return absent.length ? fail(4000, 'InvalidParameter', `Missing parameter(s): ${absent.join(', ')}.`) : undefined;
  }

  function iframeQuery(params: Record<string, string>): LegacyAnswer {
    const problem = missing(params, ['captchaType', 'disturbLevel', 'isHttps', 'clientType']);
    if (problem) return problem;
    const now = ctx.options.now();
    prune(asigs, now - ASIG_LIFETIME_MS);
    for (const key of clientTypes.keys()) if (!asigs.has(key)) clientTypes.delete(key);
    const asig = randomBytes(24).toString('base64url');
    asigs.set(asig, now);
    clientTypes.set(asig, params.clientType === '1' ? 'mobile' : 'pc');
    const query = new URLSearchParams({ appid: ctx.options.appId, clientype: params.clientType ?? '2', lang: '2052', asig });
    return { code: 0, codeDesc: 'Success', message: 'No Error', url: `${ctx.url()}${SCRIPT_PATH}?${query}` };
  }

  function captchaCheck(params: Record<string, string>): LegacyAnswer {
    const problem = missing(params, ['ticket', 'captchaType', 'userIp']);
    if (problem) return problem;
    const result = ctx.tickets.verifyLegacy(params.ticket ?? '');
    if (result.pass) return { code: 0, codeDesc: 'Success', message: 'No Error', is_right: 0 };
    const why = { unknown: 'ticket invalid', expired: 'ticket expired', exhausted: 'ticket already verified twice', ok: '' }[result.reason];
    return { ...fail(LegacyApi.verifyFailedCode, 'CaptchaCheckFailed', `captcha verification failed: ${why}`), is_right: 0 };
  }

  /** Answers a request with an API fault, in the legacy shape. `true` when the fault answered (or swallowed) it. */
  async function applyFault(fault: ApiFault, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    switch (fault.kind) {
      case 'pass':
        return false;
      case 'latency':
        return !(await ctx.delay(fault.ms));
      case 'hang':
        req.resume();
        return true;
      case 'connection-reset':
        req.socket.resetAndDestroy();
        return true;
      default:
        break;
    }
    if (fault.delayMs && !(await ctx.delay(fault.delayMs))) return true;
    switch (fault.kind) {
      case 'http-error': {
        const status = fault.status ?? 502;
        send(res, status, `<html><head><title>${status}</title></head><body><h1>${status}</h1><hr>emulated gateway</body></html>\n`, {
          'content-type': 'text/html; charset=utf-8',
        });
        return true;
      }
      case 'malformed-json': {
        const whole = JSON.stringify({ code: 0, codeDesc: 'Success', message: 'No Error', is_right: 0 });
        send(res, 200, whole.slice(0, Math.floor(whole.length / 2)), { 'content-type': 'application/json' });
        return true;
      }
      case 'internal-error':
        sendJson(res, 200, fail(6000, 'InternalError', 'Internal error (injected fault).'));
        return true;
      case 'request-limit-exceeded':
        sendJson(res, 200, fail(4400, 'QuotaExceeded', 'Quota exceeded (injected fault).'));
        return true;
      case 'api-error':
        sendJson(res, 200, fail(legacyCodeOf(fault.code), fault.code, fault.message ?? `The emulator answered \`${fault.code}\` (injected fault).`));
        return true;
      case 'captcha-code': {
        // 26 `system busy` is the legacy API being temporarily unavailable; any other code a failed check.
        const code = fault.code ?? 26;
        sendJson(res, 200, code === 26 ? fail(6200, 'ApiUnavailable', 'API temporarily unavailable (injected fault).') : fail(LegacyApi.verifyFailedCode, 'CaptchaCheckFailed', `captcha verification failed (injected CaptchaCode ${code})`));
        return true;
      }
    }
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<string> {
    const fault = ctx.faults.takeApi();
    if (fault?.kind === 'hang' || fault?.kind === 'connection-reset') {
      await applyFault(fault, req, res);
      return `legacy fault ${fault.kind}`;
    }
    const method = req.method === 'POST' ? 'POST' : 'GET';
    const params: Record<string, string> = {};
    for (const [k, v] of url.searchParams) params[k] = v;
    if (method === 'POST') {
      let body: string;
      try {
        body = await readBody(req, 64 * 1024);
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) throw error;
        sendJson(res, 200, fail(4000, 'InvalidParameter', 'The request body is too large.'));
        return 'legacy 4000';
      }
      for (const [k, v] of new URLSearchParams(body)) params[k] = v;
    }
    if (fault && (await applyFault(fault, req, res))) return `legacy fault ${fault.kind}`;
    let answer = await verifySignature(params, method, hostOf(req, new URL(ctx.url()).host));
    if (!answer) {
      if (params.Action === 'CaptchaIframeQuery') answer = iframeQuery(params);
      else if (params.Action === 'CaptchaCheck') answer = captchaCheck(params);
      else answer = fail(4000, 'InvalidParameter', `Unknown Action ${String(params.Action).slice(0, 60)}.`);
    }
    sendJson(res, 200, answer);
    return `legacy ${params.Action ?? '?'} → ${answer.code}` + (fault ? ` (after fault ${fault.kind})` : '');
  }

  async function handleScript(req: IncomingMessage, res: ServerResponse, url: URL, headers: Record<string, string>): Promise<string> {
    const asig = url.searchParams.get('asig') ?? '';
    const issuedAt = asigs.get(asig);
    if (issuedAt === undefined || issuedAt + ASIG_LIFETIME_MS < ctx.options.now()) {
      send(res, 403, '/* this captcha script URL is invalid, expired or already used: call CaptchaIframeQuery again */\n', {
        ...headers,
        'content-type': 'application/javascript; charset=utf-8',
        'cache-control': 'no-store',
      });
      return 'legacy script refused';
    }
    // Spent only when the script is really served: a 404 or hang fault leaves the URL usable.
    const render = (): string | undefined => {
      const clientType = clientTypes.get(asig) ?? 'pc';
      if (!asigs.delete(asig)) return '/* this captcha script URL was already used */\n';
      clientTypes.delete(asig);
      const boot: LegacyBoot = { origin: ctx.url(), clientType };
      return renderBrowserAsset(BrowserAsset.Legacy, boot);
    };
    return serveScriptWithFaults(ctx, req, res, headers, render, BrowserAsset.Legacy);
  }

  /** The second stage: nothing in it matters but whether it loads; the legacy faults make it hang or fail. */
  function handleSubscript(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): string {
    const fault = ctx.faults.takeSdk('subscript');
    if (fault?.kind === 'legacy-subscript-hang') {
      req.resume();
      ctx.hold(res);
      return 'fault legacy-subscript-hang';
    }
    if (fault?.kind === 'legacy-subscript-error') {
      send(res, 404, 'Not Found\n', { ...headers, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      return 'fault legacy-subscript-error';
    }
    send(res, 200, '/* tencent-captcha emulator: the legacy script\'s second stage */\n', {
      ...headers,
      'content-type': 'application/javascript; charset=utf-8',
      'cache-control': 'no-store',
    });
    return 'served';
  }

  return {
    /** Handles `/v2/index.php`, the legacy script and its second stage; `undefined` for other paths. */
    async handle(req: IncomingMessage, res: ServerResponse, url: URL, headers: Record<string, string>): Promise<string | undefined> {
      if (url.pathname === LegacyApi.path) {
        if (req.method !== 'GET' && req.method !== 'POST') {
          sendJson(res, 405, { code: 'method_not_allowed', message: 'Use GET or POST.' }, { allow: 'GET, POST' });
          return 'method not allowed';
        }
        return handleApi(req, res, url);
      }
      if (url.pathname === SCRIPT_PATH) {
        if (req.method !== 'GET') {
          sendJson(res, 405, { code: 'method_not_allowed', message: 'Use GET.' }, { ...headers, allow: 'GET' });
          return 'method not allowed';
        }
        return handleScript(req, res, url, headers);
      }
      if (url.pathname === LEGACY_SUBSCRIPT_PATH) {
        if (req.method !== 'GET') {
          sendJson(res, 405, { code: 'method_not_allowed', message: 'Use GET.' }, { ...headers, allow: 'GET' });
          return 'method not allowed';
        }
        return handleSubscript(req, res, headers);
      }
      return undefined;
    },
  };
}
