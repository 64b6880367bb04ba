/**
 * A TLS failure on the way to the endpoint (here: a self-signed certificate, as a TLS-intercepting
 * proxy would present) is named in the warning and by the doctor, with its code.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CREDENTIALS } from '../../test/helpers/fake-tencent.js';
import { createCaptchaVerifier } from '../engine/verifier.js';

function selfSigned(): { key: string; cert: string } | null {
  const dir = mkdtempSync(join(tmpdir(), 'tc-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'k.pem'), 'utf8'), cert: readFileSync(join(dir, 'c.pem'), 'utf8') };
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pair = selfSigned();
if (!pair) console.warn('tls-failure.test.ts skipped: openssl is not installed, so no certificate can be made');
let server: Server;
let endpoint: string;

beforeAll(async () => {
  if (!pair) return;
  server = createServer(pair, (_req, res) => res.end('{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
});

const TLS_CODE = /DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID|UNABLE_TO_VERIFY_LEAF_SIGNATURE/;

describe.skipIf(!pair)('a TLS failure', () => {
  it('is named in the default warning with its code and a TLS hint', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint, env: {}, retry: { enabled: false } });
    try {
      await expect(verifier.verify({ ticket: 't', randstr: 'r', userIp: '203.0.113.7' })).resolves.toMatchObject({ status: 'degraded', reason: 'upstream_unreachable' });
      const lines = warn.mock.calls.map((c) => String(c[0])).join('\n');
      expect(lines).toMatch(TLS_CODE);
      expect(lines).toContain('TLS to 127.0.0.1:');
    } finally {
      warn.mockRestore();
      await verifier.close();
    }
  });

  it("fails the doctor's connect check with the code", async () => {
    const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint, env: {}, logger: false });
    try {
      const report = await verifier.check();
      const connect = report.checks.find((c) => c.name === 'connect')!;
      expect(connect.status).toBe('fail');
      expect(connect.summary).toMatch(TLS_CODE);
      expect(connect.hint).toMatch(/TLS-intercepting proxy/);
    } finally {
      await verifier.close();
    }
  });
});
