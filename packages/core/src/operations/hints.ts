/**
 * What an operator should do about a failure: one table for network error codes and one for Tencent's
 * answers that mean our configuration is wrong. The verifier's warnings and the doctor both read them,
 * so a log line and `tencent-captcha doctor` say the same thing. No secret ever goes into a hint.
 */
import { ENV } from '../config/credentials.js';

/** TLS error codes of Node/OpenSSL (a certificate problem, or a TLS-intercepting proxy). */
const TLS_CODE = /^(?:ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_|HOSTNAME_MISMATCH$|EPROTO$)/;

/** Whether a network error code is a TLS failure. */
export function isTlsErrorCode(code: string): boolean {
  return TLS_CODE.test(code);
}

/**
 * The likely cause of a failure to reach `host`, from the error code of the attempt (`ENOTFOUND`,
 * `ECONNREFUSED`, `UND_ERR_CONNECT_TIMEOUT`, a TLS code), `timed out`, or `HTTP <status>`.
 */
export function networkHint(detail: string, host: string): string {
  switch (detail) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NODATA':
    case 'EAI_NONAME':
      return `DNS cannot resolve ${host}: check the endpoint (option \`endpoint\` / ${ENV.endpoint}) and this server's resolver.`;
    case 'ECONNREFUSED':
      return `${host} refused the connection: wrong endpoint or port, or a firewall rejects it.`;
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return `no route to ${host}: a firewall drops the packets, or egress needs a proxy (option \`proxy\`).`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'EPIPE':
      return `the connection to ${host} was reset: a proxy or middlebox in between closed it.`;
    case 'timed out':
      return `${host} did not answer within attemptTimeoutMs: Tencent is slow or the path to it drops packets.`;
    default:
      if (isTlsErrorCode(detail)) {
        return `TLS to ${host} failed (${detail}): a TLS-intercepting proxy, a wrong host, or a missing CA certificate (NODE_EXTRA_CA_CERTS).`;
      }
      if (/^HTTP \d{3}$/.test(detail)) return `${host} answered ${detail}: is the endpoint Tencent's API (or the emulator)? A proxy may answer instead.`;
      return `the request to ${host} failed (${detail}).`;
  }
}

/**
 * The likely cause of an answer that means our configuration is wrong: an `AuthFailure.*` /
 * `UnauthorizedOperation.*` error code, or CaptchaCode 100 / 31.
 */
export function misconfigurationHint(answer: { captchaCode: number | null; apiErrorCode: string | null }): string {
  switch (answer.apiErrorCode) {
    case 'AuthFailure.SecretIdNotFound':
    case 'AuthFailure.InvalidSecretId':
      return `the SecretId is unknown or disabled: check secretId (${ENV.secretId}) in the CAM console.`;
    case 'AuthFailure.SignatureFailure':
    case 'AuthFailure.InvalidAuthorization':
      return `the signature does not match: the SecretKey (${ENV.secretKey}) is not the one of this SecretId.`;
    case 'AuthFailure.SignatureExpire':
      return "clock skew: this server's clock differs from Tencent's by more than 5 minutes; synchronise it (NTP).";
    case 'AuthFailure.UnauthorizedOperation':
    case 'UnauthorizedOperation.ErrAuth':
      return 'the API key may not call the captcha API: grant it captcha access (CAM policy QcloudCaptchaFullAccess or a narrower one).';
    case 'AuthFailure.TokenFailure':
      return 'the temporary key\'s token is missing, wrong or expired: send it with the key (credentials.token, TENCENTCLOUD_SESSION_TOKEN), or use a provider that refreshes temporary keys (fromCvmRole(), defaultCredentialChain()).';
    case 'UnauthorizedOperation.Unauthorized':
      return 'the captcha service is not activated, has no valid package, or the account is in arrears.';
    case null:
      break;
    default:
      return `Tencent refused the call (${answer.apiErrorCode}): check the credentials and the account.`;
  }
  if (answer.captchaCode === 100) {
    return `the AppSecretKey does not belong to this CaptchaAppId: check captchaAppId (${ENV.captchaAppId}) and appSecretKey (${ENV.appSecretKey}) in the captcha console.`;
  }
  if (answer.captchaCode === 31) return 'the captcha service is not activated, has no valid package, or the account is in arrears.';
  return 'Tencent says the configuration is wrong: check the credentials in the captcha console.';
}

/** What to do when the transport failed before sending anything (local-fault.ts). */
export function localFaultHint(transportName: string): string {
  return `the request failed in this process before anything was sent (transport: ${transportName}), so Tencent's health is unknown and nothing is accepted: the transport cannot run in this runtime or the injected fetch is broken. Pass a working \`fetch\` (e.g. \`fetch: globalThis.fetch\`) to createCaptchaVerifier.`;
}
