/**
 * `next build` of a route that guards itself with core, with no credentials anywhere in the
 * environment (a CI build, a Docker image built before secrets exist): the lazy verifier lets Next
 * import the route to collect its configuration. Then `next start` with the emulator's credentials
 * answers a solved ticket, so the built route really verifies — on the Node runtime (undici) and on
 * the edge runtime (core's Fetch-only build).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createEmulator } from '@tencent-captcha/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const appDir = join(import.meta.dirname, '..');
const next = join(appDir, 'node_modules', 'next', 'dist', 'bin', 'next');
/**
 * A clean environment: no TENCENT* variable, whatever the machine has. The build goes to `.next-test`
 * (next.config.mjs), apart from the app's own `next build`, which turbo may run at the same time.
 */
const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NEXT_TELEMETRY_DISABLED: '1', NO_COLOR: '1', NEXT_DIST_DIR: '.next-test' };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the Next.js example', () => {
  let build: { code: number; output: string };
  let emulator: Awaited<ReturnType<typeof createEmulator>>;
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    build = await new Promise((resolve) => {
      execFile(process.execPath, [next, 'build'], { cwd: appDir, env: baseEnv, timeout: 240_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}\n${stderr}` });
      });
    });
    emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    await emulator?.close();
  });

  it('builds with no credentials in the environment', () => {
    expect(build.output).not.toMatch(/CaptchaConfigError|Failed to collect/);
    expect(build.output).toMatch(/\/api\/login\b/);
    expect(build.output).toMatch(/\/api\/login-edge\b/);
    expect(build.code).toBe(0);
  });

  it('then verifies a solved ticket once started with credentials', async () => {
    expect(build.code).toBe(0);
    const port = await freePort();
    server = spawn(process.execPath, [next, 'start', '-H', '127.0.0.1', '-p', String(port)], {
      cwd: appDir,
      env: {
        ...baseEnv,
        TENCENT_CAPTCHA_APP_ID: emulator.appId,
        TENCENT_CAPTCHA_APP_SECRET_KEY: emulator.appSecretKey,
        TENCENTCLOUD_SECRET_ID: emulator.secretId,
        TENCENTCLOUD_SECRET_KEY: emulator.secretKey,
        TENCENT_CAPTCHA_ENDPOINT: emulator.apiUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`next start did not become ready:\n${output}`)), 60_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (/Ready in|started server/i.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      server!.stdout!.on('data', onData);
      server!.stderr!.on('data', onData);
      server!.once('exit', (code) => reject(new Error(`next start exited (${code}):\n${output}`)));
    });
    const post = (ticket: string, randstr: string, path = '/api/login') =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method: 'POST',
        // The one proxy the route trusts appended the client's address.
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
        body: JSON.stringify({ 'tencent-captcha-ticket': ticket, 'tencent-captcha-randstr': randstr }),
      });
    const { ticket, randstr } = emulator.issueTicket();
    const first = await post(ticket, randstr);
    expect([first.status, await first.json()]).toEqual([200, { ok: true, captcha: 'verified' }]);
    const again = await post(ticket, randstr);
    expect([again.status, await again.json()]).toMatchObject([403, { code: 'ticket_reused' }]);

    // The edge route: Next gives it core's Fetch-only build, which sends with the runtime's fetch.
    const edge = emulator.issueTicket();
    const onEdge = await post(edge.ticket, edge.randstr, '/api/login-edge');
    expect([onEdge.status, await onEdge.json()]).toEqual([200, { ok: true, captcha: 'verified' }]);
    const report = (await (await fetch(`http://127.0.0.1:${port}/api/login-edge`)).json()) as { transport: string };
    expect(report.transport).toBe("fetch (the runtime's own)");
  });
});
