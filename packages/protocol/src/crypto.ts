// WebCrypto primitives (globalThis.crypto.subtle: browsers, Node ≥ 20, Deno, Bun, workers).
import { toHex, utf8 } from './encoding.js';

type Bytes = Uint8Array<ArrayBuffer>;

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto (globalThis.crypto.subtle) is not available in this runtime');
  return s;
}

const asBytes = (data: string | Uint8Array): Bytes => (typeof data === 'string' ? utf8(data) : (data as Bytes));

/** SHA-256 of UTF-8 text or bytes, lower-case hex. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await subtle().digest('SHA-256', asBytes(data))));
}

/** An HMAC key ready for repeated signing. */
export function importHmacKey(key: string | Uint8Array, hash: 'SHA-256' | 'SHA-1' = 'SHA-256'): Promise<CryptoKey> {
  return subtle().importKey('raw', asBytes(key), { name: 'HMAC', hash }, false, ['sign']);
}

/** HMAC of `message` under `key`. */
export async function hmac(
  key: string | Uint8Array | CryptoKey,
  message: string | Uint8Array,
  hash: 'SHA-256' | 'SHA-1' = 'SHA-256',
): Promise<Bytes> {
  const k = key instanceof CryptoKey ? key : await importHmacKey(key, hash);
  return new Uint8Array(await subtle().sign('HMAC', k, asBytes(message)));
}
