/**
 * STS (`sts.tencentcloudapi.com`, Version 2018-08-13), as the official SDK's `STSCredential` and
 * `OIDCRoleArnCredential` call it:
 *
 * - `fromStsAssumeRole()` — `AssumeRole`, TC3-signed with a source key (static or a provider);
 * - `fromTkeOidc()` — `AssumeRoleWithWebIdentity`, unsigned (`Authorization: SKIP`), with the
 *   environment TKE injects into a pod whose service account is bound to a role: `TKE_REGION`,
 *   `TKE_PROVIDER_ID`, `TKE_WEB_IDENTITY_TOKEN_FILE` (re-read at every call: TKE rotates it) and
 *   `TKE_ROLE_ARN`.
 *
 * Both answer `{ Credentials: { TmpSecretId, TmpSecretKey, Token }, ExpiredTime, Expiration }`.
 */
import { signTc3 } from '@tencent-captcha/protocol';
import { CaptchaConfigError } from '../config/errors.js';
import { parseJson, requestText, type ProviderFetch } from './http-get.js';
import { nodeFs, processEnv } from './node-builtins.js';
import { checkCredential } from './validate.js';
import { isCredentialProvider, type CredentialProvider, type CredentialsOption, type ProvidedCredential } from './types.js';

/** STS's endpoint (the official SDK's). */
export const DEFAULT_STS_ENDPOINT = 'https://sts.tencentcloudapi.com/';
const STS_VERSION = '2018-08-13';
const TIMEOUT_MS = 5000;

/** The environment variables TKE injects for OIDC (read by {@link fromTkeOidc}). */
export const TKE_ENV = {
  region: 'TKE_REGION',
  providerId: 'TKE_PROVIDER_ID',
  webIdentityTokenFile: 'TKE_WEB_IDENTITY_TOKEN_FILE',
  roleArn: 'TKE_ROLE_ARN',
} as const;

interface StsCall {
  endpoint: string;
  action: 'AssumeRole' | 'AssumeRoleWithWebIdentity';
  region: string;
  params: Record<string, unknown>;
  /** Signs with it; `undefined`: unsigned (`SKIP`). */
  credential: { secretId: string; secretKey: string; token?: string | undefined } | undefined;
  fetch: ProviderFetch | undefined;
}

async function callSts(call: StsCall): Promise<ProvidedCredential> {
  const url = new URL(call.endpoint);
  const payload = JSON.stringify(call.params);
  const timestamp = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-tc-action': call.action,
    'x-tc-version': STS_VERSION,
    'x-tc-timestamp': String(timestamp),
    'x-tc-region': call.region,
  };
  if (call.credential) {
    const { secretId, secretKey, token } = call.credential;
    headers.authorization = (await signTc3({ secretId, secretKey, service: 'sts', host: url.host, timestamp, payload })).authorization;
    if (token) headers['x-tc-token'] = token;
  } else {
    headers.authorization = 'SKIP';
  }
  const json = parseJson(await requestText(call.fetch, url.href, { method: 'POST', headers, body: payload }, TIMEOUT_MS), `the ${call.action} answer`);
  const response = (json.Response ?? {}) as Record<string, unknown>;
  const error = response.Error as { Code?: unknown } | undefined;
  if (error) throw new Error(`STS ${call.action} answered ${String(error.Code).slice(0, 80)}`);
  const c = (response.Credentials ?? {}) as Record<string, unknown>;
  if (typeof c.TmpSecretId !== 'string' || typeof c.TmpSecretKey !== 'string' || typeof c.Token !== 'string' || typeof response.ExpiredTime !== 'number') {
    throw new Error(`the ${call.action} answer lacks Credentials or ExpiredTime`);
  }
  return { secretId: c.TmpSecretId, secretKey: c.TmpSecretKey, token: c.Token, expiresAt: response.ExpiredTime * 1000 };
}

/** Options of {@link fromStsAssumeRole}. */
export interface FromStsAssumeRoleOptions {
  /** The role to assume, `qcs::cam::uin/<uin>:roleName/<name>`. */
  roleArn: string;
  /** A name for the session (2–128 characters of `[\w+=,.@-]`), seen in CloudAudit. */
  roleSessionName: string;
  /** Lifetime of the keys, in seconds (STS: up to 43200). @default 7200 (STS's default) */
  durationSeconds?: number;
  /** The key that may assume the role: static, or a provider (e.g. `fromCvmRole()`). */
  credentials: CredentialsOption;
  /** STS's endpoint (the emulator's `apiUrl` in tests). @default 'https://sts.tencentcloudapi.com/' */
  endpoint?: string | URL;
  /** `X-TC-Region`. @default 'ap-guangzhou' (the official SDK's) */
  region?: string;
  /** A Fetch-API `fetch` (tests). @default globalThis.fetch */
  fetch?: ProviderFetch;
}

const invalid = (option: string, message: string): never => {
  throw new CaptchaConfigError('invalid_option', option, message);
};

