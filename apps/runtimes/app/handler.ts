/**
 * One Hono app, the same on every runtime: the default verifier (`createCaptchaVerifier` with only
 * the environment: no `fetch`, no transport option), created on first use, behind a login route.
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
  type CaptchaMode,
  type CaptchaVerifier,
} from '@tencent-captcha/core';
import { Hono } from 'hono';

/** What a runtime entry gives the app. */
export interface RuntimeAppOptions {
  /** Where the credentials and endpoint come from (`Bun.env`, `Deno.env`, a Worker's `env`). */
  env: () => Record<string, string | undefined>;
  /** The client's address as the runtime reports it. */
  getUserIp: (request: Request) => string | null | undefined;
}

/** Creates the app's `fetch` handler. */
export function createRuntimeApp(options: RuntimeAppOptions): (request: Request) => Promise<Response> {
  let verifier: CaptchaVerifier | undefined;
  // Created on the first request, not at module scope: a Worker's `env` exists only then.
  const getVerifier = (): CaptchaVerifier => (verifier ??= createCaptchaVerifier({ env: options.env() }));
  const app = new Hono();
  const login = (mode: CaptchaMode) => async (c: { req: { raw: Request } }) => {
    const started = Date.now();
    const verdict = await verifyFetchRequest(getVerifier(), c.req.raw, { getUserIp: options.getUserIp, mode });
    const elapsed = { 'x-elapsed-ms': String(Date.now() - started) };
    if (!verdict.accepted) {
      const refusal = createVerdictResponse(verdict);
      refusal.headers.set('x-elapsed-ms', elapsed['x-elapsed-ms']);
      return refusal;
    }
    return Response.json({ ok: true, status: verdict.status, reason: verdict.reason }, { headers: elapsed });
  };
  app.post('/login', login('adaptive'));
  app.post('/login-closed', login('closed'));
  app.get('/check', async (c) => c.json(await getVerifier().check()));
  app.post('/close', async (c) => {
    await getVerifier().close();
    return c.json({ closed: true });
  });
  return async (request) => app.fetch(request);
}
