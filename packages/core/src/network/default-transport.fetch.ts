/**
 * The default transport of the Fetch-only build (export conditions `workerd`, `worker`, `browser`):
 * the runtime's own `fetch`, and nothing from Node in the import graph, so wrangler bundles core
 * without `nodejs_compat`. The Node build uses default-transport.ts instead (tsup swaps the file).
 * What cannot work here fails at creation with a `CaptchaConfigError` saying what to do.
 */
import { CaptchaConfigError } from '../config/errors.js';
import { createFetchTransport, type Transport } from './transport.js';

/** Same signature as default-transport.ts's. */
export function createDefaultTransport(endpoint: string, connections: number, proxy: string | undefined): Transport {
  if (proxy !== undefined) {
    throw new CaptchaConfigError(
      'invalid_option',
      'proxy',
      'proxy needs undici, which this build of core (for workerd, worker and browser runtimes) does not include: pass a fetch that goes through your proxy instead.',
    );
  }
  if (typeof globalThis.fetch !== 'function') {
    throw new CaptchaConfigError('invalid_option', 'fetch', 'this runtime has no global fetch: pass one as the fetch option.');
  }
  // Called on globalThis: workerd refuses a detached `fetch` ("Illegal invocation").
  return createFetchTransport(endpoint, (url, init) => (globalThis.fetch as unknown as Parameters<typeof createFetchTransport>[1])(url, init), connections, "fetch (the runtime's own)");
}
