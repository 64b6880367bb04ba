/**
 * `defaultCredentialChain()`: the official SDK's `DefaultCredentialProvider` order — environment,
 * profile file, CVM role (metadata service), TKE OIDC — first key wins. Each provider is tried at
 * every call, as the official SDK does, so a key added to the environment later is picked up; the
 * key says which provider gave it (`source`), for the doctor and logs.
 */
import { fromCvmRole, type FromCvmRoleOptions } from './cvm-role.js';
import { fromEnv } from './env.js';
import { fromProfile, type FromProfileOptions } from './profile.js';
import { fromTkeOidc, type FromTkeOidcOptions } from './sts.js';
import type { CredentialProvider, ProvidedCredential } from './types.js';

/** Options of {@link defaultCredentialChain}: the options of each provider in it. */
export interface DefaultCredentialChainOptions {
  /** Where `TENCENTCLOUD_*` and `TKE_*` are read. @default process.env */
  env?: Record<string, string | undefined>;
  profile?: FromProfileOptions;
  cvmRole?: FromCvmRoleOptions;
  tkeOidc?: Omit<FromTkeOidcOptions, 'env'>;
}

/**
 * The official SDK's chain: `fromEnv()`, `fromProfile()`, `fromCvmRole()`, `fromTkeOidc()`. Fails
 * with every provider's reason when none gives a key.
 *
 * @example
 * ```ts
 * import { createCaptchaVerifier, defaultCredentialChain } from '@tencent-captcha/core';
 * const verifier = createCaptchaVerifier({ credentials: defaultCredentialChain() });
 * ```
 */
export function defaultCredentialChain(options: DefaultCredentialChainOptions = {}): CredentialProvider {
  const env = options.env;
  const providers: readonly [string, CredentialProvider][] = [
    ['env', fromEnv(env ? { env } : {})],
    ['profile', fromProfile(options.profile)],
    ['cvm-role', fromCvmRole(options.cvmRole)],
    ['tke-oidc', fromTkeOidc({ ...options.tkeOidc, ...(env ? { env } : {}) })],
  ];
  return {
    providerName: 'chain',
    async getCredential(): Promise<ProvidedCredential> {
      const reasons: string[] = [];
      for (const [name, provider] of providers) {
        try {
          const credential = await provider.getCredential();
          if (credential.secretId && credential.secretKey) return { ...credential, source: name };
          reasons.push(`${name}: no key`);
        } catch (error) {
          reasons.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      throw new Error(`no provider gave a key (${reasons.join('; ')})`);
    },
  };
}
