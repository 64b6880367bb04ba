/**
 * Shared by the drill-control suites of both demos: an HTTP client that can connect from a chosen
 * local address, this machine's non-loopback address to connect from, and Tencent credentials that
 * look real (for real-Tencent mode, which never gets a request in these tests).
 */
import http from 'node:http';
import { networkInterfaces } from 'node:os';

/** Credentials in the shape of real ones; nothing is ever sent with them. */
export const FAKE_TENCENT = {
  TENCENTCLOUD_SECRET_ID: 'AKIDfakeFakeFakeFakeFakeFakeFake1234',
  TENCENTCLOUD_SECRET_KEY: 'fakeFakeFakeFakeFakeFakeFake1234',
  TENCENT_CAPTCHA_APP_ID: '190000001',
  TENCENT_CAPTCHA_APP_SECRET_KEY: 'fakeAppSecretKeyFake0000**',
};

/** One of this machine's own non-loopback IPv4 addresses, to connect from; warns (with `suite`) when there is none. */
export function otherLocalAddress(suite: string): string | undefined {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && !a.internal && a.family === 'IPv4')?.address;
  if (!address) console.warn(`${suite}: no non-loopback IPv4 address on this machine; the non-loopback client tests are skipped`);
  return address;
}

/** An HTTP request with Node's client, optionally from a given local address. */
export function send(url: string, init: { method?: string; body?: string; headers?: Record<string, string>; from?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: init.method ?? 'GET',
      headers: { 'content-type': 'application/json', ...init.headers },
      ...(init.from ? { localAddress: init.from } : {}),
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
