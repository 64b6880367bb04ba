/**
 * What the guard does with the platform's request and response objects — the same code for Express and
 * Fastify, over plain HTTP and over GraphQL: find them in the execution context, store the verdict, set
 * a header, watch for a client disconnect.
 */
import type { ExecutionContext } from '@nestjs/common';
import type { CaptchaVerdict } from '@tencent-captcha/core';
import { CAPTCHA_VERDICT_PROPERTY } from './captcha.constants.js';
import { CaptchaClientClosedException } from './captcha.exception.js';
import type { CaptchaHttpRequest } from './captcha.options.js';

/** The HTTP request (and its response, where one can be found) behind an execution context. */
export interface CaptchaTarget {
  /** Express's `req` or Fastify's `request`. */
  readonly request: CaptchaHttpRequest & object;
  /** Express's `res` or Fastify's `reply`; `undefined` when the context does not carry one. */
  readonly response: unknown;
}

function isHttpRequest(value: unknown): value is CaptchaHttpRequest & object {
  return typeof value === 'object' && value !== null && typeof (value as { headers?: unknown }).headers === 'object' && (value as { headers?: unknown }).headers !== null;
}

/**
 * The HTTP request behind a GraphQL resolver call, read from the GraphQL context (the resolver's third
 * argument) without importing `@nestjs/graphql`: Apollo's Nest driver puts the request at `req` (Express
 * `Request` or `FastifyRequest`), Mercurius at `reply.request`; a custom context that keeps `req` or
 * `request` works too. A subscription over WebSocket has none of them.
 */
function graphqlTarget(graphqlContext: unknown): CaptchaTarget | undefined {
  if (typeof graphqlContext !== 'object' || graphqlContext === null) return undefined;
  const c = graphqlContext as { req?: unknown; request?: unknown; res?: unknown; reply?: { request?: unknown } | null };
  const request = [c.req, c.request, c.reply?.request].find(isHttpRequest);
  if (request === undefined) return undefined;
  // Express sets `req.res`; Mercurius has the reply; Apollo on Fastify exposes no reply.
  const response = c.reply ?? c.res ?? (request as { res?: unknown }).res;
  return { request, response };
}

/**
 * The HTTP request and response of an HTTP route or of a GraphQL resolver (over HTTP); `undefined` for
 * any other context (RPC, WebSocket, a GraphQL subscription over WebSocket), which carries no captcha.
 * @internal
 */
export function captchaTargetOf(context: ExecutionContext): CaptchaTarget | undefined {
  const type = context.getType<string>();
  if (type === 'http') {
    const http = context.switchToHttp();
    const request: unknown = http.getRequest();
    return isHttpRequest(request) ? { request, response: http.getResponse() } : undefined;
  }
  if (type === 'graphql') return graphqlTarget(context.getArgs()[2]);
  return undefined;
}

type VerdictCarrier = { [CAPTCHA_VERDICT_PROPERTY]?: CaptchaVerdict };

/**
 * The verdict `CaptchaGuard` stored on this request (Express `req` or Fastify `request`), accepted or
 * refused; `undefined` if the guard did not verify it (not guarded, or skipped). For interceptors,
 * exception filters and middleware that run after the guard; in a handler use `@CaptchaVerdict()`.
 */
export function getCaptchaVerdict(request: object | null | undefined): CaptchaVerdict | undefined {
  return request == null ? undefined : (request as VerdictCarrier)[CAPTCHA_VERDICT_PROPERTY];
}

/** @internal */
export function setCaptchaVerdict(request: object, verdict: CaptchaVerdict): void {
  // Not enumerable: keeps the verdict out of loggers that serialise the request.
  Object.defineProperty(request, CAPTCHA_VERDICT_PROPERTY, { value: verdict, configurable: true, writable: true, enumerable: false });
}

/** The part of Node's `ServerResponse` used here. */
interface RawResponse {
  readonly destroyed?: boolean;
  readonly writableEnded?: boolean;
  readonly socket?: { readonly destroyed?: boolean } | null;
  once(event: 'close', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
  setHeader(name: string, value: string): unknown;
}

/** Express's `res` is Node's `ServerResponse`; Fastify's `reply` has it as `reply.raw`. */
function rawResponse(response: unknown): RawResponse | undefined {
  const candidate = (response as { raw?: unknown } | null)?.raw ?? response;
  return typeof (candidate as RawResponse | null)?.once === 'function' ? (candidate as RawResponse) : undefined;
}

/** @internal Sets a header on an Express or Fastify response before an exception is answered. */
export function setResponseHeaders(response: unknown, headers: Readonly<Record<string, string>>): void {
  const entries = Object.entries(headers);
  if (entries.length === 0) return;
  const reply = response as { header?: (name: string, value: string) => unknown } | null;
  const raw = rawResponse(response);
  for (const [name, value] of entries) {
    // Fastify keeps its own header list and writes it with writeHead; Express writes through setHeader.
    if (raw !== response && typeof reply?.header === 'function') reply.header(name, value);
    else raw?.setHeader(name, value);
  }
}

/**
 * An AbortSignal that aborts with {@link CaptchaClientClosedException} when the client goes away
 * before the response is written. The response is watched, not the request: on Node 20 the request
 * emits `close` as soon as its body has been read.
 * @internal
 */
export function linkClientAbort(response: unknown): { signal: AbortSignal; unlink: () => void } {
  const controller = new AbortController();
  const raw = rawResponse(response);
  if (raw === undefined) return { signal: controller.signal, unlink: () => {} };
  const onClose = (): void => {
    if (raw.writableEnded !== true) controller.abort(new CaptchaClientClosedException());
  };
  if (raw.destroyed === true || raw.socket?.destroyed === true) {
    onClose();
    return { signal: controller.signal, unlink: () => {} };
  }
  raw.once('close', onClose);
  return { signal: controller.signal, unlink: () => void raw.off('close', onClose) };
}
