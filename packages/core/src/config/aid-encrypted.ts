/**
 * `aidEncrypted` (protocol.md §1.10): proof for the browser SDK that the page belongs to the owner of
 * the CaptchaAppId, required once "CaptchaAppid 强制校验" is on in the console. AES-256-CBC (default) or
 * AES-256-GCM over WebCrypto, so it works in Node and Fetch-API runtimes. Compute it on the server and
 * pass the string to the page; never ship the AppSecretKey to the browser.
 */
import { fromBase64, toBase64, utf8 } from '@tencent-captcha/protocol';
import { CaptchaConfigError } from './errors.js';

/** The two ciphers Tencent accepts. */
export type AidEncryptedType = 'cbc' | 'gcm';

/** Options of {@link buildAidEncrypted}. */
export interface AidEncryptedOptions {
  /** The CaptchaAppId. */
  captchaAppId: number | string;
  /** The AppSecretKey; the AES key is its bytes repeated to 32 bytes (longer keys are cut to 32). */
  appSecretKey: string;
  /** @default 'cbc' */
  type?: AidEncryptedType;
  /** Validity of the ciphertext in seconds (the third plaintext field). @default 300 */
  expireSeconds?: number;
  /** GCM only: additional authenticated data (at most 96 bytes); pass `aidEncryptedAad` to the SDK too. */
  aad?: Uint8Array | string;
  /** Clock, Unix milliseconds. @default Date.now */
  now?: () => number;
  /** Source of the IV / nonce (tests pass a fixed one). @default crypto.getRandomValues */
  randomBytes?: (length: number) => Uint8Array;
}

/** The SDK options to pass to the page (`aidEncrypted`, `aidEncryptedType`, `aidEncryptedAad`). */
export interface AidEncryptedResult {
  aidEncrypted: string;
  aidEncryptedType: AidEncryptedType;
  /** Base64 AAD, GCM with `aad` only. */
  aidEncryptedAad?: string;
}

const MAX_AAD_BYTES = 96;

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto (globalThis.crypto.subtle) is not available in this runtime');
  return s;
}

function keyBytes(appSecretKey: unknown): Uint8Array<ArrayBuffer> {
  if (typeof appSecretKey !== 'string' || appSecretKey.length === 0) {
    throw new CaptchaConfigError('missing_credential', 'appSecretKey', 'appSecretKey must be a non-empty string.');
  }
  const raw = utf8(appSecretKey);
  const key = new Uint8Array(32);
  for (let i = 0; i < 32; i++) key[i] = raw[i % raw.length]!;
  return key;
}

function aadBytes(aad: Uint8Array | string | undefined): Uint8Array<ArrayBuffer> | undefined {
  if (aad === undefined) return undefined;
  const bytes = typeof aad === 'string' ? utf8(aad) : new Uint8Array(aad);
  if (bytes.length > MAX_AAD_BYTES) {
    throw new CaptchaConfigError('invalid_option', 'aad', `aad must be at most ${MAX_AAD_BYTES} bytes.`);
  }
  return bytes;
}

function cipherType(type: unknown): AidEncryptedType {
  const t = type === undefined ? 'cbc' : typeof type === 'string' ? type.toLowerCase() : type;
  if (t !== 'cbc' && t !== 'gcm') throw new CaptchaConfigError('invalid_option', 'type', "type must be 'cbc' or 'gcm'.");
  return t;
}

async function importKey(appSecretKey: string, type: AidEncryptedType, usage: KeyUsage): Promise<CryptoKey> {
  return subtle().importKey('raw', keyBytes(appSecretKey), { name: type === 'cbc' ? 'AES-CBC' : 'AES-GCM' }, false, [usage]);
}

/**
 * Builds `aidEncrypted`: Base64 of `IV ‖ ciphertext` (CBC, PKCS#7) or `nonce ‖ ciphertext ‖ tag` (GCM)
 * of `CaptchaAppId&timestamp&expire`. Throws `CaptchaConfigError` for invalid options.
 */
