/**
 * The `credentials` option of both verifiers, validated once: a provider as is, a static key checked
 * (its fields named, never its values), or — without it — the `secretId`/`secretKey` shorthand and
 * the environment, where a temporary key's token is `TENCENTCLOUD_SESSION_TOKEN`.
 */
import { CREDENTIAL_ENV } from './env.js';
import { checkCredential } from './validate.js';
import { isCredentialProvider, type CredentialsOption, type TencentCloudCredential } from './types.js';

/**
 * Resolves the key source. `shorthand` reads `secretId`/`secretKey` (options, else environment) the
 * way the verifier always has, throwing its usual `missing_credential`/`invalid_credential` errors;
 * `fail` throws the options' error class (passed in, so this module does not import the options).
 * @internal
 */
export function resolveCredentials(
  options: { credentials?: unknown; secretId?: unknown; secretKey?: unknown },
  env: Record<string, string | undefined>,
  shorthand: () => { secretId: string; secretKey: string },
  fail: (code: 'invalid_option' | 'invalid_credential', message: string) => never,
): CredentialsOption {
  const given = options.credentials;
  if (given === undefined) {
    const { secretId, secretKey } = shorthand();
    // The session token belongs to the key in the environment, not to one passed in code.
    const fromEnv = options.secretId === undefined && options.secretKey === undefined;
    const token = fromEnv ? env[CREDENTIAL_ENV.sessionToken] : undefined;
    if (token !== undefined && token !== '' && typeof checkCredential({ secretId, secretKey, token }, Date.now()) === 'string') {
      fail('invalid_credential', `the environment variable ${CREDENTIAL_ENV.sessionToken} must be printable ASCII without spaces.`);
    }
    return token ? { secretId, secretKey, token } : { secretId, secretKey };
  }
  if (options.secretId !== undefined || options.secretKey !== undefined) {
    fail('invalid_option', 'pass either `credentials` or `secretId`/`secretKey`, not both.');
  }
  if (isCredentialProvider(given)) return given;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    fail('invalid_option', '`credentials` must be { secretId, secretKey, token? } or a provider with getCredential().');
  }
  const problem = checkCredential(given, Date.now());
  if (typeof problem === 'string') return fail('invalid_credential', `credentials: ${problem}.`);
  if (problem.expiresAtMs !== undefined) {
    // A static temporary key that says when it dies: used until then (less the margin), never after.
    const key = { ...problem, expiresAt: problem.expiresAtMs };
    return { providerName: 'static', getCredential: async () => key };
  }
  return { secretId: problem.secretId, secretKey: problem.secretKey, ...(problem.token ? { token: problem.token } : {}) } satisfies TencentCloudCredential;
}
