/**
 * Sends one signed POST to the endpoint (design §3.0). On Node the default is undici's `Pool` driven
 * through `dispatch` with a small handler: keep-alive to the endpoint's origin, no AbortController, no
 * stream objects, the body capped while it streams. undici is imported lazily, only when no `fetch` is
 * injected, so the package still imports in Fetch-API runtimes. An injected `fetch` (edge runtimes,
 * tests) replaces it.
 *
 * Local overload is not an outage (design §3.2a): the verifier never hands a transport more requests
 * than it has connections (`dispatch.ts` queues the rest, bounded), so the time a request spends here
 * is time on the way to Tencent and back.
 */
import type { FetchLike } from '../types/options.js';

/** One request. */
export interface TransportRequest {
  headers: Record<string, string>;
  body: string;
}

/**
 * Lets the verifier cancel a request in flight without an `AbortSignal`. The transport sets `cancel`
 * once the request can be cancelled; the verifier calls it when the attempt timer fires or the caller
 * goes away (and then stops waiting for the transport's promise).
 */
export interface TransportControl {
  cancel: ((reason: Error) => void) | null;
}

/** One response; the body is read completely (undici needs it consumed to reuse the socket). */
export interface TransportResponse {
  status: number;
  body: string;
}

/** Sends requests to one endpoint. */
export interface Transport {
  /** How many requests it can have in flight without queueing them itself. */
  readonly connections: number;
  send(request: TransportRequest, control: TransportControl): Promise<TransportResponse>;
  /** Starts lazy work (loading undici) so the first verification does not pay for it. */
  warm(): void;
  close(): Promise<void>;
}

/**
 * Largest answer read. A `DescribeCaptchaResult` answer is a few hundred bytes; anything over this is
 * not one, and reading it would let a broken or hostile upstream (or proxy) fill our memory. Over the
 * cap the attempt fails as an upstream error, whether the answer is chunked or has a length.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** The error a transport fails with when the answer is over {@link MAX_RESPONSE_BYTES}. */
export class ResponseTooLargeError extends Error {
  readonly code = 'RESPONSE_TOO_LARGE';
  constructor() {
    super(`the answer is larger than ${MAX_RESPONSE_BYTES} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}

/** A transport over a Fetch-API `fetch`. */
export function createFetchTransport(endpoint: string, fetchFn: FetchLike, connections = 64): Transport {
  return {
    connections,
    async send({ headers, body }, control) {
      const controller = new AbortController();
      control.cancel = (reason) => controller.abort(reason);
      const res = await fetchFn(endpoint, { method: 'POST', headers, body, signal: controller.signal });
      return { status: res.status, body: await readCapped(res, controller) };
    },
    warm() {},
    async close() {},
  };
}

type FetchResponse = Awaited<ReturnType<FetchLike>> & {
  headers?: { get(name: string): string | null };
  body?: ReadableStream<Uint8Array> | null;
};

/** Reads a fetch answer up to the cap, streaming when the runtime gives a stream. */
async function readCapped(res: FetchResponse, controller: AbortController): Promise<string> {
  const declared = Number(res.headers?.get?.('content-length') ?? Number.NaN);
  if (declared > MAX_RESPONSE_BYTES) {
    controller.abort(new ResponseTooLargeError());
    throw new ResponseTooLargeError();
  }
  const stream = res.body;
  if (!stream || typeof stream.getReader !== 'function') {
    // A minimal fetch (tests, some polyfills) without a stream: the text is already in memory.
    const text = await res.text();
    if (text.length > MAX_RESPONSE_BYTES) throw new ResponseTooLargeError();
    return text;
  }
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => undefined);
      controller.abort(new ResponseTooLargeError());
      throw new ResponseTooLargeError();
    }
    chunks.push(value);
  }
  return decodeUtf8(chunks, total);
}

let decoder: TextDecoder | undefined;
function decodeUtf8(chunks: readonly Uint8Array[], total: number): string {
  decoder ??= new TextDecoder();
  if (chunks.length === 1) return decoder.decode(chunks[0]);
  const all = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  return decoder.decode(all);
}

/** The part of undici's `Pool` used here (the legacy handler interface, supported by undici 6–7). */
interface UndiciPool {
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
  onUpgrade(): void {}
  private fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.chunks = [];
    this.reject(error);
    this.abortFn?.(error);
  }
}

/**
 * A transport over undici's `Pool` (keep-alive, pipelining off), created on first use; through
 * undici's `ProxyAgent` (a CONNECT tunnel) when a `proxy` URL is given.
 */
export function createUndiciTransport(endpoint: string, connections = 64, proxy?: string): Transport {
  const url = new URL(endpoint);
  let pool: UndiciPool | undefined;
  let loading: Promise<UndiciPool> | undefined;
  let closed = false;
  const load = (): Promise<UndiciPool> => {
    loading ??= import('undici').then(({ Pool, ProxyAgent }) => {
      const common = {
        connections,
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 60_000,
        // The verifier's attempt timer bounds every request; undici's own timers would only add cost.
        headersTimeout: 0,
        bodyTimeout: 0,
      };
      pool = (proxy ? new ProxyAgent({ uri: proxy, ...common }) : new Pool(url.origin, common)) as unknown as UndiciPool;
      return pool;
    });
    // A failed import must not stick forever.
    loading.catch(() => {
      loading = undefined;
    });
    return loading;
  };
  const path = url.pathname;
  const origin = url.origin;
  const dispatch = (p: UndiciPool, request: TransportRequest, control: TransportControl): Promise<TransportResponse> =>
    new Promise<TransportResponse>((resolve, reject) => {
      const h = request.headers;
      const headers: string[] = [];
      for (const k in h) headers.push(k, h[k]!);
      p.dispatch({ origin, path, method: 'POST', headers, body: request.body }, new CappedHandler(control, resolve, reject));
    });
  return {
    connections,
    send(request, control) {
      if (closed) return Promise.reject(new Error('the verifier was closed'));
      if (pool) return dispatch(pool, request, control);
      return load().then((p) => dispatch(p, request, control));
    },
    warm() {
      if (!closed) load().catch(() => undefined);
    },
    async close() {
      closed = true;
      const p = pool ?? (loading ? await loading.catch(() => undefined) : undefined);
      pool = undefined;
      loading = undefined;
      if (p) await p.destroy().catch(() => undefined);
    },
  };
}

/** Whether this runtime is Node (where undici is the fast default). */
function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === 'string';
}

/** The transport for options: the injected `fetch`, else undici on Node, else the global `fetch`. */
export function createTransport(endpoint: string, fetchFn: FetchLike | undefined, connections = 64, proxy?: string): Transport {
  if (fetchFn) return createFetchTransport(endpoint, fetchFn, connections);
  if (isNode()) return createUndiciTransport(endpoint, connections, proxy);
  return createFetchTransport(endpoint, globalThis.fetch as unknown as FetchLike, connections);
}

// Error codes meaning the connection was never established, so the request never reached Tencent.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** Whether an error from `send` says the request never left this machine (so a retry is safe). */
export function isConnectFailure(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_SENT_CODES.has(code)) return true;
    // AggregateError from happy-eyeballs connects.
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0 && errors.every((x) => isConnectFailure(x))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
