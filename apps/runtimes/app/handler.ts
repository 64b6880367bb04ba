/**
 * One Fetch-API app, the same on every runtime: the default verifier (`createCaptchaVerifier` with
 * only the environment: no `fetch`, no transport option), created on first use, behind a login route.
 * Each runtime's entry (bun.ts, deno.ts, worker.ts) passes its own environment and client IP.
 *
 * - `POST /login`: the captcha guard (mode `adaptive`); refusals are core's own responses
 *   (`{ code, message }`). `POST /login-closed`: the same in mode `closed`.
 * - `GET /check`: `verifier.check()`, which names the transport in use.
 * - `POST /close`: `verifier.close()`.
 */
import {
  createCaptchaVerifier,
  createVerdictResponse,
  verifyFetchRequest,
  type CaptchaVerifier,
} from '@tencent-captcha/core';

/** What a runtime entry gives the app. */
export interface RuntimeAppOptions {
  /** Where the credentials and endpoint come from (`process.env`, `Deno.env`, a Worker's `env`). */
  env: () => Record<string, string | undefined>;
  /** The client's address as the runtime reports it. */
  getUserIp: (request: Request) => string | null | undefined;
}

/** Creates the app's `fetch` handler. */
export function createRuntimeApp(options: RuntimeAppOptions): (request: Request) => Promise<Response> {
  let verifier: CaptchaVerifier | undefined;
  // Created on the first request, not at module scope: a Worker's `env` exists only then.
  const getVerifier = (): CaptchaVerifier => (verifier ??= createCaptchaVerifier({ env: options.env() }));
  return async (request) => {
    const { pathname } = new URL(request.url);
    if (request.method === 'POST' && (pathname === '/login' || pathname === '/login-closed')) {
      const started = Date.now();
      const mode = pathname === '/login' ? 'adaptive' : 'closed';
      const verdict = await verifyFetchRequest(getVerifier(), request, { getUserIp: options.getUserIp, mode });
      const elapsedMs = Date.now() - started;
      if (!verdict.accepted) {
        const refusal = createVerdictResponse(verdict);
        refusal.headers.set('x-elapsed-ms', String(elapsedMs));
        return refusal;
      }
      return Response.json({ ok: true, status: verdict.status, reason: verdict.reason }, { headers: { 'x-elapsed-ms': String(elapsedMs) } });
    }
    if (request.method === 'GET' && pathname === '/check') return Response.json(await getVerifier().check());
    if (request.method === 'POST' && pathname === '/close') {
      await getVerifier().close();
      return Response.json({ closed: true });
    }
    return new Response('not found', { status: 404 });
  };
}
