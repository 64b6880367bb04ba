/**
 * The demo's drill controls (`PUT /api/mode`, the emulator's control endpoint `/__emulator/…`) are for
 * the person running the demo: loopback clients only, by socket address (never X-Forwarded-For), and
 * absent in real-Tencent mode. The SDK's own paths stay open to every visitor.
 *
 * A non-loopback client is made for real: the demo listens on 127.0.0.1 and the test connects from
 * one of this machine's other addresses (`localAddress`), so the socket's remote address is not
 * loopback. Without such an address those tests are skipped, with the reason printed.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import { createDemoServer, isEmulatorControlPath, isLoopbackAddress, type DemoServer } from '@tencent-captcha/demo';
import { FAKE_TENCENT, otherLocalAddress, send } from './support/http.ts';

const otherAddress = otherLocalAddress('demo-controls');

let publicDir: string;
let emulator: Emulator | undefined;
let demo: DemoServer | undefined;

beforeAll(async () => {
  // A stand-in for the built page: these tests are about the server's routes.
  publicDir = await mkdtemp(join(tmpdir(), 'demo-controls-'));
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

async function emulatorDemo(): Promise<DemoServer> {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
  demo = await createDemoServer({ port: 0, host: '127.0.0.1', emulator, publicDir });
  return demo;
}

describe('isLoopbackAddress()', () => {
  it.each(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '::FFFF:127.0.0.1'])('%s is loopback', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });
  it.each([undefined, '', '10.0.0.1', '192.0.2.2', '::ffff:10.0.0.1', '1127.0.0.1', '127.0.0.1.5', '127.0.0.256', 'fd00::1', 'localhost'])('%s is not', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });
});

describe('isEmulatorControlPath()', () => {
  it('tells the control endpoint from the SDK’s paths as the emulator routes them', () => {
    for (const path of ['/__emulator', '/__emulator/faults', '/__emulator/faults?target=api', '/__emulator/tickets', '/__emulator/sdk/../faults', '/__emulator/sdk/%2e%2e/tickets', '/TCaptcha.js/../__emulator/faults']) {
      expect(isEmulatorControlPath(path), path).toBe(true);
    }
    for (const path of ['/__emulator/sdk/verify', '/__emulator/sdk/construct?x=1', '/TCaptcha.js', '/login', '/api/mode']) {
      expect(isEmulatorControlPath(path), path).toBe(false);
    }
  });
});

describe('the demo’s drill controls', () => {
  it('in real-Tencent mode: no PUT /api/mode and no /__emulator, even for loopback', async () => {
    demo = await createDemoServer({ port: 0, host: '127.0.0.1', backend: 'tencent', env: FAKE_TENCENT, publicDir });
    const before = demo.mode;
    const mode = await send(`${demo.url}/api/mode`, { method: 'PUT', body: JSON.stringify({ mode: 'open' }) });
    expect(mode.status).toBe(404);
    expect(demo.mode).toBe(before);
    expect((await send(`${demo.url}/__emulator/faults`)).status).toBe(404);
    expect((await send(`${demo.url}/__emulator/tickets`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('in emulator mode: loopback may switch the mode and the faults; X-Forwarded-For plays no part', async () => {
    const server = await emulatorDemo();
    const res = await send(`${server.url}/api/mode`, { method: 'PUT', body: JSON.stringify({ mode: 'closed' }), headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(res.status).toBe(200);
    expect(server.mode).toBe('closed');
    expect((await send(`${server.url}/__emulator/faults`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(200);
  });

  it.skipIf(!otherAddress)('in emulator mode: refuses the controls to a non-loopback client, even one claiming 127.0.0.1 in X-Forwarded-For', async () => {
    const server = await emulatorDemo();
    const from = otherAddress as string;
    const spoof = { 'x-forwarded-for': '127.0.0.1' };
    const mode = await send(`${server.url}/api/mode`, { method: 'PUT', body: JSON.stringify({ mode: 'open' }), headers: spoof, from });
    expect(mode.status).toBe(403);
    expect(JSON.parse(mode.body)).toMatchObject({ code: 'forbidden' });
    expect(server.mode).toBe('adaptive');

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
