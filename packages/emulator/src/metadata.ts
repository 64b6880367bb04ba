/**
 * The CVM instance metadata service's role credentials (what `metadata.tencentyun.com` answers on an
 * instance with a CAM role), under `/latest/meta-data/` of the emulator's origin:
 *
 * - `GET /latest/meta-data/cam/security-credentials/` — the role's name (text);
 * - `GET /latest/meta-data/cam/security-credentials/<role>` — `{ TmpSecretId, TmpSecretKey,
 *   ExpiredTime, Expiration, Token, Code: "Success" }`.
 *
 * Like the real service it answers the same key until it is past half its lifetime, then a fresh
 * one, so a client that refreshes ahead of expiry gets a new key. It can be switched off (its
 * connections are then reset, as if nothing listened) to test a metadata outage.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { send, sendJson } from './http.js';
import type { TemporaryKey, TemporaryKeyStore } from './temporary-keys.js';

/** The path prefix of the role credentials. */
export const METADATA_ROLE_PATH = '/latest/meta-data/cam/security-credentials/';

/** The metadata service of one emulator. @internal */
export interface MetadataService {
  /** Handles `/latest/meta-data/…`; `undefined` for other paths. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): string | undefined;
  available: boolean;
  readonly requests: number;
}

/** Creates it for one role. @internal */
export function createMetadataService(roleName: string, keys: TemporaryKeyStore, now: () => number): MetadataService {
  let current: { key: TemporaryKey; renewAtMs: number } | undefined;
  let requests = 0;
  const roleKey = (): TemporaryKey => {
    if (!current || now() >= current.renewAtMs) {
      const lifetime = keys.lifetimeSeconds;
      current = { key: keys.issue(lifetime), renewAtMs: now() + (lifetime * 1000) / 2 };
    }
    return current.key;
  };
  const service: MetadataService = {
    available: true,
    get requests() {
      return requests;
    },
    handle(req, res, url) {
      if (!url.pathname.startsWith('/latest/meta-data/')) return undefined;
      requests += 1;
      if (!service.available) {
        req.socket.resetAndDestroy();
        return 'metadata down (connection reset)';
      }
      if (req.method !== 'GET') {
        send(res, 405, 'Method Not Allowed\n', { allow: 'GET', 'content-type': 'text/plain' });
        return 'metadata method not allowed';
      }
      if (url.pathname === METADATA_ROLE_PATH) {
        send(res, 200, roleName, { 'content-type': 'text/plain' });
        return 'metadata role name';
      }
      if (url.pathname === METADATA_ROLE_PATH + roleName) {
        sendJson(res, 200, { ...roleKey(), Code: 'Success' });
        return 'metadata role credentials';
      }
      send(res, 404, '404 - Not Found\n', { 'content-type': 'text/plain' });
      return 'metadata not found';
    },
  };
  return service;
}
