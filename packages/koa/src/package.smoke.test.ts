/**
 * The published package from a consumer's point of view: `pnpm pack` protocol, core and koa (their
 * built `dist`, so run `pnpm build` first; turbo's `test` task does), install the tarballs with koa
 * into a scratch package, then `require()` and `import()` `@tencent-captcha/koa`, run a Koa app with
 * it against the emulator, and type-check a TypeScript consumer (NodeNext) that reads the typed
 * `ctx.state.captcha`. The README's example is compiled as written and run with nothing but the five
 * variables the emulator's CLI prints (`TENCENT_CAPTCHA_ENDPOINT` included): a newcomer's first run.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type TestEmulator } from './testing/harness.js';

const run = promisify(execFile);
const packagesDir = resolve(import.meta.dirname, '../..');
const PACKAGES = ['protocol', 'core', 'koa'] as const;
const INSTALL_TIMEOUT_MS = 150_000;

let scratch: string;
let koaTarball: string;
let consumer: string;
let emulator: TestEmulator;

/** Runs a command; on failure the error carries its stdout and stderr. */
async function sh(file: string, args: string[], cwd: string, timeout = 60_000, env: NodeJS.ProcessEnv = process.env) {
  try {
    return await run(file, args, { cwd, timeout, env, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}\n${stdout ?? ''}\n${stderr ?? ''}`, { cause: error });
  }
}

/** The consumer's runtime check, as CommonJS (`require`) and as ESM (`import`). */
function consumerScript(kind: 'cjs' | 'esm'): string {
  const load =
    kind === 'cjs'
      ? `const { tencentCaptcha, isCaptchaHttpError } = require('@tencent-captcha/koa');
const { createCaptchaVerifier } = require('@tencent-captcha/core');
const Koa = require('koa');`
      : `const { tencentCaptcha, isCaptchaHttpError } = await import('@tencent-captcha/koa');
const { createCaptchaVerifier } = await import('@tencent-captcha/core');
const { default: Koa } = await import('koa');`;
  const body = `${load}
const env = process.env;
const verifier = createCaptchaVerifier({
  captchaAppId: env.SMOKE_APP_ID, appSecretKey: env.SMOKE_APP_SECRET_KEY,
  secretId: env.SMOKE_SECRET_ID, secretKey: env.SMOKE_SECRET_KEY, endpoint: env.SMOKE_ENDPOINT, env: {},
});
const app = new Koa();
app.use(tencentCaptcha({ verifier, mode: 'closed' }));
app.use((ctx) => { ctx.body = { handled: true, reason: ctx.state.captcha.reason }; });
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const url = 'http://127.0.0.1:' + server.address().port + '/';
const post = async (headers) => {
  const res = await fetch(url, { method: 'POST', headers });
  return { status: res.status, body: await res.json() };
};
const missing = await post({});
const verified = await post({ 'x-tencent-captcha-ticket': env.SMOKE_TICKET, 'x-tencent-captcha-randstr': env.SMOKE_RANDSTR });
server.close();
await verifier.close();
process.stdout.write(JSON.stringify({
  kind: ${JSON.stringify(kind)},
  name: tencentCaptcha.name,
  brandCheck: typeof isCaptchaHttpError,
  missing,
  verified,
}));
`;
  return kind === 'cjs' ? `(async () => {\n${body}\n})().catch((e) => { console.error(e); process.exit(1); });\n` : body;
}

const TYPED_CONSUMER = `import Koa from 'koa';
import { Router } from '@koa/router';
import { tencentCaptcha, isCaptchaHttpError, type TencentCaptchaOptions } from '@tencent-captcha/koa';
import { createCaptchaVerifier, type CaptchaVerdict } from '@tencent-captcha/core';

const verifier = createCaptchaVerifier({ captchaAppId: '1', appSecretKey: 'k', secretId: 's', secretKey: 'k' });
const options: TencentCaptchaOptions = { verifier, mode: 'closed', skip: (ctx) => ctx.path === '/health' };
const app = new Koa();
app.use(async (ctx, next) => {
  try {
    await next();
  } catch (error) {
    if (isCaptchaHttpError(error)) ctx.body = { code: error.code, retry: error.headers['retry-after'] };
    else throw error;
  }
});
app.use(tencentCaptcha(options));
app.use((ctx) => {
  const verdict: CaptchaVerdict | undefined = ctx.state.captcha;
  // @ts-expect-error ctx.state.captcha is typed (a verdict), not \`any\`
  const wrong: string = ctx.state.captcha;
  ctx.body = [verdict?.reason, wrong];
});
const router = new Router();
router.post('/login', tencentCaptcha({ verifier, mode: 'closed', getUserIp: (ctx) => ctx.ip }), (ctx) => {
  ctx.body = { accepted: ctx.state.captcha?.accepted === true };
});
app.use(router.routes());
// @ts-expect-error a verifier and verifier options together are refused
tencentCaptcha({ verifier, secretId: 'x' });
`;

beforeAll(async () => {
  const missing = PACKAGES.filter((name) => !existsSync(join(packagesDir, name, 'dist', 'index.js')));
  if (missing.length > 0) {
    throw new Error(`Build first (pnpm build, or turbo's test task does it): no dist in ${missing.join(', ')}`);
  }
  emulator = await startEmulator();
  scratch = await mkdtemp(join(tmpdir(), 'tc-koa-smoke-'));
  const tarballs = join(scratch, 'tarballs');
  await mkdir(tarballs);
  // pnpm pack turns `workspace:^` into real version ranges, as publishing does.
  for (const name of PACKAGES) await sh('pnpm', ['pack', '--pack-destination', tarballs], join(packagesDir, name));
  const files = await readdir(tarballs);
  const tarball = (name: string): string => {
    const file = files.find((f) => f.startsWith(`tencent-captcha-${name}-`) && f.endsWith('.tgz'));
    if (!file) throw new Error(`no tarball for ${name} in ${files.join(', ')}`);
    return `file:${join(tarballs, file)}`;
  };

  koaTarball = tarball('koa').slice('file:'.length);
  consumer = join(scratch, 'consumer');
  await mkdir(consumer);
  const local = Object.fromEntries(PACKAGES.map((name) => [`@tencent-captcha/${name}`, tarball(name)]));
  await writeFile(
    join(consumer, 'package.json'),
    JSON.stringify(
      {
        name: 'smoke-consumer',
        private: true,
        version: '1.0.0',
        dependencies: {
          ...local,
          koa: '^3.3.0',
          '@koa/router': '^15.7.0',
          '@koa/bodyparser': '^6.1.0',
          '@types/koa': '^3.0.0',
          '@types/node': '^20.19.0',
        },
        // koa's dependency on core (and core's on protocol) resolve to the packed tarballs too.
        overrides: local,
      },
      null,
      2,
    ),
  );
  await sh(
    'npm',
    ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', '--loglevel=error'],
    consumer,
    INSTALL_TIMEOUT_MS,
  );
  await writeFile(join(consumer, 'check.cjs'), consumerScript('cjs'));
  await writeFile(join(consumer, 'check.mjs'), consumerScript('esm'));
  await writeFile(join(consumer, 'typed.mts'), TYPED_CONSUMER);
  // The README's complete example must compile against the published packages as it is written.
  const readme = await readFile(join(packagesDir, 'koa', 'README.md'), 'utf8');
  const example = /## Example[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!example) throw new Error('README.md has no ```ts block under "## Example"');
  await writeFile(join(consumer, 'readme-example.mts'), example);
}, INSTALL_TIMEOUT_MS + 60_000);

afterAll(async () => {
  await emulator?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the packed @tencent-captcha/koa in a scratch consumer', () => {
  it.each(['cjs', 'esm'] as const)('%s: loads and answers over HTTP (400 without a ticket, 200 with one)', async (kind) => {
    const { ticket, randstr } = emulator.issueTicket();
    const { stdout } = await sh('node', [kind === 'cjs' ? 'check.cjs' : 'check.mjs'], consumer, 30_000, {
      ...process.env,
      SMOKE_APP_ID: emulator.appId,
      SMOKE_APP_SECRET_KEY: emulator.appSecretKey,
      SMOKE_SECRET_ID: emulator.secretId,
      SMOKE_SECRET_KEY: emulator.secretKey,
      SMOKE_ENDPOINT: emulator.apiUrl,
      SMOKE_TICKET: ticket,
      SMOKE_RANDSTR: randstr,
    });
    expect(JSON.parse(stdout)).toEqual({
      kind,
      name: 'tencentCaptcha',
      brandCheck: 'function',
      missing: { status: 400, body: { code: 'ticket_missing', message: expect.any(String) } },
      verified: { status: 200, body: { handled: true, reason: 'verified' } },
    });
  }, 40_000);

  it('ships dist (ESM, CJS, both typings), the README and the sources, but no tests', async () => {
    const { stdout } = await sh('tar', ['-tzf', koaTarball], scratch);
    const files = stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'src/index.ts', 'src/middleware.ts']),
    );
    expect(files.filter((f) => f.includes('.test.') || f.startsWith('src/testing'))).toEqual([]);
  });

  it('type-checks a NodeNext TypeScript consumer (ctx.state.captcha typed, @koa/router) and the README example', async () => {
    const tsc = join(packagesDir, 'koa', 'node_modules', 'typescript', 'bin', 'tsc');
    await sh(
      'node',
      [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', 'typed.mts', 'readme-example.mts'],
      consumer,
      120_000,
    );
  }, 130_000);

  it('runs the README example with the emulator\'s five variables exported: login verified, no ticket refused', async () => {
    const tsc = join(packagesDir, 'koa', 'node_modules', 'typescript', 'bin', 'tsc');
    await sh('node', [tsc, '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--outDir', 'readme-out', 'readme-example.mts'], consumer, 120_000);
    // What `npx @tencent-captcha/emulator` tells a newcomer to export; nothing else.
    const env = {
      PATH: process.env.PATH,
      PORT: '0',
      HOST: '127.0.0.1',
      TENCENT_CAPTCHA_ENDPOINT: emulator.apiUrl,
      TENCENT_CAPTCHA_APP_ID: emulator.appId,
      TENCENT_CAPTCHA_APP_SECRET_KEY: emulator.appSecretKey,
      TENCENTCLOUD_SECRET_ID: emulator.secretId,
      TENCENTCLOUD_SECRET_KEY: emulator.secretKey,
    };
    const child = spawn(process.execPath, [join('readme-out', 'readme-example.mjs')], { cwd: consumer, env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let output = '';
      const port = await new Promise<number>((resolvePort, reject) => {
        const timer = setTimeout(() => reject(new Error(`the README example did not start: ${output}`)), 20_000);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening on port (\d+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolvePort(Number(match[1]));
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', (code) => reject(new Error(`the README example exited (${code}): ${output}`)));
      });
      const base = `http://127.0.0.1:${port}`;
      const { ticket, randstr } = emulator.issueTicket();
      const login = await fetch(`${base}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: 'ada', 'tencent-captcha-ticket': ticket, 'tencent-captcha-randstr': randstr }),
      });
      expect(login.status).toBe(200);
      await expect(login.json()).resolves.toEqual({ welcome: 'ada', captcha: 'verified' });
      const refused = await fetch(`${base}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"ada"}' });
      expect(refused.status).toBe(400);
      await expect(refused.json()).resolves.toMatchObject({ code: 'ticket_missing' });
    } finally {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
  }, 150_000);
});
