/**
 * A login route guarded by the captcha. The verifier is created at module scope, but lazily: `next
 * build` imports this module to collect its configuration, with no credentials in the environment,
 * and nothing is read or checked until the first request. On Node (this route's runtime) the verifier
 * sends with undici's pool; nothing to pass. With `export const runtime = 'edge'` Next picks core's
 * Fetch-only build (export conditions `worker`/`browser`), which sends with the runtime's `fetch`.
 */
import { createLazyCaptchaVerifier, createVerdictResponse, forwardedClientIp, verifyFetchRequest } from '@tencent-captcha/core';

// Credentials (and TENCENT_CAPTCHA_ENDPOINT) from the environment, read on the first request.
const verifier = createLazyCaptchaVerifier({});

export async function POST(request: Request): Promise<Response> {
  const verdict = await verifyFetchRequest(verifier, request, {
    // One reverse proxy of yours in front of `next start`: its X-Forwarded-For hop is the client.
    getUserIp: (r) => forwardedClientIp(r, 1),
    mode: 'closed',
  });
  if (!verdict.accepted) return createVerdictResponse(verdict);
  // … the protected action; the body is still readable …
  return Response.json({ ok: true, captcha: verdict.status });
}
