/**
 * The credential shapes core accepts: a static key (`{ secretId, secretKey, token? }`) or a provider
 * (`{ getCredential() }`) — the same interface as the official Node SDK's `DynamicCredential`, so its
 * providers (`CvmRoleCredential`, `STSCredential`, `OIDCRoleArnCredential`, …) plug in unchanged.
 */

/** A Tencent Cloud API key: permanent, or temporary with its session `token`. */
export interface TencentCloudCredential {
  /** `SecretId` (temporary keys: `TmpSecretId`). */
  secretId: string;
  /** `SecretKey` (temporary keys: `TmpSecretKey`). */
  secretKey: string;
  /** The session token of a temporary key (`Token`); sent as `X-TC-Token` (TC3) or `Token` (v2). */
  token?: string | undefined;
}

/**
 * What a provider answers: a key and, for a temporary one, when it expires. `secretId` and
 * `secretKey` are typed optional, as in the official SDK's `Credential`, so its providers type-check
 * unchanged; an answer without them is refused at run time.
 */
export interface ProvidedCredential {
  /** `SecretId` (temporary keys: `TmpSecretId`). */
  secretId?: string | undefined;
  /** `SecretKey` (temporary keys: `TmpSecretKey`). */
  secretKey?: string | undefined;
  /** The session token of a temporary key. */
  token?: string | null | undefined;
  /**
   * When the key expires: a `Date`, or Unix milliseconds. Without it (the official SDK's providers
   * do not say) the verifier asks the provider again every 10 s and uses an answer for at most 25 s
   * (the official SDK hands out keys with at least 30 s left).
   */
  expiresAt?: Date | number | undefined;
  /** Which provider of a chain supplied the key (`cvm-role`, …), for the doctor and logs. */
  source?: string | undefined;
}

/**
 * A source of keys, asked again before the key it gave expires. Any object with this method works,
 * including the official SDK's providers.
 */
export interface CredentialProvider {
  getCredential(): Promise<ProvidedCredential>;
  /** A name for logs and the doctor (`cvm-role`, `profile`, …). @default the constructor's name */
  readonly providerName?: string;
}

/** The `credentials` option: a static key or a provider. */
export type CredentialsOption = TencentCloudCredential | CredentialProvider;

/** Whether `value` is a provider (has `getCredential`). */
export function isCredentialProvider(value: unknown): value is CredentialProvider {
  return typeof value === 'object' && value !== null && typeof (value as { getCredential?: unknown }).getCredential === 'function';
}

/** A provider's name for logs: its `providerName`, else its class name, else `custom`. @internal */
export function providerNameOf(provider: CredentialProvider): string {
  if (typeof provider.providerName === 'string' && provider.providerName !== '') return provider.providerName.slice(0, 60);
  const ctor = (provider as { constructor?: { name?: unknown } }).constructor;
  const name = typeof ctor?.name === 'string' && ctor.name !== 'Object' && ctor.name !== '' ? ctor.name : 'custom';
  return name.slice(0, 60);
}

/** Why a provider could not give a key; the message names the provider, never a secret. */
export class CredentialProviderError extends Error {
  /** The provider (`cvm-role`, `profile`, …). */
  readonly provider: string;
  constructor(provider: string, message: string, options?: { cause?: unknown }) {
    super(`${provider}: ${message}`, options);
    this.provider = provider;
  }
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'CredentialProviderError' });
  }
}
