/**
 * A tiny HTTPS stand-in for Tencent on 127.0.0.1 port 0, with a self-signed certificate made by
 * `openssl` (installed by `.ci/run`): it answers every `DescribeCaptchaResult` after `latencyMs` with
 * a junk ticket's answer (CaptchaCode 15). The verifier's real undici transport reaches it with
 * certificate checks off (`NODE_TLS_REJECT_UNAUTHORIZED=0` while it runs), which is only for tests.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A self-signed certificate for 127.0.0.1 (throws when openssl is missing). */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tc-https-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'k.pem'), 'utf8'), cert: readFileSync(join(dir, 'c.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The running stand-in. */
export interface HttpsTencent {
  endpoint: string;
  /** Requests answered so far. */
  readonly answered: number;
  close(): Promise<void>;
}

/** Starts the stand-in; the TLS check is off until `close()`. */
export async function startHttpsTencent(latencyMs = 20): Promise<HttpsTencent> {
  const previous = process.env['NODE_TLS_REJECT_UNAUTHORIZED'];
  process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';
  let answered = 0;
  let seq = 0;
  const server: Server = createServer(selfSignedCertificate(), (req, res) => {
    req.resume();
    req.on('end', () => {
      setTimeout(() => {
        answered++;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ Response: { CaptchaCode: 15, CaptchaMsg: 'decrypt fail', EvilLevel: 0, GetCaptchaTime: 0, EvilBitmap: 0, SubmitCaptchaTime: 0, RequestId: `r-${++seq}` } }));
      }, latencyMs);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `https://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    get answered() {
      return answered;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (previous === undefined) delete process.env['NODE_TLS_REJECT_UNAUTHORIZED'];
      else process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = previous;
    },
  };
}
