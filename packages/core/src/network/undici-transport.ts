/**
 * The Node transport (design §3.0): undici's `Pool` driven through `dispatch` with a small handler —
 * keep-alive to the endpoint's origin, no AbortController, no stream objects, the body capped while
 * it streams. Chosen by capability, not by `process.versions.node`: {@link loadUndiciPool} builds a
 * pool and checks that it really has `dispatch` and `destroy` (Bun answers `import('undici')` with a
 * stub whose pools have neither), and answers `null` where undici does not run.
 *
 * Only the Node build imports this file (default-transport.ts); the Fetch-only build has no undici.
 */
import { MAX_RESPONSE_BYTES, ResponseTooLargeError, type Transport, type TransportControl, type TransportRequest, type TransportResponse } from './transport.js';
import { LocalTransportError } from './local-fault.js';

/** What `import('undici')` gives, as far as the transport uses it. */
export interface UndiciModule {
  Pool: new (origin: string, options: object) => unknown;
  ProxyAgent: new (options: object) => unknown;
}

/** The part of undici's `Pool` used here (the legacy handler interface, supported by undici 6–7). */
export interface UndiciPool {
  dispatch(options: { origin: string; path: string; method: 'POST'; headers: string[]; body: string }, handler: object): boolean;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * One request's undici handler: collects the body up to the cap and settles a promise. A class, not a
 * closure per call: cheaper at thousands of verifications a second.
 */
class CappedHandler {
  status = 0;
  private chunks: Buffer[] = [];
  private size = 0;
  private abortFn: ((reason: Error) => void) | null = null;
  private settled = false;
  constructor(
    private readonly control: TransportControl,
    private readonly resolve: (r: TransportResponse) => void,
    private readonly reject: (e: unknown) => void,
  ) {
    control.cancel = (reason) => this.cancel(reason);
  }
  private cancel(reason: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(reason);
    // Before onConnect there is nothing to abort yet; onConnect then aborts at once.
    this.abortFn?.(reason);
  }
  onConnect(abort: (reason: Error) => void): void {
    this.abortFn = abort;
    if (this.settled) abort(new Error('cancelled'));
  }
  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    this.status = status;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!;
      if (name.length === 14 && name.toString('latin1').toLowerCase() === 'content-length') {
        if (Number(rawHeaders[i + 1]!.toString('latin1')) > MAX_RESPONSE_BYTES) this.fail(new ResponseTooLargeError());
      }
    }
    return true;
  }
  onData(chunk: Buffer): boolean {
    this.size += chunk.length;
    if (this.size > MAX_RESPONSE_BYTES) {
      this.fail(new ResponseTooLargeError());
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }
  onComplete(): void {
    if (this.settled) return;
    this.settled = true;
    const body = this.chunks.length === 1 ? this.chunks[0]!.toString('utf8') : Buffer.concat(this.chunks, this.size).toString('utf8');
    this.resolve({ status: this.status, body });
  }
  onError(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }
  /** undici wrote the whole request to the socket: from now on, silence is Tencent's. */
  onRequestSent(): void {
    this.control.onSent?.();
  }
  onUpgrade(): void {}
  private fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.chunks = [];
    this.reject(error);
    this.abortFn?.(error);
  }
}

/** Whether `candidate` is a pool this transport can drive (a real undici `Pool` or `ProxyAgent`). */
function isUsablePool(candidate: unknown): candidate is UndiciPool {
  const p = candidate as Partial<Record<keyof UndiciPool, unknown>> | null;
  return typeof p === 'object' && p !== null && typeof p.dispatch === 'function' && typeof p.destroy === 'function';
}

/**
 * Loads undici and builds the pool (keep-alive, pipelining off), through undici's `ProxyAgent` (a
 * CONNECT tunnel) when a `proxy` URL is given. Resolves `null` when undici cannot be loaded or its pool
 * cannot work in this runtime; never rejects.
 */
export async function loadUndiciPool(
  origin: string,
  connections: number,
  proxy: string | undefined,
  load: () => Promise<UndiciModule> = () => import('undici') as Promise<UndiciModule>,
): Promise<UndiciPool | null> {
  try {
    const { Pool, ProxyAgent } = await load();
    const common = {
      connections,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 60_000,
      // The verifier's attempt timer bounds every request; undici's own timers would only add cost.
      headersTimeout: 0,
      bodyTimeout: 0,
    };
    const pool: unknown = proxy ? new ProxyAgent({ uri: proxy, ...common }) : new Pool(origin, common);
    return isUsablePool(pool) ? pool : null;
  } catch {
    return null;
  }
}

/** A transport over a pool from {@link loadUndiciPool}. */
export function createUndiciPoolTransport(endpoint: string, pool: UndiciPool, connections: number, name: string): Transport {
  const url = new URL(endpoint);
  const path = url.pathname;
  const origin = url.origin;
  let closed = false;
  return {
    connections,
    name,
    send(request, control) {
      if (closed) return Promise.reject(new Error('the verifier was closed'));
      return new Promise<TransportResponse>((resolve, reject) => {
        const h = request.headers;
        const headers: string[] = [];
        for (const k in h) headers.push(k, h[k]!);
        try {
          pool.dispatch({ origin, path, method: 'POST', headers, body: request.body }, new CappedHandler(control, resolve, reject));
        } catch (error) {
          // Thrown by dispatch itself: nothing was sent.
          reject(new LocalTransportError(`undici refused the request before sending it: ${String(error).slice(0, 160)}`, { cause: error }));
        }
      });
    },
    warm: () => Promise.resolve(),
    async close() {
      if (closed) return;
      closed = true;
      await pool.destroy().catch(() => undefined);
    },
  };
}
