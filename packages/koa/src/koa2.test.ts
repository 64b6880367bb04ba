/**
 * The same middleware on Koa 2 (the peer range is `>=2.13 <4`): the main paths over real HTTP.
 */
import { createRequire } from 'node:module';
import type Koa from 'koa';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isCaptchaHttpError, tencentCaptcha } from './index.js';
import {
  RANDSTR_FIELD,
  Resources,
  TICKET_FIELD,
  parseBody,
  postThenHangUp,
  spyOnVerify,
  startEmulator,
  type TestEmulator,
} from './testing/harness.js';

// `koa2` is `npm:koa@2.16.4`; it ships no types, and its API is the part of Koa 3's the tests use.
const Koa2 = createRequire(import.meta.url)('koa2') as typeof Koa;
const koa2Version = (createRequire(import.meta.url)('koa2/package.json') as { version: string }).version;

let emulator: TestEmulator;
const emulatorLog: string[] = [];
const resources = new Resources();
beforeAll(async () => {
  emulator = await startEmulator((line) => emulatorLog.push(line));
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.faults.clear();
});
afterEach(async () => {
  await resources.closeAll();
});

function app2(...middleware: Koa.Middleware[]): Koa {
  const app = new Koa2();
  for (const m of [parseBody(), ...middleware]) app.use(m);
  app.use((ctx) => {
    ctx.body = { handled: true, captcha: ctx.state.captcha ?? null };
  });
  return app;
}

const body = (t: { ticket: string; randstr: string }) => ({ [TICKET_FIELD]: t.ticket, [RANDSTR_FIELD]: t.randstr });

describe(`tencentCaptcha() on Koa 2`, () => {
  it('runs on koa 2.x', () => {
    expect(koa2Version).toMatch(/^2\./);
  });

  it('200 verified, 400 JSON for a missing ticket, 403 for a reused one', async () => {
    const verifier = resources.verifier(emulator);
    const server = await resources.listen(app2(tencentCaptcha({ verifier })));
    const issued = emulator.issueTicket();
    const ok = await request(server).post('/').send(body(issued)).expect(200);
    expect(ok.body.captcha).toMatchObject({ status: 'verified', accepted: true });
    const missing = await request(server).post('/').send({}).expect(400);
    expect(missing.headers['content-type']).toMatch(/^application\/json/);
    expect(missing.body).toEqual({ code: 'ticket_missing', message: expect.any(String) });
    const reused = await request(server).post('/').send(body(issued)).expect(403);
    expect(reused.body.code).toBe('ticket_reused');
  });

  it('503 with Retry-After in closed mode; respond: false throws the HttpError with its headers', async () => {
    const verifier = resources.verifier(emulator);
    emulator.faults.set('api', { kind: 'internal-error' });
    const answering = await resources.listen(app2(tencentCaptcha({ verifier, mode: 'closed' })));
    const res = await request(answering).post('/').send(body(emulator.issueTicket())).expect(503);
    expect(res.body.code).toBe('upstream_internal_error');
    expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);

    const caught: unknown[] = [];
    const throwing = await resources.listen(
      app2(async (ctx, next) => {
        try {
          await next();
        } catch (error) {
          caught.push(error);
          if (!isCaptchaHttpError(error)) throw error;
          ctx.status = error.status;
          ctx.set(error.headers);
          ctx.body = { error: error.code };
        }
      }, tencentCaptcha({ verifier, mode: 'closed', respond: false })),
    );
    const thrown = await request(throwing).post('/').send(body(emulator.issueTicket())).expect(503);
    expect(thrown.body).toEqual({ error: 'upstream_internal_error' });
    expect(thrown.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(caught).toHaveLength(1);
  });

  it('aborts the verification when the client disconnects', async () => {
    const { verifier, calls } = spyOnVerify(resources.verifier(emulator, { attemptTimeoutMs: 10_000, deadlineMs: 12_000 }));
    let handled = false;
    const app = app2(tencentCaptcha({ verifier }), async (_ctx, next) => {
      handled = true;
      await next();
    });
    app.on('error', () => {});
    const server = await resources.listen(app);
    emulator.faults.set('api', { kind: 'hang' }, { times: 1 });
    const hangs = (): number => emulatorLog.filter((line) => line.includes('hang')).length;
    const before = hangs();
    const began = Date.now();
    const client = postThenHangUp(server.url, body(emulator.issueTicket()));
    await expect.poll(hangs, { timeout: 5_000, interval: 10 }).toBe(before + 1);
    client.hangUp();
    const reason = await calls[0]!.settled;
    expect(Date.now() - began).toBeLessThan(5_000);
    expect(calls[0]!.signal?.aborted).toBe(true);
    expect(reason).toMatchObject({ name: 'AbortError', code: 'ECONNABORTED' });
    expect(await client.outcome).not.toBe('answered');
    expect(handled).toBe(false);
  });
});
