/**
 * The TC3 check every signed API 3.0 route of the emulator shares: signature and 5-minute timestamp
 * skew with the permanent key or a temporary key the emulator issued, then — for a temporary key —
 * its `X-TC-Token` (`AuthFailure.TokenFailure` when missing, wrong or expired).
 *
 * Two leniencies, both for clients pointed at a local `host:port` (Tencent's hosts have neither
 * problem): the credential scope's service may be the route's own (`captcha`, `sts`) or the Host's
 * first label (the official Node SDK derives it from the endpoint, e.g. `127`), and the signed `host`
 * may be the Host header with or without its port (the official SDK signs the hostname but sends
 * `host:port`).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { CaptchaApi, parseTc3Authorization, verifyTc3Request } from '@tencent-captcha/protocol';
import { stripPort } from '../http.js';
import type { ResolvedEmulatorOptions } from '../options.js';
import { TOKEN_FAILURE, type TemporaryKeyStore } from '../temporary-keys.js';

/** What the auth check needs. @internal */
export interface Tc3AuthDeps {
  options: ResolvedEmulatorOptions;
  temporaryKeys: TemporaryKeyStore;
}

/** The outcome: the SecretId that signed, or Tencent's error code and message. @internal */
export type Tc3AuthResult = { ok: true; secretId: string } | { ok: false; code: string; message: string };

/** Reads one header as a string. @internal */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Checks a TC3-signed `POST` for `service` (`captcha`, `sts`). Never throws for client input. @internal */
export async function checkTc3Auth(
  request: { headers: IncomingHttpHeaders; body: string; host: string },
  service: string,
  deps: Tc3AuthDeps,
): Promise<Tc3AuthResult> {
  const { headers, body, host: hostHeader } = request;
  const { options, temporaryKeys } = deps;
  const auth = parseTc3Authorization(header(headers, 'authorization') ?? '');
  const hostname = stripPort(hostHeader);
  const allowedServices = new Set([service, hostname.split('.')[0] ?? '']);
  const signedService = auth && allowedServices.has(auth.service) ? auth.service : service;
  const hosts = hostname === hostHeader ? [hostHeader] : [hostHeader, hostname];
  let first: Tc3AuthResult | undefined;
  for (const host of hosts) {
    const result = await verifyTc3Request({
      method: 'POST',
      headers: { ...headers, host },
      body,
      service: signedService,
      now: Math.floor(options.signatureNow() / 1000),
      maxSkewSeconds: CaptchaApi.signatureSkewSeconds,
      lookupSecretKey: (id) => (id === options.secretId ? options.secretKey : temporaryKeys.secretKeyOf(id)),
    });
    if (result.ok) {
      const problem = temporaryKeys.checkToken(result.secretId, header(headers, 'x-tc-token'));
      if (problem) return { ok: false, code: TOKEN_FAILURE.code, message: TOKEN_FAILURE.message(problem) };
      return { ok: true, secretId: result.secretId };
    }
    first ??= result;
    if (result.code !== 'AuthFailure.SignatureFailure') break;
  }
  return first as Tc3AuthResult;
}
