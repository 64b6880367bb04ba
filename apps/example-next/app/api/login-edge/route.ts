/**
 * The same route on Next's edge runtime: Next resolves core with the `worker`/`browser` export
 * conditions there, so this route gets core's Fetch-only build, which sends with the runtime's
 * `fetch`. Nothing to pass.
 */
import { createLazyCaptchaVerifier, createVerdictResponse, forwardedClientIp, verifyFetchRequest } from '@tencent-captcha/core';

export const runtime = 'edge';

const verifier = createLazyCaptchaVerifier({});

export async function POST(request: Request): Promise<Response> {
  const verdict = await verifyFetchRequest(verifier, request, { getUserIp: (r) => forwardedClientIp(r, 1), mode: 'closed' });
  if (!verdict.accepted) return createVerdictResponse(verdict);
  return Response.json({ ok: true, captcha: verdict.status });
}

/** `verifier.check()`: names the transport this runtime uses. */
export async function GET(): Promise<Response> {
  return Response.json(await verifier.check());
}
