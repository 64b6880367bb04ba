/**
 * The published package from a consumer's point of view: `pnpm pack` protocol, core and this package,
 * install the tarballs with npm into a scratch project (plus Nest's peers from the registry), then both
 * `require` (CJS) and `import` (ESM) it. Each script lets Nest build `CaptchaGuard` from `dist` — its
 * constructor injection needs the decorator metadata swc emitted — and runs it on an accepted and a
 * refused verdict. Then the README as a newcomer follows it: its `app.module.ts` and `app.e2e-spec.ts`
 * blocks, copied out as written, compiled with tsc (decorator metadata on) and run — the app behind
 * the testing example's fake verifier answers the login, with no credentials in the environment.
 *
 * Needs the builds (turbo's `test` depends on `build` and `^build`) and the npm registry.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packagesDir = resolve(import.meta.dirname, '../..');
const PACKED = ['protocol', 'core', 'nestjs'] as const;
/** Same versions as this workspace's devDependencies. */
const PEERS = ['@nestjs/common@12.5.1', '@nestjs/core@12.5.1', 'reflect-metadata@0.2.2', 'rxjs@7.8.2'];
/** What the README's example and its testing section add (its install line and `@nestjs/config`). */
const README_DEPS = ['@nestjs/config@12.0.1', '@nestjs/platform-express@12.5.1', '@nestjs/testing@12.1.1', '@types/node@20.19.43'];
const INSTALL_TIMEOUT_MS = 120_000;

/**
 * The consumer's check, written once for both module systems: `load` is `require` or `import`,
 * `entry` the build file that module system must get.
 */
const check = (load: (name: string) => string, resolveExpr: string, entry: string) => `
${load('reflect-metadata')}
const { NestFactory } = ${load('@nestjs/core')};
const nest = ${load('@tencent-captcha/nestjs')};
const { CaptchaModule, CaptchaGuard, CaptchaException, RequireCaptcha, SkipCaptcha, CaptchaVerdict,
  CAPTCHA_VERIFIER, CAPTCHA_ROUTE_METADATA, getCaptchaVerdict } = nest;

const assert = (ok, what) => { if (!ok) { console.error('FAILED: ' + what); process.exit(1); } };
assert(String(${resolveExpr}).endsWith('${entry}'), 'the ${entry} build is the one loaded');
for (const name of ['CaptchaModule', 'CaptchaGuard', 'CaptchaException', 'CaptchaClientClosedException',
  'RequireCaptcha', 'SkipCaptcha', 'CaptchaVerdict', 'getCaptchaVerdict']) {
  assert(typeof nest[name] === 'function', name + ' is exported');
}
assert(typeof CAPTCHA_VERIFIER === 'symbol', 'CAPTCHA_VERIFIER is a symbol');
assert(Array.isArray(Reflect.getMetadata('design:paramtypes', CaptchaGuard)), 'dist carries decorator metadata');

const verdict = (accepted, reason) => ({ status: accepted ? 'verified' : 'rejected', accepted, reason });
let next = verdict(true, 'verified');
const seen = [];
const verifier = { verify: async (input, options) => { seen.push({ input, options }); return next; }, close: async () => {} };

class Handlers { login() {} }
RequireCaptcha({ mode: 'closed' })(Handlers.prototype, 'login', Object.getOwnPropertyDescriptor(Handlers.prototype, 'login'));

const app = await NestFactory.createApplicationContext(CaptchaModule.forRoot({ verifier }), { logger: false });
const guard = app.get(CaptchaGuard);
const headers = {};
const request = { headers: {}, body: { 'tencent-captcha-ticket': 't', 'tencent-captcha-randstr': '@r' }, ip: '203.0.113.1' };
const response = { setHeader: (k, v) => { headers[k] = v; }, once() {}, off() {} };
const context = () => ({
  getType: () => 'http',
  getHandler: () => Handlers.prototype.login,
  getClass: () => Handlers,
  switchToHttp: () => ({ getRequest: () => ({ ...request }), getResponse: () => response }),
});

assert((await guard.canActivate(context())) === true, 'an accepted verdict passes');
assert(seen[0].input.ticket === 't' && seen[0].input.userIp === '203.0.113.1', 'ticket and ip are read');
assert(seen[0].options.mode === 'closed' && seen[0].options.signal instanceof AbortSignal, 'route mode and signal are passed');

next = { ...verdict(false, 'upstream_timeout'), status: 'degraded', retryAfterSeconds: 7 };
let thrown;
try { await guard.canActivate(context()); } catch (error) { thrown = error; }
assert(CaptchaException.is(thrown) && thrown.getStatus() === 503, 'a closed-mode outage is a 503 CaptchaException');
assert(thrown.getResponse().code === 'upstream_timeout', 'body code is the reason');
assert(headers['retry-after'] === '7', 'Retry-After is set');
await app.close();
console.log('ok');
`;

