import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { inspect } from 'node:util';
import { createEmulator } from '@tencent-captcha/emulator';
import { describe, expect, it } from 'vitest';
import { CREDENTIALS, ENDPOINT, createFakeTencent } from '../../test/helpers/fake-tencent.js';
import { CaptchaConfigError } from './errors.js';
import { createCaptchaVerifier } from '../engine/verifier.js';

const base = { ...CREDENTIALS, endpoint: ENDPOINT, env: {} };

describe('createCaptchaVerifier() refuses what it would otherwise ignore', () => {
  it.each([
    [{ deadlineMS: 1000 }, 'deadlineMS', 'deadlineMs'],
    [{ attemptTimeout: 1000 }, 'attemptTimeout', 'attemptTimeoutMs'],
    [{ budgets: { perIpp: 1 } }, 'budgets.perIpp', 'budgets.perIp'],
    [{ breaker: { threshold: 2 } }, 'breaker.threshold', 'breaker.failureThreshold'],
    [{ hooks: { onVerdit: () => undefined } }, 'hooks.onVerdit', 'hooks.onVerdict'],
  ])('refuses %o naming %s and the nearest option %s', (extra, option, nearest) => {
    let error: unknown;
    try {
      createCaptchaVerifier({ ...base, ...extra } as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CaptchaConfigError);
    expect(error).toMatchObject({ code: 'invalid_option', option });
    expect((error as Error).message).toContain(`\`${nearest}\``);
  });

  it('does not guess when nothing is close', () => {
    expect(() => createCaptchaVerifier({ ...base, zzzzzzzzzz: 1 } as never)).toThrow(/`zzzzzzzzzz` is not an option\.$/);
  });

  it('names every missing credential and its variable at once', () => {
    let error: unknown;
    try {
      createCaptchaVerifier({ endpoint: ENDPOINT, env: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'missing_credential', option: 'captchaAppId' });
    const message = (error as Error).message;
    for (const name of ['TENCENT_CAPTCHA_APP_ID', 'TENCENT_CAPTCHA_APP_SECRET_KEY', 'TENCENTCLOUD_SECRET_ID', 'TENCENTCLOUD_SECRET_KEY']) {
      expect(message).toContain(name);
    }
  });

  it('prints under its own name', () => {
    const error = new CaptchaConfigError('invalid_option', 'x', 'x is wrong.');
    expect(inspect(error).startsWith('CaptchaConfigError: x is wrong.')).toBe(true);
    expect(String(error)).toBe('CaptchaConfigError: x is wrong.');
  });
});

describe('the proxy option', () => {
  it('verifies through an HTTP CONNECT proxy and keeps its credentials out of options and messages', async () => {
    const emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
    const tunnels: string[] = [];
    const sockets = new Set<Socket>();
    const proxy = createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      tunnels.push(`${req.url} ${req.headers['proxy-authorization'] ?? ''}`);
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host!, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => sockets.delete(s));
      }
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyUrl = `http://corp:pr0xy-s3cret@127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const verifier = createCaptchaVerifier({
      captchaAppId: emulator.appId,
      appSecretKey: emulator.appSecretKey,
      secretId: emulator.secretId,
      secretKey: emulator.secretKey,
      endpoint: emulator.apiUrl,
      env: {},
      proxy: proxyUrl,
    });
    try {
      const t = emulator.issueTicket();
      await expect(verifier.verify({ ticket: t.ticket, randstr: t.randstr, userIp: '203.0.113.7' })).resolves.toMatchObject({ status: 'verified' });
      expect(tunnels).toHaveLength(1);
      expect(tunnels[0]).toMatch(new RegExp(`^127\\.0\\.0\\.1:${new URL(emulator.apiUrl).port} Basic `));
      expect(JSON.stringify(verifier.options)).not.toContain('pr0xy-s3cret');
    } finally {
      await verifier.close();
      for (const s of sockets) s.destroy();
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
      await emulator.close();
    }
  });

  it('refuses a proxy that is not an http(s) URL, without echoing it, and a proxy with an injected fetch', () => {
    expect(() => createCaptchaVerifier({ ...base, proxy: 'socks5://u:hunter2@x:1' })).toThrow(expect.objectContaining({ code: 'invalid_option', option: 'proxy' }));
    try {
      createCaptchaVerifier({ ...base, proxy: 'socks5://u:hunter2@x:1' });
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
    expect(() => createCaptchaVerifier({ ...base, fetch: createFakeTencent().fetch, proxy: 'http://127.0.0.1:3128' })).toThrow(
      expect.objectContaining({ code: 'invalid_option', option: 'proxy' }),
    );
  });
});
