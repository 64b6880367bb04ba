/**
 * The README's examples work as written: its `app.module.ts` block is copied out of README.md
 * (only the package import is pointed at this source tree), configured through `@nestjs/config` from
 * environment variables that point at the emulator, and driven over HTTP on Express and Fastify; its
 * `account.resolver.ts` block likewise, under Apollo on Express and Mercurius on Fastify; its
 * `app.e2e-spec.ts` block runs as written (its own assertions) without the app's variables set, and
 * without the `forRootAsync` factory running.
 */
import 'reflect-metadata';
import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import type { INestApplication, Type } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CAPTCHA_VERIFIER } from './captcha.constants.js';
import { CaptchaModule } from './captcha.module.js';
import { PLATFORMS, emulatorVerifierOptions, startApp } from './test-support.js';

const packageDir = resolve(import.meta.dirname, '..');
// Outside src/ (so tsc and the package never see it), inside the package (so imports resolve and swc
// compiles its decorators).
const generatedDir = join(packageDir, 'test-output', 'readme');

/** Writes the README's ```ts block that starts with `// <file>` next to the tests and imports it. */
async function importFromReadme<T>(file: string, rewrite: (code: string) => string = (code) => code): Promise<T> {
  const readme = await readFile(join(packageDir, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).find((code) => code.startsWith(`// ${file}\n`));
  if (block === undefined) throw new Error(`README.md has no \`\`\`ts block starting with // ${file}`);
  const source = relative(generatedDir, join(packageDir, 'src/index.js')).replaceAll('\\', '/');
  const code = rewrite(block.replace(`from '@tencent-captcha/nestjs'`, `from '${source}'`));
  expect(code).not.toBe(block);
  await mkdir(generatedDir, { recursive: true });
  const path = join(generatedDir, `${file.replace(/\.ts$/, '')}.${process.pid}.ts`);
  await writeFile(path, code);
  return (await import(/* @vite-ignore */ path)) as T;
}

async function appModuleFromReadme(): Promise<Type> {
  return (await importFromReadme<{ AppModule: Type }>('app.module.ts')).AppModule;
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

describe.each([
  { name: 'Apollo on Express', platform: 'express' as const, graphql: () => GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true }) },
  { name: 'Mercurius on Fastify', platform: 'fastify' as const, graphql: () => GraphQLModule.forRoot<MercuriusDriverConfig>({ driver: MercuriusDriver, autoSchemaFile: true }) },
])("the README's GraphQL resolver with $name", ({ platform, graphql }) => {
  let app: INestApplication | undefined;
  const gql = (query: string, headers: Record<string, string> = {}) => request(app!.getHttpServer()).post('/graphql').set(headers).send({ query }).expect(200);

  beforeAll(async () => {
    const { AccountResolver } = await importFromReadme<{ AccountResolver: Type }>('account.resolver.ts');
    app = await startApp(platform, {
      imports: [graphql(), CaptchaModule.forRoot({ globalGuard: true, verifier: emulatorVerifierOptions(emulator) })],
      providers: [AccountResolver],
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('logs in with the ticket in the headers and refuses a missing one', async () => {
    const { ticket, randstr } = emulator.issueTicket();
    const ok = await gql('mutation { login(username: "ada") }', { 'x-tencent-captcha-ticket': ticket, 'x-tencent-captcha-randstr': randstr });
    expect(ok.body).toEqual({ data: { login: 'ada: verified' } });
    const refused = await gql('mutation { login(username: "ada") }');
    expect(refused.body.errors[0].extensions).toEqual({ code: 'ticket_missing', status: 400 });
  });

  it('answers the @SkipCaptcha() query without a captcha under globalGuard', async () => {
    const ok = await gql('{ usernameTaken(username: "admin") }');
    expect(ok.body).toEqual({ data: { usernameTaken: true } });
  });

  it('signs up with the ticket in the arguments', async () => {
    const { ticket, randstr } = emulator.issueTicket();
    const ok = await gql(`mutation { signup(username: "bo", ticket: "${ticket}", randstr: "${randstr}") }`);
    expect(ok.body).toEqual({ data: { signup: 'bo: verified' } });
  });
});

describe("the README's testing example", () => {
  const names = ['TENCENT_CAPTCHA_APP_ID', 'TENCENT_CAPTCHA_APP_SECRET_KEY', 'TENCENTCLOUD_SECRET_ID', 'TENCENTCLOUD_SECRET_KEY', 'TENCENT_CAPTCHA_ENDPOINT'];
  let saved: Record<string, string | undefined>;
  beforeAll(() => {
    // Where tests run, the app's variables are usually not set: the example must not need them.
    saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
    for (const name of names) delete process.env[name];
  });
  afterAll(() => {
    for (const name of names) if (saved[name] !== undefined) process.env[name] = saved[name];
    vi.restoreAllMocks();
  });

  it('overrides the options so the forRootAsync factory never runs, and logs in with the fake verdict', async () => {
    const getOrThrow = vi.spyOn(ConfigService.prototype, 'getOrThrow');
    // The block asserts the 201 and the body itself (node:assert) and closes its app.
    await importFromReadme('app.e2e-spec.ts', (code) => code.replace(`from './app.module.js'`, `from './app.module.${process.pid}.js'`));
    expect(getOrThrow).not.toHaveBeenCalled();
  });

  it('(why: overriding only CAPTCHA_VERIFIER still runs the factory, which throws without the variables)', async () => {
    const builder = Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(CAPTCHA_VERIFIER)
      .useValue({ verify: async () => undefined, close: async () => {} });
    await expect(builder.compile()).rejects.toThrow(/TENCENT_CAPTCHA_APP_ID/);
  });
});
