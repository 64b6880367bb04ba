/**
 * Which transport a verifier sends with: the injected `fetch`, else this build's default. Its own
 * file so that transport.ts (shared by both builds) never imports default-transport.ts, the file the
 * Fetch-only build swaps.
 */
import type { FetchLike } from '../types/options.js';
import { createDefaultTransport } from './default-transport.js';
import { createFetchTransport, type Transport } from './transport.js';

/**
 * The transport for options: the injected `fetch`, else this build's default
 * (network/default-transport.ts: undici where it really runs, else the runtime's `fetch`; the
 * Fetch-only build, for workerd and other `worker`/`browser` runtimes, always the runtime's `fetch`).
 */
export function createTransport(endpoint: string, fetchFn: FetchLike | undefined, connections = 64, proxy?: string): Transport {
  if (fetchFn) return createFetchTransport(endpoint, fetchFn, connections, 'fetch (injected)');
  return createDefaultTransport(endpoint, connections, proxy);
}