export async function buildAidEncrypted(options: AidEncryptedOptions): Promise<AidEncryptedResult> {
  const type = cipherType(options.type);
  const appId = String(options.captchaAppId);
  if (!/^[1-9]\d{0,15}$/.test(appId)) {
    throw new CaptchaConfigError('invalid_credential', 'captchaAppId', 'captchaAppId must be a positive integer (digits only).');
  }
  const expire = options.expireSeconds ?? 300;
  if (!Number.isInteger(expire) || expire < 1 || expire > 86_400) {
    throw new CaptchaConfigError('invalid_option', 'expireSeconds', 'expireSeconds must be an integer from 1 to 86400.');
  }
  if (options.aad !== undefined && type !== 'gcm') {
    throw new CaptchaConfigError('invalid_option', 'aad', "aad needs type 'gcm'.");
  }
  const aad = aadBytes(options.aad);
  const timestamp = Math.floor((options.now ?? Date.now)() / 1000);
  const plaintext = utf8(`${appId}&${timestamp}&${expire}`);
  const ivLength = type === 'cbc' ? 16 : 12;
  const iv = new Uint8Array(ivLength);
  if (options.randomBytes) {
    const given = options.randomBytes(ivLength);
    if (!(given instanceof Uint8Array) || given.length !== ivLength) {
      throw new CaptchaConfigError('invalid_option', 'randomBytes', `randomBytes(${ivLength}) must return ${ivLength} bytes.`);
    }
    iv.set(given);
  } else {
    globalThis.crypto.getRandomValues(iv);
  }
  const key = await importKey(options.appSecretKey, type, 'encrypt');
  const params: AesCbcParams | AesGcmParams =
    type === 'cbc' ? { name: 'AES-CBC', iv } : { name: 'AES-GCM', iv, tagLength: 128, ...(aad ? { additionalData: aad } : {}) };
  // WebCrypto's GCM output is already ciphertext ‖ tag.
  const sealed = new Uint8Array(await subtle().encrypt(params, key, plaintext));
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv);
  out.set(sealed, iv.length);
  const result: AidEncryptedResult = { aidEncrypted: toBase64(out), aidEncryptedType: type };
  if (aad) result.aidEncryptedAad = toBase64(aad);
  return result;
}

/** What an `aidEncrypted` says. */
export interface AidEncryptedPayload {
  captchaAppId: string;
  /** Unix seconds it was made at. */
  timestamp: number;
  expireSeconds: number;
}

/** Options of {@link decryptAidEncrypted}. */
export interface DecryptAidEncryptedOptions {
  aidEncrypted: string;
  appSecretKey: string;
  /** @default 'cbc' */
  type?: AidEncryptedType;
  /** GCM additional authenticated data, as given to {@link buildAidEncrypted}. */
  aad?: Uint8Array | string;
}

/**
 * Opens an `aidEncrypted` (what Tencent does; the emulator and tests use it). Resolves `undefined`
 * when it does not decrypt or does not have the `appid&timestamp&expire` shape.
 */
export async function decryptAidEncrypted(options: DecryptAidEncryptedOptions): Promise<AidEncryptedPayload | undefined> {
  const type = cipherType(options.type);
  const aad = aadBytes(options.aad);
  const key = await importKey(options.appSecretKey, type, 'decrypt');
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = fromBase64(options.aidEncrypted);
  } catch {
    return undefined;
  }
  const ivLength = type === 'cbc' ? 16 : 12;
  if (bytes.length < ivLength + 16) return undefined;
  const iv = bytes.slice(0, ivLength);
  const body = bytes.slice(ivLength);
  const params: AesCbcParams | AesGcmParams =
    type === 'cbc' ? { name: 'AES-CBC', iv } : { name: 'AES-GCM', iv, tagLength: 128, ...(aad ? { additionalData: aad } : {}) };
  let plain: string;
  try {
    plain = new TextDecoder('utf-8', { fatal: true }).decode(await subtle().decrypt(params, key, body));
  } catch {
    return undefined;
  }
  const m = /^(\d{1,16})&(\d{1,12})&(\d{1,6})$/.exec(plain);
  if (!m) return undefined;
  return { captchaAppId: m[1]!, timestamp: Number(m[2]), expireSeconds: Number(m[3]) };
}
