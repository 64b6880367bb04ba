/**
 * Temporary keys (`TmpSecretId`, `TmpSecretKey`, `Token`) as Tencent's STS and the CVM metadata
 * service hand them out, with a lifetime you can set, and the check every API route applies: a
 * request signed with a temporary SecretId must carry its `Token` (`X-TC-Token` with TC3, the
 * `Token` parameter with v2) and the key must not have expired — otherwise `AuthFailure.TokenFailure`
 * (v2: code 4105). Expired keys are still recognised for a while, so their requests are answered
 * with the token failure rather than "SecretId not found", as Tencent does.
 */
import { randomBytes } from 'node:crypto';

/** A temporary key, in the field names Tencent's STS and metadata service use. */
export interface TemporaryKey {
  TmpSecretId: string;
  TmpSecretKey: string;
  Token: string;
  /** Unix seconds after which the key is refused. */
  ExpiredTime: number;
  /** The same instant as ISO 8601 (`2026-12-06T05:00:00Z`). */
  Expiration: string;
}

/** Why a temporary key's request is refused. */
export type TokenProblem = 'missing' | 'wrong' | 'expired';

/** Tencent's code and the emulator's message for a refused token (protocol.md §2.6, §4.9). */
export const TOKEN_FAILURE = {
  code: 'AuthFailure.TokenFailure',
  legacyCode: 4105,
  message: (problem: TokenProblem): string =>
    ({
      missing: 'token 错误 (Token error): this SecretId is a temporary key and the request carries no Token.',
      wrong: 'token 错误 (Token error): the Token does not belong to this temporary key.',
      expired: 'token 错误 (Token error): the temporary key and its Token have expired.',
    })[problem],
} as const;

/** Expired keys are remembered this long (then "SecretId not found"). */
const KEEP_EXPIRED_MS = 60 * 60_000;
const MAX_KEYS = 10_000;

/** The temporary keys of one emulator. @internal */
export interface TemporaryKeyStore {
  /** Issues a key living `lifetimeSeconds` (default: the store's current lifetime). */
  issue(lifetimeSeconds?: number): TemporaryKey;
  /** The SecretKey of a temporary SecretId (expired ones included), or `undefined`. */
  secretKeyOf(secretId: string): string | undefined;
  /** `undefined` when `token` is right for this temporary SecretId and it has not expired. */
  checkToken(secretId: string, token: string | undefined): TokenProblem | undefined;
  /** Whether `secretId` is a temporary key this store issued. */
  has(secretId: string): boolean;
  /** The lifetime of keys issued from now on, in seconds. */
  lifetimeSeconds: number;
  /** How many keys were issued. */
  readonly issued: number;
}

/** Creates the store. `now` is the emulator's signature clock (ms). @internal */
export function createTemporaryKeyStore(now: () => number, lifetimeSeconds: number): TemporaryKeyStore {
  const keys = new Map<string, { secretKey: string; token: string; expiresAtMs: number }>();
  let issued = 0;
  const prune = (): void => {
    const cutoff = now() - KEEP_EXPIRED_MS;
    for (const [id, key] of keys) {
      if (keys.size > MAX_KEYS || key.expiresAtMs < cutoff) keys.delete(id);
      else break;
    }
  };
  const store: TemporaryKeyStore = {
    lifetimeSeconds,
    get issued() {
      return issued;
    },
    issue(lifetime = store.lifetimeSeconds) {
      prune();
      // Tencent's temporary SecretIds start with AKID too; the Token is long and opaque.
      const TmpSecretId = `AKIDtmp${randomBytes(18).toString('base64url')}`;
      const TmpSecretKey = randomBytes(24).toString('base64');
      const Token = randomBytes(48).toString('base64url');
      // ms precision, so that a lifetime of a few seconds is exact; ExpiredTime is rounded down,
      // so a client that trusts it never uses the key after the emulator refuses it.
      const expiresAtMs = now() + lifetime * 1000;
      keys.set(TmpSecretId, { secretKey: TmpSecretKey, token: Token, expiresAtMs });
      issued += 1;
      const ExpiredTime = Math.floor(expiresAtMs / 1000);
      return { TmpSecretId, TmpSecretKey, Token, ExpiredTime, Expiration: new Date(ExpiredTime * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
    },
    secretKeyOf: (secretId) => keys.get(secretId)?.secretKey,
    has: (secretId) => keys.has(secretId),
    checkToken(secretId, token) {
      const key = keys.get(secretId);
      if (!key) return undefined;
      if (token === undefined || token === '') return 'missing';
      if (token !== key.token) return 'wrong';
      if (now() >= key.expiresAtMs) return 'expired';
      return undefined;
    },
  };
  return store;
}
