/**
 * Test support (not published): an emulator, verifiers wired to it, and Koa servers on port 0 that
 * are always closed.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import { createCaptchaVerifier, type CaptchaVerifier, type CaptchaVerifierOptions } from '@tencent-captcha/core';
import { createEmulator } from '@tencent-captcha/emulator';

/** The emulator as the tests use it. */
export type TestEmulator = Awaited<ReturnType<typeof createEmulator>>;

/** Starts an emulator on a free port of 127.0.0.1; its one-line-per-request log goes to `log`. */
export async function startEmulator(log?: (line: string) => void): Promise<TestEmulator> {
  return createEmulator({ port: 0, host: '127.0.0.1', ...(log ? { logger: log } : {}) });
}

/** `createCaptchaVerifier` options pointing at the emulator, with no environment fallback. */
export function emulatorVerifierOptions(
  emulator: TestEmulator,
  overrides: CaptchaVerifierOptions = {},
): CaptchaVerifierOptions {
  const { appId, appSecretKey, secretId, secretKey } = emulator;
  return {
    captchaAppId: appId,
    appSecretKey,
    secretId,
    secretKey,
    endpoint: emulator.apiUrl,
    env: {},
    // Fast, bounded outage tests: one attempt, no retry delay.
    attemptTimeoutMs: 2_000,
    deadlineMs: 3_000,
    retry: { enabled: false },
    ...overrides,
  };
}

/** Tracks what a test opened, so `afterEach` closes it all. */
export class Resources {
  readonly #closers: Array<() => Promise<void>> = [];

  /** A verifier against the emulator, closed after the test. */
  verifier(emulator: TestEmulator, overrides?: CaptchaVerifierOptions): CaptchaVerifier {
    const verifier = createCaptchaVerifier(emulatorVerifierOptions(emulator, overrides));
    this.#closers.push(() => verifier.close());
    return verifier;
  }

  /** Registers anything else to close. */
  defer(close: () => Promise<void>): void {
    this.#closers.push(close);
  }

  /** Listens on 127.0.0.1, port 0; the server is closed (connections too) after the test. */
  async listen(app: Koa): Promise<Server & { url: string }> {
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    this.#closers.push(
      () =>
        new Promise<void>((resolve, reject) => {
          server.closeAllConnections();
          server.close((error) => (error ? reject(error) : resolve()));
        }),
    );
    const { port } = server.address() as AddressInfo;
    return Object.assign(server, { url: `http://127.0.0.1:${port}` });
  }

  async closeAll(): Promise<void> {
    const closers = this.#closers.splice(0).reverse();
    for (const close of closers) await close();
  }
}

/** The field names `<tencent-captcha>` submits (asserted against core's constants in the tests). */
export const TICKET_FIELD = 'tencent-captcha-ticket';
export const RANDSTR_FIELD = 'tencent-captcha-randstr';
export const TICKET_HEADER = 'x-tencent-captcha-ticket';
export const RANDSTR_HEADER = 'x-tencent-captcha-randstr';

/**
 * `@koa/bodyparser`, typed with this package's `@types/koa` 3. In this workspace its own types see the
 * hoisted `@types/koa` 2 (pulled in by other tools), which does not mix with Koa 3's context type.
 */
export function parseBody(options?: Parameters<typeof bodyParser>[0]): Koa.Middleware {
  return bodyParser(options) as unknown as Koa.Middleware;
}

/** One call a {@link spyOnVerify} verifier saw. */
export interface VerifyCall {
  signal: AbortSignal | undefined;
  mode: string | undefined;
  /** Resolves with `'resolved'`, or with what `verify` rejected with. */
  settled: Promise<unknown>;
}

/** Wraps a verifier so a test sees every `verify` call, its signal and how it settled. */
export function spyOnVerify(inner: CaptchaVerifier): { verifier: CaptchaVerifier; calls: VerifyCall[] } {
  const calls: VerifyCall[] = [];
  const verifier: CaptchaVerifier = Object.create(inner, {
    verify: {
      value: (...args: Parameters<CaptchaVerifier['verify']>) => {
        const promise = inner.verify(...args);
        calls.push({
          signal: args[1]?.signal,
          mode: args[1]?.mode,
          settled: promise.then(
            () => 'resolved',
            (error: unknown) => error,
          ),
        });
        return promise;
      },
    },
  });
  return { verifier, calls };
}

/**
 * POSTs a JSON body with Node's http client and lets the test hang up mid-request. `outcome`
 * resolves with `'answered'` if a response arrived, else the client's error code.
 */
export function postThenHangUp(url: string, body: unknown): { outcome: Promise<string>; hangUp: () => void } {
  const payload = JSON.stringify(body);
  const client = http.request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
  });
  const outcome = new Promise<string>((resolve) => {
    client.on('response', () => resolve('answered'));
    client.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
  client.end(payload);
  return { outcome, hangUp: () => client.destroy() };
}
