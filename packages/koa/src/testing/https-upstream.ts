/**
 * A healthy HTTPS stand-in for Tencent on 127.0.0.1 port 0 (a self-signed certificate made by
 * `openssl`, installed by `.ci/run`): every `DescribeCaptchaResult` is answered after `latencyMs` with
 * a junk ticket's answer (CaptchaCode 15). Certificate checks are off (`NODE_TLS_REJECT_UNAUTHORIZED`)
 * until `close()`, so the verifier's real undici transport can reach it; tests only.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function startHttpsUpstream(latencyMs: number): Promise<{ endpoint: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tc-koa-https-'));
  let pair: { key: string; cert: string };
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    pair = { key: readFileSync(join(dir, 'k.pem'), 'utf8'), cert: readFileSync(join(dir, 'c.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const previous = process.env['NODE_TLS_REJECT_UNAUTHORIZED'];
  process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';
  let seq = 0;
  const server = createServer(pair, (req, res) => {
    req.resume();
    req.on('end', () => {
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ Response: { CaptchaCode: 15, CaptchaMsg: 'decrypt fail', EvilLevel: 0, GetCaptchaTime: 0, EvilBitmap: 0, SubmitCaptchaTime: 0, RequestId: `r-${++seq}` } }));
      }, latencyMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `https://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (previous === undefined) delete process.env['NODE_TLS_REJECT_UNAUTHORIZED'];
      else process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = previous;
    },
  };
}
