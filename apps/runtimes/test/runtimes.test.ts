/**
 * Core's default verifier (`createCaptchaVerifier` with only the environment: no `fetch`) in each real
 * runtime from npm — Bun, Deno, and workerd (the Worker bundled by wrangler without `nodejs_compat`,
 * run by miniflare) — behind the same Hono app (app/handler.ts), against the emulator running
 * here in Node on 127.0.0.1, port 0. Nothing fakes a runtime: each test talks HTTP to the runtime's
 * own server.
 */
import { createEmulator } from '@tencent-captcha/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNTIMES, type RunningApp } from './support/runtimes.ts';

type Emulator = Awaited<ReturnType<typeof createEmulator>>;

describe.each(RUNTIMES)('the default verifier on $name', (runtime) => {
  let emulator: Emulator;
  let app: RunningApp;
  let env: Record<string, string>;

  beforeAll(async () => {
    emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
    env = {
      TENCENT_CAPTCHA_APP_ID: emulator.appId,
      TENCENT_CAPTCHA_APP_SECRET_KEY: emulator.appSecretKey,
      TENCENTCLOUD_SECRET_ID: emulator.secretId,
      TENCENTCLOUD_SECRET_KEY: emulator.secretKey,
      TENCENT_CAPTCHA_ENDPOINT: emulator.apiUrl,
    };
    app = await runtime.start(env);
  });
  afterAll(async () => {
    await app?.stop();
    await emulator?.close();
  });

  const login = async (ticket: string, randstr: string, path = '/login') => {
    const started = performance.now();
    const res = await fetch(new URL(path, app.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ 'tencent-captcha-ticket': ticket, 'tencent-captcha-randstr': randstr }),
    });
    const body = (await res.json()) as { ok?: boolean; status?: string; reason?: string; code?: string };
    return { status: res.status, body, elapsedMs: performance.now() - started };
  };

  it.runIf(runtime.bundled)('bundles core with no Node built-in and no undici in its import graph (no nodejs_compat)', () => {
    // wrangler 3 only warns about a Node built-in without nodejs_compat (wrangler 4 fails the build).
    expect(app.bundle!.log).not.toMatch(/built into node|nodejs_compat|Could not resolve/);
    expect(app.bundle!.code).not.toMatch(/node_modules\/undici\/|from "node:|require\("node:/);
  });

  it('verifies a solved ticket, then refuses it a second time', async () => {
    const { ticket, randstr } = emulator.issueTicket();
    expect(await login(ticket, randstr)).toMatchObject({ status: 200, body: { ok: true, status: 'verified', reason: 'verified' } });
    expect(await login(ticket, randstr)).toMatchObject({ status: 403, body: { code: 'ticket_reused' } });
  });

  it('refuses a junk ticket', async () => {
    const res = await login('t03-junk-ticket-nobody-issued', '@junk');
    expect(res.status).toBe(403);
    expect(res.body.ok).toBeUndefined();
    expect(res.body.code).toMatch(/^ticket_/);
  });

  it('decides an upstream timeout within the deadline (attempt 3 s, deadline 5 s)', async () => {
    emulator.faults.set('api', { kind: 'hang' });
    try {
      const { ticket, randstr } = emulator.issueTicket();
      const res = await login(ticket, randstr, '/login-closed');
      expect(res).toMatchObject({ status: 503, body: { code: 'upstream_timeout' } });
      // It waited for the attempt timer, not for nothing; and it answered before the 5 s deadline
      // (plus the way to and from the runtime on a busy 2-core machine).
      expect(res.elapsedMs).toBeGreaterThan(2_900);
      expect(res.elapsedMs).toBeLessThan(6_500);
    } finally {
      emulator.faults.clear();
    }
  });

  it('accepts disaster tickets only within the per-IP budget while Tencent is healthy', async () => {
    const seconds = Math.floor(Date.now() / 1000);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await login(`terror_1001_${emulator.appId}_${seconds}`, `@drill${i}`));
    const accepted = answers.filter((a) => a.status === 200);
    // The healthy-tier per-IP budget is 3 per minute by default: the rest are refused.
    expect(accepted.map((a) => a.body)).toEqual(Array(3).fill({ ok: true, status: 'degraded', reason: 'disaster_ticket' }));
    expect(answers.slice(3).map((a) => [a.status, a.body.code])).toEqual([
      [503, 'budget_exhausted'],
      [503, 'budget_exhausted'],
    ]);
  });

  it('check() passes and names the transport in use', async () => {
    const res = await fetch(new URL('/check', app.url));
    const report = (await res.json()) as { ok: boolean; transport: string; checks: Array<{ name: string; status: string; summary: string }> };
    expect(report.transport).toMatch(runtime.transport);
    expect(report.checks.find((c) => c.name === 'transport')).toMatchObject({ status: 'pass', summary: `requests are sent with ${report.transport}` });
    expect(report.checks.find((c) => c.name === 'connect')).toMatchObject({ status: 'pass', summary: expect.stringMatching(runtime.connect) });
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it.runIf(runtime.cli)('runs the doctor CLI, which names the transport and passes', async () => {
    const { code, stdout } = await runtime.cli!(['doctor', '--json'], env);
    const report = JSON.parse(stdout) as { ok: boolean; transport: string; checks: Array<{ status: string }> };
    expect(report.transport).toMatch(runtime.transport);
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect([code, report.ok]).toEqual([0, true]);
  });

  it('close() releases the transport', async () => {
    const res = await fetch(new URL('/close', app.url), { method: 'POST' });
    expect([res.status, await res.json()]).toEqual([200, { closed: true }]);
  });
});
