// SHA-256 and HMAC for every runtime. On Node (and Bun/Deno, which provide it) `node:crypto` is used
// synchronously: about a tenth of WebCrypto's cost per call on Node 20, which matters on a server
// signing every verification. Elsewhere (browsers, workers) WebCrypto. `node:crypto` is reached through
// `process.getBuiltinModule`, never a static import, so browser bundles never see it.
import { toHex, utf8 } from './encoding.js';

type Bytes = Uint8Array<ArrayBuffer>;
type Hash = 'SHA-256' | 'SHA-1';

interface NodeDigest {
  update(data: Uint8Array): NodeDigest;
  digest(): Uint8Array;
  digest(encoding: 'hex'): string;
}
interface NodeCrypto {
  createHash(algorithm: string): NodeDigest;
  createHmac(algorithm: string, key: Uint8Array): NodeDigest;
}

let nodeCrypto: NodeCrypto | null | undefined;

/** `node:crypto` when the runtime has it, else `null`. Resolved once, on first use. */
function node(): NodeCrypto | null {
  if (nodeCrypto === undefined) {
    try {
      const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
      nodeCrypto = (proc?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined) ?? null;
    } catch {
      nodeCrypto = null;
    }
  }
  return nodeCrypto;
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('Neither node:crypto nor WebCrypto (globalThis.crypto.subtle) is available in this runtime');
  return s;
}

const asBytes = (data: string | Uint8Array): Bytes => (typeof data === 'string' ? utf8(data) : (data as Bytes));
const nodeName = (hash: Hash): string => (hash === 'SHA-256' ? 'sha256' : 'sha1');

declare const hmacKeyBrand: unique symbol;
/** An HMAC key prepared by {@link importHmacKey} for repeated signing (opaque). */
export type HmacKey = { readonly [hmacKeyBrand]: Hash };

interface PreparedKey {
  hash: Hash;
  /** The raw key bytes (node:crypto path) or an imported WebCrypto key. */
  key: Bytes | CryptoKey;
}

/** SHA-256 of UTF-8 text or bytes, lower-case hex. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const n = node();
  if (n) return n.createHash('sha256').update(asBytes(data)).digest('hex');
  return toHex(new Uint8Array(await subtle().digest('SHA-256', asBytes(data))));
}

/** Prepares an HMAC key once for many {@link hmac} calls. */
export async function importHmacKey(key: string | Uint8Array, hash: Hash = 'SHA-256'): Promise<HmacKey> {
  const bytes = asBytes(key);
  const prepared: PreparedKey = node()
    ? { hash, key: bytes }
    : { hash, key: await subtle().importKey('raw', bytes, { name: 'HMAC', hash }, false, ['sign']) };
  return prepared as unknown as HmacKey;
}

const isPrepared = (key: unknown): key is PreparedKey =>
  typeof key === 'object' && key !== null && !(key instanceof Uint8Array) && 'hash' in key && 'key' in key;

/** HMAC of `message` under `key` (raw bytes or text, or a key from {@link importHmacKey}). */
export async function hmac(key: string | Uint8Array | HmacKey, message: string | Uint8Array, hash: Hash = 'SHA-256'): Promise<Bytes> {
  const prepared: PreparedKey = isPrepared(key) ? key : { hash, key: asBytes(key as string | Uint8Array) };
  const n = node();
  if (n && prepared.key instanceof Uint8Array) {
    return n.createHmac(nodeName(prepared.hash), prepared.key).update(asBytes(message)).digest() as Bytes;
  }
  const cryptoKey =
    prepared.key instanceof Uint8Array
      ? await subtle().importKey('raw', prepared.key, { name: 'HMAC', hash: prepared.hash }, false, ['sign'])
      : prepared.key;
  return new Uint8Array(await subtle().sign('HMAC', cryptoKey, asBytes(message)));
}
