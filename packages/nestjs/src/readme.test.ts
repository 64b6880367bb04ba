/**
 * The README's example works as written: its `app.module.ts` block is copied out of README.md
 * (only the package import is pointed at this source tree), configured through `@nestjs/config` from
 * environment variables that point at the emulator, and driven over HTTP on Express and Fastify.
 */
import 'reflect-metadata';
import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { INestApplication, Type } from '@nestjs/common';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORMS, startApp } from './test-support.js';

const packageDir = resolve(import.meta.dirname, '..');
// Outside src/ (so tsc and the package never see it), inside the package (so imports resolve and swc
// compiles its decorators).
const generatedDir = join(packageDir, 'test-output', 'readme');

async function appModuleFromReadme(): Promise<Type> {
  const readme = await readFile(join(packageDir, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).find((code) => code.startsWith('// app.module.ts'));
  if (block === undefined) throw new Error('README.md has no ```ts block starting with // app.module.ts');
  const source = relative(generatedDir, join(packageDir, 'src/index.js')).replaceAll('\\', '/');
  const code = block.replace(`from '@tencent-captcha/nestjs'`, `from '${source}'`);
  expect(code).not.toBe(block);
  await mkdir(generatedDir, { recursive: true });
  const file = join(generatedDir, `app.module.${process.pid}.ts`);
  await writeFile(file, code);
  const { AppModule } = (await import(/* @vite-ignore */ file)) as { AppModule: Type };
  return AppModule;
}

let emulator: Emulator;
let AppModule: Type;
const savedEnv = { ...process.env };

beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
  Object.assign(process.env, {
    TENCENT_CAPTCHA_APP_ID: emulator.appId,
    TENCENT_CAPTCHA_APP_SECRET_KEY: emulator.appSecretKey,
    TENCENTCLOUD_SECRET_ID: emulator.secretId,
    TENCENTCLOUD_SECRET_KEY: emulator.secretKey,
    TENCENT_CAPTCHA_ENDPOINT: emulator.apiUrl,
  });
  AppModule = await appModuleFromReadme();
});
afterAll(async () => {
  process.env = savedEnv;
  await emulator?.close();
  await rm(generatedDir, { recursive: true, force: true });
  await rmdir(join(packageDir, 'test-output')).catch(() => {});
});

describe.each(PLATFORMS)("the README's example on %s", (platform) => {
  let app: INestApplication | undefined;
  const http = () => request(app!.getHttpServer());
  const solve = () => {
    const { ticket, randstr } = emulator.issueTicket();
    return { 'tencent-captcha-ticket': ticket, 'tencent-captcha-randstr': randstr };
  };

  beforeAll(async () => {
    app = await startApp(platform, { imports: [AppModule] });
  });
  afterAll(async () => {
    emulator.faults.clear();
    await app?.close();
  });

  it('logs in with a solved captcha and refuses a missing one', async () => {
    const res = await http().post('/login').type('form').send({ username: 'ada', ...solve() }).expect(201);
    expect(res.body).toEqual({ welcome: 'ada', captcha: 'verified' });
    const refused = await http().post('/login').send({ username: 'ada' }).expect(400);
    expect(refused.body.code).toBe('ticket_missing');
  });

  it('keeps comments open and logins closed while Tencent fails', async () => {
    emulator.faults.set('api', { kind: 'internal-error' });
    const comment = await http().post('/comments').send({ text: 'hi', ...solve() }).expect(201);
    expect(comment.body).toEqual({ saved: true, moderate: true });
    const login = await http().post('/login').send({ username: 'ada', ...solve() }).expect(503);
    expect(login.body.code).toBe('upstream_internal_error');
    expect(login.headers['retry-after']).toMatch(/^\d+$/);
    emulator.faults.clear();
  });
});
