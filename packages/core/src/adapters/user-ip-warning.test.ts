/**
 * A getter that gives no valid client IP refuses every request with `400 user_ip_invalid`: the README's
 * old `cf-connecting-ip` getter did that to everyone off Cloudflare, with nothing logged. Now the
 * verifier warns — once a minute per source — naming the source and what it gave.
 */
import { describe, expect, it } from 'vitest';
import { CREDENTIALS, ENDPOINT, createFakeTencent } from '../../test/helpers/fake-tencent.js';
import type { CaptchaLogger } from '../types/options.js';
import { createCaptchaVerifier } from '../engine/verifier.js';
import { captchaMiddleware, type NodeRequestLike, type NodeResponseLike } from './express.js';
import { verifyFetchRequest } from './fetch.js';

function setup() {
  const warnings: Array<[string, Record<string, unknown> | undefined]> = [];
  const logger: CaptchaLogger = { warn: (message, data) => warnings.push([message, data]) };
  const tencent = createFakeTencent();
  const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint: ENDPOINT, fetch: tencent.fetch, env: {}, logger });
  return { verifier, warnings, tencent };
}

const body = JSON.stringify({ 'tencent-captcha-ticket': 'tr03XaCUZPAlPdIMqv17-KQ*', 'tencent-captcha-randstr': '@EcL' });
const request = (headers: Record<string, string> = {}) =>
  new Request('https://app.example/login', { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
const ipWarnings = (warnings: Array<[string, Record<string, unknown> | undefined]>) => warnings.filter(([m]) => m.includes('client IP'));

describe('refusing a request for its client IP', () => {
  it('verifyFetchRequest warns once which getter gave what, then stays quiet', async () => {
    const { verifier, warnings, tencent } = setup();
    const getUserIp = (r: Request) => r.headers.get('cf-connecting-ip');
    for (let i = 0; i < 5; i++) {
      const verdict = await verifyFetchRequest(verifier, request(), { getUserIp });
      expect(verdict).toMatchObject({ accepted: false, reason: 'user_ip_invalid' });
    }
    expect(ipWarnings(warnings)).toEqual([[expect.stringContaining('400 user_ip_invalid'), expect.objectContaining({ source: 'getUserIp', got: 'null' })]]);
    expect(tencent.calls).toHaveLength(0);
  });

  it('quotes an invalid value (capped) and names each source separately', async () => {
    const { verifier, warnings } = setup();
    await verifyFetchRequest(verifier, request({ 'x-ip': 'not-an-ip' }), { getUserIp: (r) => r.headers.get('x-ip') });
    await verifier.verify({ ticket: 'tr03XaCUZPAlPdIMqv17-KQ*', randstr: '@EcL', userIp: 'x'.repeat(500) });
    expect(ipWarnings(warnings).map(([, d]) => d)).toEqual([
      expect.objectContaining({ source: 'getUserIp', got: '"not-an-ip"' }),
      expect.objectContaining({ source: 'verify() input userIp', got: JSON.stringify('x'.repeat(64)) }),
    ]);
  });

  it('captchaMiddleware names req.socket.remoteAddress when Express gave no req.ip', async () => {
    const { verifier, warnings } = setup();
    const req = { method: 'POST', url: '/login', headers: {}, body: JSON.parse(body), socket: {} } as unknown as NodeRequestLike;
    const res: NodeResponseLike & { ended: Promise<void> } = Object.assign(
      { statusCode: 200, headersSent: false, locals: {}, setHeader: () => undefined, on: () => undefined, end: () => undefined },
      { ended: Promise.resolve() },
    );
    res.ended = new Promise<void>((resolve) => {
      res.end = () => resolve();
    });
    captchaMiddleware(verifier)(req, res, () => undefined);
    await res.ended;
    expect(res.statusCode).toBe(400);
    expect(ipWarnings(warnings)).toEqual([[expect.any(String), expect.objectContaining({ source: 'req.socket.remoteAddress', got: 'nothing (undefined)' })]]);
  });
});
