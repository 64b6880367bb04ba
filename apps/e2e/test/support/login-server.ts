/**
 * A tiny app server for the element's end-to-end tests, on 127.0.0.1 port 0: static files from a
 * folder (a built example, or the element's packed files) and `POST /api/login`, which verifies the
 * form's ticket with @tencent-captcha/core against the emulator and answers the verdict as JSON —
 * what a real app's login route does (with an adapter) in a few lines.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { createCaptchaVerifier } from '@tencent-captcha/core';
import type { Emulator } from '@tencent-captcha/emulator';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** What `POST /api/login` answers: the verdict, and the fields the form sent (ticket shortened). */
export interface LoginAnswer {
  status: string;
  reason: string;
  accepted: boolean;
  fields: Record<string, string>;
}

export interface LoginServer {
  readonly url: string;
  /** Every answer of `POST /api/login`, in order. */
  readonly answers: LoginAnswer[];
  close(): Promise<void>;
}

/** Serves `root` (`/` → `index.html`; `pages` add or override paths) and `POST /api/login`. */
export async function serveLoginApp(root: string, emulator: Emulator, pages: Record<string, string> = {}): Promise<LoginServer> {
  const base = resolve(root);
  const verifier = createCaptchaVerifier({
    endpoint: emulator.apiUrl,
    captchaAppId: emulator.appId,
    appSecretKey: emulator.appSecretKey,
    secretId: emulator.secretId,
    secretKey: emulator.secretKey,
  });
  const answers: LoginAnswer[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/api/login') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = new Request(url, { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: Buffer.concat(chunks) });
        void (async () => {
          // Parsed here, not with core's verifyFetchRequest: that lowercases the whole content-type, boundary
          // included, so a browser's multipart body (`----WebKitFormBoundary…`) reads as no fields (reported).
          const fields = Object.fromEntries([...(await request.formData())].map(([k, v]) => [k, String(v)]));
          const verdict = await verifier.verify({ ticket: fields['tencent-captcha-ticket'], randstr: fields['tencent-captcha-randstr'], userIp: '127.0.0.1' });
          const answer: LoginAnswer = { status: verdict.status, reason: verdict.reason, accepted: verdict.accepted, fields };
          answers.push(answer);
          res.writeHead(verdict.accepted ? 200 : 403, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        })().catch((error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)));
      });
      return;
    }
    const path = decodeURIComponent(url.pathname);
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const page = pages[path];
    if (page !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page);
      return;
    }
    const file = resolve(base, `.${path.endsWith('/') ? `${path}index.html` : path}`);
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body),
      () => res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answers,
    close: async () => {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      await verifier.close();
    },
  };
}