/**
 * A provider of temporary keys for another role, from STS `AssumeRole`.
 *
 * @example
 * ```ts
 * import { createCaptchaVerifier, fromCvmRole, fromStsAssumeRole } from '@tencent-captcha/core';
 * const verifier = createCaptchaVerifier({
 *   credentials: fromStsAssumeRole({
 *     roleArn: 'qcs::cam::uin/100000000001:roleName/CaptchaVerifier',
 *     roleSessionName: 'login-service',
 *     credentials: fromCvmRole(),
 *   }),
 * });
 * ```
 */
export function fromStsAssumeRole(options: FromStsAssumeRoleOptions): CredentialProvider {
  if (typeof options !== 'object' || options === null) invalid('credentials', 'fromStsAssumeRole needs { roleArn, roleSessionName, credentials }.');
  const { roleArn, roleSessionName, durationSeconds, credentials } = options;
  if (typeof roleArn !== 'string' || !/^qcs::cam::uin\/\d+:role(Name)?\/\S+$/.test(roleArn)) invalid('roleArn', 'roleArn must look like qcs::cam::uin/<uin>:roleName/<name>.');
  if (typeof roleSessionName !== 'string' || !/^[\w+=,.@-]{2,128}$/.test(roleSessionName)) invalid('roleSessionName', 'roleSessionName must be 2 to 128 characters of [\\w+=,.@-].');
  if (durationSeconds !== undefined && !(Number.isInteger(durationSeconds) && durationSeconds >= 1 && durationSeconds <= 43_200)) {
    invalid('durationSeconds', 'durationSeconds must be an integer from 1 to 43200.');
  }
  if (!isCredentialProvider(credentials) && typeof checkCredential(credentials, Date.now()) === 'string') {
    invalid('credentials', 'fromStsAssumeRole needs `credentials`: { secretId, secretKey, token? } or a provider.');
  }
  const endpoint = String(options.endpoint ?? DEFAULT_STS_ENDPOINT);
  const params: Record<string, unknown> = { RoleArn: roleArn, RoleSessionName: roleSessionName, ...(durationSeconds === undefined ? {} : { DurationSeconds: durationSeconds }) };
  return {
    providerName: 'sts-assume-role',
    async getCredential() {
      const raw = isCredentialProvider(credentials) ? await credentials.getCredential() : credentials;
      const source = checkCredential(raw, Date.now());
      if (typeof source === 'string') throw new Error(`the key to assume the role with is unusable: ${source}`);
      return callSts({ endpoint, action: 'AssumeRole', region: options.region ?? 'ap-guangzhou', params, credential: source, fetch: options.fetch });
    },
  };
}

/** Options of {@link fromTkeOidc}. */
export interface FromTkeOidcOptions {
  /** Where to read `TKE_*`. @default process.env */
  env?: Record<string, string | undefined>;
  /** STS's endpoint (the emulator's `apiUrl` in tests). @default 'https://sts.tencentcloudapi.com/' */
  endpoint?: string | URL;
  /** Lifetime of the keys, in seconds. @default STS's (7200) */
  durationSeconds?: number;
  /** A Fetch-API `fetch` (tests). @default globalThis.fetch */
  fetch?: ProviderFetch;
}

/**
 * A provider of the pod role's temporary keys on TKE (OIDC, `AssumeRoleWithWebIdentity`). Fails,
 * naming the missing variable, outside such a pod.
 *
 * @example
 * ```ts
 * import { createCaptchaVerifier, fromTkeOidc } from '@tencent-captcha/core';
 * const verifier = createCaptchaVerifier({ credentials: fromTkeOidc() });
 * ```
 */
export function fromTkeOidc(options: FromTkeOidcOptions = {}): CredentialProvider {
  return {
    providerName: 'tke-oidc',
    async getCredential() {
      const env = options.env ?? processEnv();
      const value = (name: string): string => {
        const v = env[name];
        if (!v) throw new Error(`${name} is not set (not a TKE pod with a role bound to its service account?)`);
        return v;
      };
      const region = value(TKE_ENV.region);
      const providerId = value(TKE_ENV.providerId);
      const tokenFile = value(TKE_ENV.webIdentityTokenFile);
      const roleArn = value(TKE_ENV.roleArn);
      const fs = nodeFs();
      if (!fs) throw new Error('reading the web identity token needs Node.js (node:fs)');
      let webIdentityToken: string;
      try {
        webIdentityToken = (await fs.readFile(tokenFile, 'utf8')).trim();
      } catch (error) {
        throw new Error(`cannot read ${TKE_ENV.webIdentityTokenFile} (${(error as { code?: string }).code ?? 'error'})`);
      }
      const params: Record<string, unknown> = {
        ProviderId: providerId,
        WebIdentityToken: webIdentityToken,
        RoleArn: roleArn,
        RoleSessionName: `tencent-captcha-${Date.now()}`,
        ...(options.durationSeconds === undefined ? {} : { DurationSeconds: options.durationSeconds }),
      };
      return callSts({ endpoint: String(options.endpoint ?? DEFAULT_STS_ENDPOINT), action: 'AssumeRoleWithWebIdentity', region, params, credential: undefined, fetch: options.fetch });
    },
  };
}
