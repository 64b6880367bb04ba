/**
 * `fromEnv()`: the key in the environment, as the official SDK's `EnvironmentVariableCredential`
 * reads it — `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and, for a temporary key,
 * `TENCENTCLOUD_SESSION_TOKEN`. Read at every call, so a process manager that rewrites the
 * environment is followed.
 */
import { processEnv } from './node-builtins.js';
import type { CredentialProvider, ProvidedCredential } from './types.js';

/** The variables {@link fromEnv} reads (the official SDK's names). */
export const CREDENTIAL_ENV = {
  secretId: 'TENCENTCLOUD_SECRET_ID',
  secretKey: 'TENCENTCLOUD_SECRET_KEY',
  sessionToken: 'TENCENTCLOUD_SESSION_TOKEN',
} as const;

/** Options of {@link fromEnv}. */
export interface FromEnvOptions {
  /** Where to read. @default process.env */
  env?: Record<string, string | undefined>;
}

/** Reads the key from the environment, or `undefined` when id or key is missing. @internal */
export function readEnvCredential(env: Record<string, string | undefined>): ProvidedCredential | undefined {
  const secretId = env[CREDENTIAL_ENV.secretId];
  const secretKey = env[CREDENTIAL_ENV.secretKey];
  if (!secretId || !secretKey) return undefined;
  const token = env[CREDENTIAL_ENV.sessionToken];
  return token ? { secretId, secretKey, token } : { secretId, secretKey };
}

/**
 * A provider of the key in `TENCENTCLOUD_SECRET_ID` / `TENCENTCLOUD_SECRET_KEY` (and
 * `TENCENTCLOUD_SESSION_TOKEN` for a temporary key). Fails when id or key is missing.
 *
 * @example
 * ```ts
 * import { createCaptchaVerifier, fromEnv } from '@tencent-captcha/core';
 * const verifier = createCaptchaVerifier({ credentials: fromEnv() });
 * ```
 */
export function fromEnv(options: FromEnvOptions = {}): CredentialProvider {
  return {
    providerName: 'env',
    async getCredential() {
      const credential = readEnvCredential(options.env ?? processEnv());
      if (!credential) throw new Error(`${CREDENTIAL_ENV.secretId} and ${CREDENTIAL_ENV.secretKey} are not both set`);
      return credential;
    },
  };
}