describe('the packed package', () => {
  let dir: string;

  beforeAll(async () => {
    for (const name of PACKED) {
      if (!existsSync(join(packagesDir, name, 'dist/index.cjs'))) {
        throw new Error(`packages/${name}/dist is missing: run \`pnpm exec turbo run build --filter=@tencent-captcha/nestjs...\` first`);
      }
    }
    dir = await mkdtemp(join(tmpdir(), 'tencent-captcha-nestjs-smoke-'));
    const packs = join(dir, 'packs');
    for (const name of PACKED) {
      await run('pnpm', ['pack', '--pack-destination', packs], { cwd: join(packagesDir, name), timeout: 60_000 });
    }
    const tarballs = (await readdir(packs)).filter((f) => f.endsWith('.tgz')).map((f) => join(packs, f));
    expect(tarballs).toHaveLength(PACKED.length);

    const consumer = join(dir, 'consumer');
    await run('mkdir', ['-p', consumer]);
    // ESM, as the README's blocks are (top-level await); the CJS check is a .cjs file.
    await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0', type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs, ...PEERS, ...README_DEPS], {
      cwd: consumer,
      timeout: INSTALL_TIMEOUT_MS,
    });
    const cjs = check((n) => `require('${n}')`, "require.resolve('@tencent-captcha/nestjs')", 'dist/index.cjs');
    const esm = check((n) => `await import('${n}')`, "import.meta.resolve('@tencent-captcha/nestjs')", 'dist/index.js');
    await writeFile(join(consumer, 'check.cjs'), `(async () => {${cjs}})().catch((e) => { console.error(e); process.exit(1); });`);
    await writeFile(join(consumer, 'check.mjs'), esm);
    const readme = await readFile(join(packagesDir, 'nestjs', 'README.md'), 'utf8');
    for (const file of ['app.module.ts', 'app.e2e-spec.ts']) {
      const block = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).find((code) => code.startsWith(`// ${file}\n`));
      if (block === undefined) throw new Error(`README.md has no \`\`\`ts block starting with // ${file}`);
      await writeFile(join(consumer, file), block);
    }
  }, INSTALL_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each(['check.cjs', 'check.mjs'])('works when loaded by %s', async (script) => {
    const { stdout } = await run(process.execPath, [script], { cwd: join(dir, 'consumer'), timeout: 30_000 });
    expect(stdout.trim()).toBe('ok');
  });

  it("compiles the README's app module and testing example as written, and the test passes without credentials", async () => {
    const consumer = join(dir, 'consumer');
    const tsc = join(packagesDir, 'nestjs', 'node_modules', 'typescript', 'bin', 'tsc');
    const flags = ['--strict', '--skipLibCheck', 'false', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node'];
    await run(process.execPath, [tsc, ...flags, '--experimentalDecorators', '--emitDecoratorMetadata', '--outDir', 'out', 'app.module.ts', 'app.e2e-spec.ts'], { cwd: consumer, timeout: 120_000 }).catch(
      (error: { stdout?: string }) => {
        throw new Error(`tsc failed:\n${error.stdout ?? ''}`);
      },
    );
    // No TENCENT_* variables: the override keeps the forRootAsync factory (getOrThrow) from running.
    const { stdout, stderr } = await run(process.execPath, [join('out', 'app.e2e-spec.js')], { cwd: consumer, timeout: 30_000, env: { PATH: process.env.PATH } });
    expect(`${stdout}${stderr}`).not.toMatch(/AssertionError|Error:/);
  }, 150_000);
});
