// Small node:http helpers shared by the routes.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Bodies larger than this are refused. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Thrown by {@link readBody} when the body is too large. */
export class BodyTooLargeError extends Error {
  constructor() {
    super('request body too large');
  }
}

/** Reads the whole request body as UTF-8, refusing more than `limit` bytes. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    // A client that goes away mid-body must not leave this promise pending.
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}

/** Whether the response can still be written. */
export function writable(res: ServerResponse): boolean {
  return !res.headersSent && !res.destroyed && !res.writableEnded;
}

/** Sends a body with a status and headers, unless the response is already gone. */
export function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string | number> = {}): void {
  if (!writable(res)) return;
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { 'content-length': buf.length, ...headers });
  res.end(buf);
}

/** Sends JSON. */
export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(value), { 'content-type': 'application/json; charset=utf-8', ...headers });
}

/** CORS headers for the control and SDK endpoints: any origin may call them. */
export function corsHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
    'access-control-allow-headers': String(req.headers['access-control-request-headers'] ?? 'content-type'),
    'access-control-max-age': '600',
    'cross-origin-resource-policy': 'cross-origin',
  };
  if (req.headers['access-control-request-private-network'] === 'true') headers['access-control-allow-private-network'] = 'true';
  return headers;
}

/** The request's `Host` header, or the listening address. */
export function hostOf(req: IncomingMessage, fallback: string): string {
  const host = req.headers.host;
  return typeof host === 'string' && host.length > 0 ? host : fallback;
}

/** Strips a `:port` from a Host value (IPv6 literals keep their brackets). */
export function stripPort(host: string): string {
  const m = /^(\[[^\]]*\]|[^:]+)(?::\d+)?$/.exec(host);
  return m?.[1] ?? host;
}
