/**
 * The default transport of the Node build (Node, Deno, Bun), chosen by capability on first use:
 * undici's pool where it really works (Node; Deno through its Node compatibility), else the runtime's
 * own `fetch` (Bun, whose `undici` is a stub). A `proxy` needs undici: where undici does not run, every
 * call fails as a local fault (`misconfigured`), never as an outage.
 *
 * The Fetch-only build (export conditions `workerd`, `worker`, `browser`) replaces this file with
 * default-transport.fetch.ts, so no Node built-in and no undici is in that build's import graph.
 */
import { LocalTransportError } from './local-fault.js';
import { createFetchTransport, type Transport } from './transport.js';
import { createUndiciPoolTransport, loadUndiciPool, type UndiciModule } from './undici-transport.js';

/** The runtime's global `fetch`, called on `globalThis` (workerd refuses a detached `fetch`). */
const globalFetch: Parameters<typeof createFetchTransport>[1] = (url, init) =>
  (globalThis.fetch as unknown as Parameters<typeof createFetchTransport>[1])(url, init);

/**
 * Creates the default transport: undici's pool or the runtime's `fetch`, decided when undici has been
 * loaded (on `warm()`, which the verifier calls at creation, or on the first request).
 * `loadUndici` is for tests.
 */
export function createDefaultTransport(
  endpoint: string,
  connections: number,
  proxy: string | undefined,
  loadUndici?: () => Promise<UndiciModule>,
): Transport {
  let chosen: Transport | undefined;
  let choosing: Promise<Transport> | undefined;
  let closed = false;
  const choose = (): Promise<Transport> =>
    (choosing ??= loadUndiciPool(new URL(endpoint).origin, connections, proxy, loadUndici).then((pool) => {
      if (pool) return (chosen = createUndiciPoolTransport(endpoint, pool, connections, proxy ? 'undici (through the proxy)' : 'undici'));
      if (proxy) {
        throw new LocalTransportError('proxy needs undici, which does not run in this runtime: pass a fetch that goes through your proxy instead');
      }
      if (typeof globalThis.fetch !== 'function') {
        throw new LocalTransportError('this runtime has neither a working undici nor a global fetch: pass one as the fetch option');
      }
      return (chosen = createFetchTransport(endpoint, globalFetch, connections, "fetch (the runtime's own; undici does not run here)"));
    }));
  return {
    connections,
    get name() {
      if (chosen) return chosen.name;
      return proxy ? 'none: proxy needs undici, which does not run in this runtime' : 'undici or fetch (not chosen yet)';
    },
    send(request, control) {
      if (closed) return Promise.reject(new Error('the verifier was closed'));
      if (chosen) return chosen.send(request, control);
      return choose().then((t) => t.send(request, control));
    },
    warm: () =>
      closed
        ? Promise.resolve()
        : choose().then(
            () => undefined,
            () => undefined,
          ),
    async close() {
      closed = true;
      const t = chosen ?? (choosing ? await choosing.catch(() => undefined) : undefined);
      await t?.close();
    },
  };
}
