/**
 * Checks what a provider (or the `credentials` option) gives before it is used to sign: a key that
 * would break a header or the credential scope, or that has already expired, is refused with a
 * message that names the field, never its value.
 */
import type { ProvidedCredential } from './types.js';

/** A key ready to sign with. @internal */
export interface ActiveCredential {
  secretId: string;
  secretKey: string;
  /** `undefined` for a permanent key. */
  token: string | undefined;
  /** Unix ms; `undefined` when the provider did not say. */
  expiresAtMs: number | undefined;
  /** Which provider of a chain supplied it. */
  source: string | undefined;
}

// secretId also goes into `Credential=<id>/…`, so no `/` or `,`; the token into a header.
const SECRET_ID = /^[\x21-\x2b\x2d\x2e\x30-\x7e]{1,256}$/;
const SECRET_KEY = /^[\x21-\x7e]{1,256}$/;
const TOKEN = /^[\x21-\x7e]{1,8192}$/;
/** Unix ms before 2001-09-09: surely seconds (Tencent's `ExpiredTime`) given where ms are expected. */
const MIN_MS = 1e12;

/** Returns the key, or a description of what is wrong with it (no value quoted). @internal */
export function checkCredential(value: unknown, now: number): ActiveCredential | string {
  if (typeof value !== 'object' || value === null) return 'the provider answered no credential object';
  const c = value as ProvidedCredential;
  if (typeof c.secretId !== 'string' || !SECRET_ID.test(c.secretId)) return 'secretId is missing or not printable ASCII without spaces, "/" or ","';
  if (typeof c.secretKey !== 'string' || !SECRET_KEY.test(c.secretKey)) return 'secretKey is missing or not printable ASCII without spaces';
  const token = c.token === null || c.token === '' ? undefined : c.token;
  if (token !== undefined && (typeof token !== 'string' || !TOKEN.test(token))) return 'token is not printable ASCII without spaces';
  let expiresAtMs: number | undefined;
  if (c.expiresAt !== undefined && c.expiresAt !== null) {
    expiresAtMs = c.expiresAt instanceof Date ? c.expiresAt.getTime() : c.expiresAt;
    if (typeof expiresAtMs !== 'number' || !Number.isFinite(expiresAtMs)) return 'expiresAt is neither a Date nor Unix milliseconds';
    if (expiresAtMs < MIN_MS) return 'expiresAt looks like Unix seconds; give a Date or Unix milliseconds';
    if (expiresAtMs <= now) return 'the key it gave has already expired';
  }
  const source = typeof c.source === 'string' && c.source !== '' ? c.source.slice(0, 60) : undefined;
  return { secretId: c.secretId, secretKey: c.secretKey, token, expiresAtMs, source };
}

/** Removes the secrets of `credential` from a message (a provider's error might quote them). @internal */
export function redactSecrets(message: string, secrets: readonly (string | undefined)[]): string {
  let out = message;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  return out.slice(0, 500);
}
