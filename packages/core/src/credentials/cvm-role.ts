/**
 * `fromCvmRole()`: the temporary key of the CAM role bound to this CVM instance, from the instance
 * metadata service, as the official SDK's `CvmRoleCredential` gets it: `GET
 * <metadata>/cam/security-credentials/` answers the role name, `GET …/<role>` answers
 * `{ TmpSecretId, TmpSecretKey, Token, ExpiredTime, Expiration, Code: "Success" }`.
 */
import { parseJson, requestText, type ProviderFetch } from './http-get.js';
import type { CredentialProvider } from './types.js';

/** The metadata service on a CVM instance (the official SDK's). */
export const DEFAULT_METADATA_URL = 'http://metadata.tencentyun.com/latest/meta-data/';
const ROLE_PATH = 'cam/security-credentials/';

/** Options of {@link fromCvmRole}. */
export interface FromCvmRoleOptions {
  /** The metadata service's base (ends with `/latest/meta-data/`); the emulator's `temporaryKeys.metadataUrl` in tests. @default 'http://metadata.tencentyun.com/latest/meta-data/' */
  metadataUrl?: string | URL;
  /** The role name; asked from the metadata service (once) when not given. */
  roleName?: string;
  /** Timeout of one metadata request, in ms. @default 2000 */
  timeoutMs?: number;
  /** A Fetch-API `fetch` (tests). @default globalThis.fetch */
  fetch?: ProviderFetch;
}

/**
 * A provider of the CVM instance role's temporary keys. It gives `expiresAt`, so the verifier
 * refreshes half-way through each key's life and asks the metadata service about twice per key.
 *
 * @example
 * ```ts
 * import { createCaptchaVerifier, fromCvmRole } from '@tencent-captcha/core';
 * const verifier = createCaptchaVerifier({ credentials: fromCvmRole() });
 * ```
 */
export function fromCvmRole(options: FromCvmRoleOptions = {}): CredentialProvider {
  const base = new URL(String(options.metadataUrl ?? DEFAULT_METADATA_URL));
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const timeoutMs = options.timeoutMs ?? 2000;
  let roleName = options.roleName;
  return {
    providerName: 'cvm-role',
    async getCredential() {
      if (!roleName) {
        const name = (await requestText(options.fetch, new URL(ROLE_PATH, base).href, { method: 'GET' }, timeoutMs)).trim();
        if (!/^[\w+=,.@-]{1,128}$/.test(name)) throw new Error('the metadata service names no CAM role: is a role bound to this instance?');
        roleName = name;
      }
      const text = await requestText(options.fetch, new URL(ROLE_PATH + encodeURIComponent(roleName), base).href, { method: 'GET' }, timeoutMs);
      const json = parseJson(text, 'the role credentials');
      if (json.Code !== 'Success') throw new Error(`the metadata service answered Code ${String(json.Code).slice(0, 40)} for role ${roleName}`);
      const { TmpSecretId, TmpSecretKey, Token, ExpiredTime } = json;
      if (typeof TmpSecretId !== 'string' || typeof TmpSecretKey !== 'string' || typeof Token !== 'string' || typeof ExpiredTime !== 'number') {
        throw new Error(`the role credentials of ${roleName} lack TmpSecretId, TmpSecretKey, Token or ExpiredTime`);
      }
      return { secretId: TmpSecretId, secretKey: TmpSecretKey, token: Token, expiresAt: ExpiredTime * 1000 };
    },
  };
}
