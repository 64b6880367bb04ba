/**
 * Sends one signed POST to the endpoint (design §3.0). On Node the default is undici's `Pool`
 * (undici-transport.ts); where undici does not really run (Bun, workerd) the runtime's own
 * `fetch`; an injected `fetch` (edge runtimes, tests) replaces either. The choice is made by
 * capability (default-transport.ts, through create-transport.ts), and the Fetch-only build has no undici in its import
 * graph at all. A transport that cannot run here fails with a local fault (local-fault.ts), never as
 * an upstream outage.
 *
 * Local overload is not an outage (design §3.2a): the verifier never hands a transport more requests
 * than it has connections (`dispatch.ts` queues the rest, bounded), so the time a request spends here
 * is time on the way to Tencent and back.
 */
import type { FetchLike } from '../types/options.js';
import { LocalTransportError } from './local-fault.js';

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
  /**
   * Set by the verifier; the transport calls it once the request has been written to the socket
   * (undici), or as it hands the request to `fetch` (which cannot tell).
   */
  onSent?: (() => void) | null;
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
  /**
   * What sends the requests, for `check()` and the doctor: `undici`, `fetch`, `fetch (injected)`…;
   * settled once {@link Transport.warm} has resolved.
   */
  readonly name: string;
  send(request: TransportRequest, control: TransportControl): Promise<TransportResponse>;
  /** Starts lazy work (loading undici) so the first verification does not pay for it; never rejects. */
  warm(): Promise<void>;
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

/** A transport over a Fetch-API `fetch`; `name` says which one (for `check()` and the doctor). */
export function createFetchTransport(endpoint: string, fetchFn: FetchLike, connections = 64, name = 'fetch'): Transport {
  return {
    connections,
    name,
    async send({ headers, body }, control) {
      const controller = new AbortController();
      control.cancel = (reason) => controller.abort(reason);
      control.onSent?.();
      let pending: ReturnType<FetchLike>;
      try {
        pending = fetchFn(endpoint, { method: 'POST', headers, body, signal: controller.signal });
      } catch (error) {
        // Thrown, not rejected: this fetch refused the call itself, so nothing was sent.
        throw new LocalTransportError(`fetch threw before sending: ${String(error).slice(0, 160)}`, { cause: error });
      }
      const res = await pending;
      return { status: res.status, body: await readCapped(res, controller) };
    },
    warm: () => Promise.resolve(),
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
