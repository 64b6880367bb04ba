/**
 * Checks `aidEncrypted` (CaptchaAppId authentication, protocol.md §1.10): Base64 of `IV ‖ ciphertext`
 * (AES-256-CBC, PKCS#7) or `nonce ‖ ciphertext ‖ tag` (AES-256-GCM) of `appId&timestamp&expire`,
 * keyed with the AppSecretKey repeated (or cut) to 32 bytes.
 */
import { createDecipheriv } from 'node:crypto';

/** Input of {@link verifyAidEncrypted}. */
export interface AidEncryptedInput {
  aidEncrypted: string;
  /** @default 'cbc' */
  type?: string;
  /** GCM additional authenticated data, Base64. */
  aad?: string;
  appId: string;
  appSecretKey: string;
  /** Current Unix seconds. */
  now: number;
}

/** Why an `aidEncrypted` was refused. */
export type AidEncryptedFailure = 'malformed' | 'decrypt_failed' | 'app_id_mismatch' | 'from_the_future' | 'expired';

/** The 32-byte AES key derived from an AppSecretKey. */
export function aidKey(appSecretKey: string): Buffer {
  const raw = Buffer.from(appSecretKey, 'utf8');
  const key = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) key[i] = raw[i % raw.length] ?? 0;
  return key;
}

/** Allowed clock difference for a timestamp that is slightly in the future. */
const FUTURE_SKEW_SECONDS = 60;

/** Decrypts and checks an `aidEncrypted`. Never throws. */
export function verifyAidEncrypted(input: AidEncryptedInput): { ok: true } | { ok: false; reason: AidEncryptedFailure } {
  const type = (input.type ?? 'cbc').toLowerCase();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(input.aidEncrypted) || input.appSecretKey.length === 0) return { ok: false, reason: 'malformed' };
  const bytes = Buffer.from(input.aidEncrypted, 'base64');
  let plain: string;
  try {
    const key = aidKey(input.appSecretKey);
    if (type === 'gcm') {
      if (bytes.length < 12 + 16 + 1) return { ok: false, reason: 'malformed' };
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      if (input.aad) decipher.setAAD(Buffer.from(input.aad, 'base64'));
      plain = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
    } else if (type === 'cbc') {
      if (bytes.length < 32 || bytes.length % 16 !== 0) return { ok: false, reason: 'malformed' };
      const decipher = createDecipheriv('aes-256-cbc', key, bytes.subarray(0, 16));
      plain = Buffer.concat([decipher.update(bytes.subarray(16)), decipher.final()]).toString('utf8');
    } else {
      return { ok: false, reason: 'malformed' };
    }
  } catch {
    return { ok: false, reason: 'decrypt_failed' };
  }
  const m = /^(\d+)&(\d{1,12})&(\d{1,9})$/.exec(plain);
  if (!m) return { ok: false, reason: 'decrypt_failed' };
  const [, appId, ts, expire] = m as unknown as [string, string, string, string];
  if (appId !== input.appId) return { ok: false, reason: 'app_id_mismatch' };
  if (Number(ts) > input.now + FUTURE_SKEW_SECONDS) return { ok: false, reason: 'from_the_future' };
  if (input.now > Number(ts) + Number(expire)) return { ok: false, reason: 'expired' };
  return { ok: true };
}
