/**
 * The legacy `003` (天御) API, protocol.md §4: `GET` (or form `POST`) `/v2/index.php` with the v2
 * HmacSHA1/HmacSHA256 signature, Actions `CaptchaIframeQuery` (answers a single-use script URL) and
 * `CaptchaCheck` (legacy tickets: 20 minutes, accepted twice). Also serves that single-use script,
 * `/legacy/TCapIframeApi.js?asig=…`, which defines `capInit` & co. API faults do not apply here;
 * the SDK's script faults apply to the script.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LegacyApi, buildV2StringToSign, signV2StringToSign, timingSafeEqualString, type V2SignatureMethod } from '@tencent-captcha/protocol';
import type { EmulatorContext } from '../context.js';
import { BodyTooLargeError, hostOf, readBody, send, sendJson, stripPort } from '../http.js';
import { BrowserAsset, renderBrowserAsset } from '../sdk-assets.js';
import { serveScriptWithFaults } from '../sdk-routes.js';

/** A v2 answer: `code` 0 success, 4xxx request errors, 5100 verification failed. */
export interface LegacyAnswer {
  code: number;
  codeDesc: string;
  message: string;
  url?: string;
}

const ASIG_LIFETIME_MS = 10 * 60_000;
const NONCE_WINDOW_MS = 10 * 60_000;
const MAX_ENTRIES = 100_000;
const SCRIPT_PATH = '/legacy/TCapIframeApi.js';

const fail = (code: number, codeDesc: string, message: string): LegacyAnswer => ({ code, codeDesc, message });

function prune(map: Map<string, number>, olderThan: number): void {
  for (const [key, at] of map) {
    if (map.size > MAX_ENTRIES || at < olderThan) map.delete(key);
    else break;
  }
}

/** Creates the legacy routes of one emulator. @internal */
export function createLegacyRoutes(ctx: EmulatorContext) {
  /** Script tokens handed out by CaptchaIframeQuery: asig → issue time. Each loads once. */
  const asigs = new Map<string, number>();
  /** Nonces seen recently (replay protection). */
  const nonces = new Map<string, number>();

  async function verifySignature(params: Record<string, string>, method: 'GET' | 'POST', host: string): Promise<LegacyAnswer | undefined> {
    for (const key of ['Action', 'Timestamp', 'Nonce', 'SecretId', 'Signature'] as const) {
      if (!params[key]) return fail(4000, 'InvalidParameter', `Missing common parameter ${key}.`);
    }
    const signatureMethod = (params.SignatureMethod ?? 'HmacSHA1') as V2SignatureMethod;
    if (signatureMethod !== 'HmacSHA1' && signatureMethod !== 'HmacSHA256') {
      return fail(4000, 'InvalidParameter', 'SignatureMethod must be HmacSHA1 or HmacSHA256.');
    }
    if (params.SecretId !== ctx.options.secretId) return fail(4104, 'SecretIdNotFound', 'The SecretId is not found.');
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
        ctx.options.secretKey,
        buildV2StringToSign({ method, host: h, path: LegacyApi.path, params: signed }),
        signatureMethod,
      );
      if (timingSafeEqualString(expected, signature ?? '')) valid = true;
    }
    if (!valid) return fail(4100, 'AuthFailure', 'Signature verification failed.');
    prune(nonces, nowMs - NONCE_WINDOW_MS);
    const nonceKey = `${params.SecretId}:${params.Nonce}:${params.Timestamp}`;
    if (nonces.has(nonceKey)) return fail(4500, 'RequestReplayed', 'Nonce already used with this Timestamp.');
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
    const asig = randomBytes(24).toString('base64url');
    asigs.set(asig, now);
    const query = new URLSearchParams({ appid: ctx.options.appId, clientype: params.clientType ?? '2', lang: '2052', asig });
    return { code: 0, codeDesc: 'Success', message: 'No Error', url: `${ctx.url()}${SCRIPT_PATH}?${query}` };
  }

  function captchaCheck(params: Record<string, string>): LegacyAnswer {
    const problem = missing(params, ['ticket', 'captchaType', 'userIp']);
    if (problem) return problem;
    const result = ctx.tickets.verifyLegacy(params.ticket ?? '');
    if (result.pass) return { code: 0, codeDesc: 'Success', message: 'No Error' };
    const why = { unknown: 'ticket invalid', expired: 'ticket expired', exhausted: 'ticket already verified twice', ok: '' }[result.reason];
    return fail(LegacyApi.verifyFailedCode, 'CaptchaCheckFailed', `captcha verification failed: ${why}`);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<string> {
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
    let answer = await verifySignature(params, method, hostOf(req, new URL(ctx.url()).host));
    if (!answer) {
      if (params.Action === 'CaptchaIframeQuery') answer = iframeQuery(params);
      else if (params.Action === 'CaptchaCheck') answer = captchaCheck(params);
      else answer = fail(4000, 'InvalidParameter', `Unknown Action ${String(params.Action).slice(0, 60)}.`);
    }
    sendJson(res, 200, answer);
    return `legacy ${params.Action ?? '?'} → ${answer.code}`;
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
      if (!asigs.delete(asig)) return '/* this captcha script URL was already used */\n';
      return renderBrowserAsset(BrowserAsset.Legacy, { origin: ctx.url() });
    };
    return serveScriptWithFaults(ctx, req, res, headers, render, BrowserAsset.Legacy);
  }

  return {
    /** Handles `/v2/index.php` and the legacy script; `undefined` for other paths. */
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
      return undefined;
    },
  };
}
