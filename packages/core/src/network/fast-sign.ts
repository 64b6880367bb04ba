/**
 * TC3-HMAC-SHA256 for the one request shape core sends (POST, `content-type: application/json` and
 * `host` signed), synchronously with `node:crypto`: the signing key is derived once per UTC day, the
 * credential scope and date once per second, and the canonical request is one template. Equal to
 * protocol's `signTc3` for the same input (tested); `null` where `node:crypto` is missing, and the
 * caller then uses protocol's WebCrypto signer.
 */
import { TC3_ALGORITHM, tc3Date } from '@tencent-captcha/protocol';

interface Hmac {
  update(data: string): Hmac;
  digest(): Uint8Array;
  digest(encoding: 'hex'): string;
}
interface NodeCrypto {
  createHash(algorithm: 'sha256'): Hmac;
  createHmac(algorithm: 'sha256', key: string | Uint8Array): Hmac;
}

function nodeCrypto(): NodeCrypto | null {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    return (proc?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined) ?? null;
  } catch {
    return null;
  }
}

/** A synchronous signer for one credential, service and host. */
export interface FastTc3Signer {
  /** The `Authorization` header for a JSON POST of `payload` at `timestamp` (Unix seconds). */
  sign(timestamp: number, payload: string): string;
}

/** Creates a {@link FastTc3Signer}, or `null` without `node:crypto`. */
export function createFastTc3Signer(options: { secretId: string; secretKey: string; service: string; host: string }): FastTc3Signer | null {
  const crypto = nodeCrypto();
  if (!crypto) return null;
  const { secretId, secretKey, service } = options;
  // Canonical headers are lower-cased and trimmed (protocol.md §3.2).
  const canonicalHead = `POST\n/\n\ncontent-type:application/json\nhost:${options.host.toLowerCase().trim()}\n\ncontent-type;host\n`;
  let day = '';
  let key: Uint8Array = new Uint8Array();
  let second = -1;
  let stsHead = '';
  let authHead = '';
  const keyFor = (date: string): Uint8Array => {
    if (date !== day) {
      const secretDate = crypto.createHmac('sha256', `TC3${secretKey}`).update(date).digest();
      const secretService = crypto.createHmac('sha256', secretDate).update(service).digest();
      key = crypto.createHmac('sha256', secretService).update('tc3_request').digest();
      day = date;
    }
    return key;
  };
  return {
    sign(timestamp, payload) {
      if (timestamp !== second) {
        const date = tc3Date(timestamp);
        keyFor(date);
        stsHead = `${TC3_ALGORITHM}\n${timestamp}\n${date}/${service}/tc3_request\n`;
        authHead = `${TC3_ALGORITHM} Credential=${secretId}/${date}/${service}/tc3_request, SignedHeaders=content-type;host, Signature=`;
        second = timestamp;
      }
      const hashedPayload = crypto.createHash('sha256').update(payload).digest('hex');
      const canonicalHash = crypto.createHash('sha256').update(canonicalHead + hashedPayload).digest('hex');
      return authHead + crypto.createHmac('sha256', key).update(stsHead + canonicalHash).digest('hex');
    },
  };
}
