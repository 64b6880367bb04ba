/**
 * Client abort: when the client disconnects while the verifier waits for Tencent (the emulator hangs),
 * the verification's signal is aborted and verify settles promptly — long before its own deadline —
 * and the handler never runs. A request that completes normally does not abort anything.
 */
import 'reflect-metadata';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, HttpCode, Post, type INestApplication } from '@nestjs/common';
import { createCaptchaVerifier, type CaptchaVerifier, type VerifyInput, type VerifyOptions } from '@tencent-captcha/core';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CAPTCHA_VERIFIER } from './captcha.constants.js';
import { RequireCaptcha } from './captcha.decorators.js';
import { CaptchaClientClosedException } from './captcha.exception.js';
import { CaptchaModule } from './captcha.module.js';
import { PLATFORMS, emulatorVerifierOptions, startApp } from './test-support.js';

/** Verification deadline: the abort must end the call long before it. */
const DEADLINE_MS = 10_000;
/** How long the abort may take to reach verify's promise. */
const ABORT_BOUND_MS = 2_000;

let handled = 0;

@Controller()
class LoginController {
  @Post('login')
  @HttpCode(200)
  @RequireCaptcha({ mode: 'closed' })
  login() {
    handled += 1;
    return { ok: true };
  }
}

interface Call {
  signal: AbortSignal;
  settled: Promise<{ ok: true } | { ok: false; error: unknown }>;
}

/** Wraps the real verifier to record each call's signal and outcome. */
function recordingVerifier(inner: CaptchaVerifier) {
  const calls: Call[] = [];
  let started: (call: Call) => void = () => {};
  const nextCall = () => new Promise<Call>((resolve) => (started = resolve));
  const verifier = Object.create(inner) as CaptchaVerifier;
  verifier.verify = (input: VerifyInput, options?: VerifyOptions) => {
    const promise = inner.verify(input, options);
    const call: Call = {
      signal: options!.signal!,
      settled: promise.then(
        () => ({ ok: true as const }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    };
    calls.push(call);
    started(call);
    return promise;
  };
  return { verifier, calls, nextCall };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

let emulator: Emulator;
beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await emulator?.close();
});

describe.each(PLATFORMS)('client abort on %s', (platform) => {
  let app: INestApplication | undefined;
  let inner: CaptchaVerifier | undefined;

  afterEach(async () => {
    emulator.faults.clear();
    await app?.close();
    await inner?.close();
    app = undefined;
    inner = undefined;
  });

  async function start() {
    const real = createCaptchaVerifier(emulatorVerifierOptions(emulator, { deadlineMs: DEADLINE_MS, attemptTimeoutMs: DEADLINE_MS }));
    inner = real;
    const recorder = recordingVerifier(real);
    app = await startApp(platform, {
      imports: [CaptchaModule.forRoot({})],
      controllers: [LoginController],
      override: (builder) => builder.overrideProvider(CAPTCHA_VERIFIER).useValue(recorder.verifier),
    });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    return { ...recorder, port };
  }

  function post(port: number, body: object) {
    const payload = JSON.stringify(body);
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/login',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    });
    const response = new Promise<{ status: number | undefined; error?: unknown }>((resolve) => {
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode }));
      });
      req.on('error', (error) => resolve({ status: undefined, error }));
    });
    req.end(payload);
    return { req, response };
  }

  it('aborts the verification when the client disconnects, and the handler never runs', async () => {
    const { nextCall, port } = await start();
    handled = 0;
    emulator.faults.set('api', { kind: 'hang' });
    const { ticket, randstr } = emulator.issueTicket();

    const { req, response } = post(port, { 'tencent-captcha-ticket': ticket, 'tencent-captcha-randstr': randstr });
    const call = await withTimeout(nextCall(), ABORT_BOUND_MS);
    expect(call.signal.aborted).toBe(false);

    const t0 = performance.now();
    req.destroy();
    const outcome = await withTimeout(call.settled, ABORT_BOUND_MS);
    const elapsed = performance.now() - t0;

    expect(call.signal.aborted).toBe(true);
    expect(call.signal.reason).toBeInstanceOf(CaptchaClientClosedException);
    expect(outcome).toEqual({ ok: false, error: call.signal.reason });
    expect(elapsed).toBeLessThan(ABORT_BOUND_MS);
    expect((await response).status).toBeUndefined();
    expect(handled).toBe(0);
  });

  it('does not abort the signal of a request that completed', async () => {
    const { calls, port } = await start();
    handled = 0;
    const { ticket, randstr } = emulator.issueTicket();
    const { req, response } = post(port, { 'tencent-captcha-ticket': ticket, 'tencent-captcha-randstr': randstr });
    expect((await response).status).toBe(200);
    req.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toHaveLength(1);
    expect(await calls[0]!.settled).toEqual({ ok: true });
    expect(calls[0]!.signal.aborted).toBe(false);
    expect(handled).toBe(1);
  });
});
