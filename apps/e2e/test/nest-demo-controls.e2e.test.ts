/**
 * The Nest demo's drill controls (`PUT /api/mode`, the emulator's control endpoint `/__emulator/…`), as
 * the Koa demo's (demo-controls.e2e.test.ts): loopback clients only, by socket address (never
 * X-Forwarded-For), and absent in real-Tencent mode. The SDK's own paths stay open to every visitor.
 *
 * A non-loopback client is made for real: the demo listens on 127.0.0.1 and the test connects from one
 * of this machine's other addresses (`localAddress`). Without one, those tests are skipped, with the
 * reason printed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import { createNestDemoServer, type NestDemoServer } from '@tencent-captcha/nest-demo';
import { FAKE_TENCENT, otherLocalAddress, send } from './support/http.ts';

const otherAddress = otherLocalAddress('nest-demo-controls');

let emulator: Emulator | undefined;
let demo: NestDemoServer | undefined;

afterEach(async () => {
  await demo?.close();
  await emulator?.close();
  demo = undefined;
  emulator = undefined;
});

async function modeOf(server: NestDemoServer): Promise<string> {
  return (JSON.parse((await send(`${server.url}/api/state`)).body) as { mode: string }).mode;
}

async function emulatorDemo(): Promise<NestDemoServer> {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
  demo = await createNestDemoServer({ port: 0, host: '127.0.0.1', emulator });
  return demo;
}

describe('the Nest demo’s drill controls', () => {
  it('in real-Tencent mode: no PUT /api/mode and no /__emulator, even for loopback', async () => {
    demo = await createNestDemoServer({ port: 0, host: '127.0.0.1', backend: 'tencent', env: FAKE_TENCENT });
    const before = await modeOf(demo);
    expect((await send(`${demo.url}/api/mode`, { method: 'PUT', body: JSON.stringify({ mode: 'open' }) })).status).toBe(404);
    expect(await modeOf(demo)).toBe(before);
    expect((await send(`${demo.url}/__emulator/faults`)).status).toBe(404);
    expect((await send(`${demo.url}/__emulator/tickets`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('in emulator mode: loopback may switch the mode and the faults; X-Forwarded-For plays no part', async () => {
    const server = await emulatorDemo();
    const res = await send(`${server.url}/api/mode`, { method: 'PUT', body: JSON.stringify({ mode: 'closed' }), headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(res.status).toBe(200);
    expect(await modeOf(server)).toBe('closed');
    expect((await send(`${server.url}/__emulator/faults`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(200);
    const state = JSON.parse((await send(`${server.url}/api/state`)).body) as { faultsUrl: string | null };
    expect(state.faultsUrl).toBe('/__emulator/faults');
  });

  it.skipIf(!otherAddress)('in emulator mode: refuses the controls to a non-loopback client, even one claiming 127.0.0.1 in X-Forwarded-For', async () => {
    const server = await emulatorDemo();
    const from = otherAddress as string;
    const spoof = { 'x-forwarded-for': '127.0.0.1' };
    const mode = await send(`${server.url}/api/mode`, { method: 'PUT', body: JSON.stringify({ mode: 'open' }), headers: spoof, from });
    expect(mode.status).toBe(403);
    expect(JSON.parse(mode.body)).toMatchObject({ code: 'forbidden' });
    expect(await modeOf(server)).toBe('adaptive');

    const fault = await send(`${server.url}/__emulator/faults`, { method: 'POST', body: JSON.stringify({ target: 'api', fault: { kind: 'internal-error' } }), headers: spoof, from });
    expect(fault.status).toBe(403);
    expect(emulator?.faults.state().api).toEqual([]);
    for (const path of ['/__emulator/tickets', '/__emulator/sdk/../tickets', '/__emulator/sdk/%2e%2e/tickets']) {
      expect((await send(`${server.url}${path}`, { method: 'POST', body: '{}', from })).status, path).toBe(403);
    }
    // The page and state do not offer the fault switches to such a visitor.
    const state = JSON.parse((await send(`${server.url}/api/state`, { from })).body) as { faultsUrl: string | null };
    expect(state.faultsUrl).toBeNull();

    // The SDK's paths stay open to every visitor: they stand in for Tencent's public servers.
    expect((await send(`${server.url}/TCaptcha.js`, { from })).status).toBe(200);
    const sdkCall = await send(`${server.url}/__emulator/sdk/construct`, { method: 'POST', body: JSON.stringify({ appId: emulator?.appId }), from });
    expect(sdkCall.status).not.toBe(403);
  });
});
