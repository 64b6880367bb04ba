/**
 * Our own fault is never Tencent's outage (design §3.2a). A failure raised before any byte left this
 * process — a transport that cannot run in this runtime, a missing API, a `TypeError` from a broken
 * `fetch` or polyfill, a refused option, a signer that cannot sign — says nothing about Tencent. Such
 * an attempt is `misconfigured` (503, reported loudly), never upstream silence: it neither opens the
 * gate (no degraded acceptance) nor touches the breaker.
 */

/** Code of {@link LocalTransportError}. */
export const LOCAL_FAULT_CODE = 'LOCAL_TRANSPORT_FAULT';

/** A transport's own failure before anything was sent (it cannot run here, or was used wrongly). */
export class LocalTransportError extends Error {
  static {
    Object.defineProperty(this, 'name', { value: 'LocalTransportError' });
  }
  readonly code = LOCAL_FAULT_CODE;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LocalTransportError';
  }
}

// What a JS engine says about a programming error; never how a runtime reports a network failure
// (those are `TypeError: fetch failed` with a coded cause, `ECONNREFUSED`, `Network connection lost`…).
const PROGRAMMING_ERROR = /\bis not a (?:function|constructor)\b|\bcannot read propert|\bis not defined\b|\bis not implemented\b|\bnot implemented yet\b|\bis not iterable\b|\bundefined is not an object\b/i;

/** Whether a transport error (or anything in its `cause` chain) carries a network error code. */
function hasNetworkCode(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== LOCAL_FAULT_CODE) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Whether an error from a transport was raised in this process before any byte could leave it: a
 * {@link LocalTransportError}, a `ReferenceError`/`SyntaxError`, or a `TypeError` that reads like a
 * programming error (`x is not a function`, `Cannot read properties of undefined`) and carries no
 * network error code.
 */
export function isLocalFault(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as { code?: unknown }).code === LOCAL_FAULT_CODE) return true;
  if (error instanceof ReferenceError || error instanceof SyntaxError) return true;
  if (error instanceof TypeError) return !hasNetworkCode(error) && PROGRAMMING_ERROR.test(error.message);
  return false;
}

/** One line about a local fault for logs and verdict details: the error's class and message, capped. */
export function describeLocalFault(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 200);
  return String(error).slice(0, 200);
}
