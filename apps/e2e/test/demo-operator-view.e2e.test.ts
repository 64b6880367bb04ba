/**
 * Issue 18, point 6: the demos' operator view is for the machine running them. `/metrics` and
 * `/api/live` answer loopback clients only; `/api/state` and the login answers tell any other visitor
 * nothing about the circuit breaker (which would show an attacker when a stall or flood opened it,
 * and with it the larger outage budget). Loopback clients keep the whole view.
 *
 * A non-loopback client is made for real, as in the drill-control suites: the demo listens on
 * 127.0.0.1 and the test connects from another of this machine's addresses. Without one, those tests
 * are skipped, with the reason printed.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import { createDemoServer } from '@tencent-captcha/demo';
import { createNestDemoServer } from '@tencent-captcha/nest-demo';
import { otherLocalAddress, send } from './support/http.ts';

const otherAddress = otherLocalAddress('demo-operator-view');

let publicDir: string;
let emulator: Emulator | undefined;
let demo: { url: string; close(): Promise<void> } | undefined;

beforeAll(async () => {
  publicDir = await mkdtemp(join(tmpdir(), 'demo-operator-view-'));
  await writeFile(join(publicDir, 'index.html'), '<!doctype html><title>demo</title><script type="application/json">%CONFIG_JSON%</script>');
});
afterAll(async () => {
  await rm(publicDir, { recursive: true, force: true });
});
afterEach(async () => {
  await demo?.close();
  await emulator?.close();
  demo = undefined;
  emulator = undefined;
});

const DEMOS = [
  { name: 'Koa demo', operatorPanel: true, start: (e: Emulator) => createDemoServer({ port: 0, host: '127.0.0.1', emulator: e, publicDir, verifier: { logger: false } }) },
  { name: 'Nest demo', operatorPanel: false, start: (e: Emulator) => createNestDemoServer({ port: 0, host: '127.0.0.1', emulator: e, verifier: { logger: false } }) },
];

async function start(make: (e: Emulator) => Promise<{ url: string; close(): Promise<void> }>): Promise<string> {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
  demo = await make(emulator);
  return demo.url;
}

function loginBody(ticket: string, randstr: string): string {
  return JSON.stringify({ username: 'ada', 'tencent-captcha-ticket': ticket, 'tencent-captcha-randstr': randstr });
}

describe.each(DEMOS)('the $name’s operator view', ({ start: make, operatorPanel }) => {
  it.skipIf(!otherAddress)('tells a non-loopback visitor nothing about the breaker, and serves it no metrics', async () => {
    const url = await start(make);
    const from = otherAddress as string;
    const spoof = { 'x-forwarded-for': '127.0.0.1' };

    for (const path of ['/metrics', '/api/live']) {
      const res = await send(`${url}${path}`, { headers: spoof, from });
      // The Nest demo has no such routes at all; the Koa demo refuses them.
      expect(res.status, path).toBe(operatorPanel ? 403 : 404);
      expect(res.body, path).not.toMatch(/breaker/);
    }
    const state = await send(`${url}/api/state`, { headers: spoof, from });
    expect(state.status).toBe(200);
    expect(JSON.parse(state.body)).not.toHaveProperty('breaker');
    // The page does not point such a visitor at the operator's panel.
    const page = await send(`${url}/`, { from });
    expect(page.body).not.toMatch(/"liveUrl":"/);

    // Login answers: accepted, rejected, and refused during an outage (closed mode shows the 503).
    const solved = emulator!.issueTicket();
    const ok = await send(`${url}/login`, { method: 'POST', body: loginBody(solved.ticket, solved.randstr), from });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, user: 'ada' });
    const missing = await send(`${url}/login`, { method: 'POST', body: JSON.stringify({ username: 'ada' }), from });
    expect(missing.status).toBe(400);
    emulator!.faults.set('api', { kind: 'internal-error' });
    const degraded = await send(`${url}/login`, { method: 'POST', body: loginBody(emulator!.issueTicket().ticket, '@x'), from });
    expect(degraded.status).toBe(200);
    for (const answer of [ok, missing, degraded]) {
      expect(JSON.parse(answer.body)).not.toHaveProperty('verdict');
      expect(answer.body).not.toMatch(/breaker/i);
    }
  });

  it('shows the machine running the demo the whole view', async () => {
    const url = await start(make);
    const state = JSON.parse((await send(`${url}/api/state`)).body) as Record<string, unknown>;
    expect(state.breaker).toBe('closed');
    if (operatorPanel) {
      expect((await send(`${url}/metrics`)).status).toBe(200);
      expect(JSON.parse((await send(`${url}/api/live`)).body)).toMatchObject({ breaker: 'closed' });
      expect((await send(`${url}/`)).body).toMatch(/"liveUrl":"\/api\/live"/);
    }
    const solved = emulator!.issueTicket();
    const ok = JSON.parse((await send(`${url}/login`, { method: 'POST', body: loginBody(solved.ticket, solved.randstr) })).body) as Record<string, unknown>;
    expect(ok.verdict).toMatchObject({ status: 'verified', breaker: 'closed' });
  });
});
