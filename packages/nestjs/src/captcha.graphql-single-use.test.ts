/**
 * One verdict authorises one guarded GraphQL field (issue 18, point 1), on both drivers — Apollo on
 * Express and Mercurius on Fastify, each with batching on. The attacks: one solved ticket in the
 * headers for 50 aliases of a guarded mutation, the same in a batch of operations, and a real ticket
 * in the arguments of alias 1 with junk in aliases 2–50 (the junk used to run on alias 1's verdict and
 * never reached Tencent).
 */
import 'reflect-metadata';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { DynamicModule, ExecutionContext, INestApplication } from '@nestjs/common';
import { Args, Field, GraphQLModule, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CaptchaVerdict, RequireCaptcha } from './captcha.decorators.js';
import { CaptchaModule } from './captcha.module.js';
import type { CaptchaHttpRequest } from './captcha.options.js';
import { emulatorVerifierOptions, startApp, type Platform } from './test-support.js';

@ObjectType()
class Outcome {
  @Field()
  resolver!: string;

  @Field(() => String, { nullable: true })
  status!: string | null;

  @Field(() => String, { nullable: true })
  ticket!: string | null;
}

/** Resolvers that ran, in order. */
const ran: string[] = [];

const argument = (name: string) => (_request: CaptchaHttpRequest, context: ExecutionContext) => {
  const value: unknown = (context.getArgs()[1] as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
};

function outcome(resolver: string, verdict: CaptchaVerdict | undefined, ticket: string | null = null): Outcome {
  ran.push(resolver);
  return { resolver, status: verdict?.status ?? null, ticket };
}

@Resolver()
class AccountResolver {
  @Mutation(() => Outcome, { nullable: true })
  @RequireCaptcha({ mode: 'closed' })
  login(@CaptchaVerdict() verdict: CaptchaVerdict | undefined) {
    return outcome('login', verdict);
  }

  @Mutation(() => Outcome, { nullable: true })
  @RequireCaptcha({ getTicket: argument('ticket'), getRandstr: argument('randstr') })
  signup(@Args('ticket') ticket: string, @Args('randstr') _randstr: string, @CaptchaVerdict() verdict: CaptchaVerdict | undefined) {
    return outcome('signup', verdict, ticket);
  }

  /** Adaptive mode (a disaster ticket is accepted within the budget), ticket from the headers. */
  @Mutation(() => Outcome, { nullable: true })
  @RequireCaptcha()
  signupFromHeaders(@CaptchaVerdict() verdict: CaptchaVerdict | undefined) {
    return outcome('signupFromHeaders', verdict);
  }

  /** Opts in: one verdict may authorise up to three `vote` fields of a request. */
  @Mutation(() => Outcome, { nullable: true })
  @RequireCaptcha({ fieldsPerVerdict: 3 })
  vote(@CaptchaVerdict() verdict: CaptchaVerdict | undefined) {
    return outcome('vote', verdict);
  }

  /** Opts in, ticket from the arguments. */
  @Mutation(() => Outcome, { nullable: true })
  @RequireCaptcha({ fieldsPerVerdict: 50, getTicket: argument('ticket'), getRandstr: argument('randstr') })
  react(@Args('ticket') ticket: string, @Args('randstr') _randstr: string, @CaptchaVerdict() verdict: CaptchaVerdict | undefined) {
    return outcome('react', verdict, ticket);
  }

  @Query(() => Outcome, { nullable: true })
  @RequireCaptcha()
  search(@CaptchaVerdict() verdict: CaptchaVerdict | undefined) {
    return outcome('search', verdict);
  }
}

interface Driver {
  name: string;
  platform: Platform;
  graphql: () => DynamicModule;
}

const DRIVERS: Driver[] = [
  {
    name: 'Apollo on Express',
    platform: 'express',
    graphql: () => GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true, allowBatchedHttpRequests: true }),
  },
  {
    name: 'Mercurius on Fastify',
    platform: 'fastify',
    graphql: () => GraphQLModule.forRoot<MercuriusDriverConfig>({ driver: MercuriusDriver, autoSchemaFile: true, allowBatchedQueries: true }),
  },
];

interface GraphQLErrorJson {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

interface GraphQLResult {
  data: Record<string, Outcome | null> | null;
  errors?: GraphQLErrorJson[];
}

const OUTCOME = '{ resolver status ticket }';
const COUNT = 50;

let emulator: Emulator;
/** Requests the emulator's DescribeCaptchaResult endpoint answered. */
let apiCalls = 0;
beforeAll(async () => {
  emulator = await createEmulator({
    port: 0,
    host: '127.0.0.1',
    logger: (line) => {
      if (line.startsWith('POST ')) apiCalls += 1;
    },
  });
});
afterAll(async () => {
  await emulator?.close();
});

/** The error of the field at `alias`. */
function errorAt(result: GraphQLResult, alias: string): GraphQLErrorJson | undefined {
  return result.errors?.find((e) => e.path?.[0] === alias);
}

describe.each(DRIVERS)('one verdict, one GraphQL field — $name', (driver) => {
  let app: INestApplication | undefined;
  const solvedHeaders = () => {
    const { ticket, randstr } = emulator.issueTicket();
    return { 'x-tencent-captcha-ticket': ticket, 'x-tencent-captcha-randstr': randstr };
  };
  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const res = await request(app!.getHttpServer()).post('/graphql').set(headers).send(body as object);
    expect(res.status).toBe(200);
    return res.body as unknown;
  };

  beforeEach(async () => {
    ran.length = 0;
    app = await startApp(driver.platform, {
      imports: [driver.graphql(), CaptchaModule.forRoot({ verifier: emulatorVerifierOptions(emulator, { budgets: {} }) })],
      providers: [AccountResolver],
    });
    apiCalls = 0;
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('runs one of 50 aliased guarded mutations on one solved ticket; the others are refused with 400 captcha_single_use', async () => {
    const aliases = Array.from({ length: COUNT }, (_, i) => `a${i}: login ${OUTCOME}`).join(' ');
    const result = (await post({ query: `mutation { ${aliases} }` }, solvedHeaders())) as GraphQLResult;
    expect(ran).toEqual(['login']);
    expect(result.data?.a0).toMatchObject({ resolver: 'login', status: 'verified' });
    for (let i = 1; i < COUNT; i += 1) {
      expect(errorAt(result, `a${i}`)?.extensions).toMatchObject({ code: 'captcha_single_use', status: 400 });
    }
    // The ticket went to Tencent once.
    expect(apiCalls).toBe(1);
  });

  it('spends a forged disaster ticket on one field, not on 50 (one degraded acceptance of the budget)', async () => {
    const headers = {
      'x-tencent-captcha-ticket': `trerror_1001_${emulator.appId}_${Math.floor(Date.now() / 1000)}_gql`,
      'x-tencent-captcha-randstr': '@forged',
    };
    const aliases = Array.from({ length: COUNT }, (_, i) => `a${i}: signupFromHeaders ${OUTCOME}`).join(' ');
    const result = (await post({ query: `mutation { ${aliases} }` }, headers)) as GraphQLResult;
    expect(ran).toEqual(['signupFromHeaders']);
    expect(result.data?.a0).toMatchObject({ status: 'degraded' });
    expect(result.errors).toHaveLength(COUNT - 1);
    for (const error of result.errors ?? []) expect(error.extensions).toMatchObject({ code: 'captcha_single_use', status: 400 });
  });

  it('refuses guarded queries beyond the first as well', async () => {
    const result = (await post({ query: `{ s1: search ${OUTCOME} s2: search ${OUTCOME} }` }, solvedHeaders())) as GraphQLResult;
    expect(ran).toEqual(['search']);
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'captcha_single_use', status: 400 });
  });

  it('runs one operation of a batch (an array of operations) carrying one solved ticket', async () => {
    const batch = Array.from({ length: 5 }, () => ({ query: `mutation { login ${OUTCOME} }` }));
    const results = (await post(batch, solvedHeaders())) as GraphQLResult[];
    expect(results).toHaveLength(5);
    expect(ran).toEqual(['login']);
    const codes = results.map((r) => (r.data?.login ? r.data.login.status : r.errors?.[0]?.extensions?.code));
    expect(codes.filter((c) => c === 'verified')).toHaveLength(1);
    expect(codes.filter((c) => c === 'captcha_single_use')).toHaveLength(4);
  });

  it('verifies the junk tickets of aliases 2–50 (ticket from the arguments) and refuses them; only alias 1 runs', async () => {
    const { ticket, randstr } = emulator.issueTicket();
    const fields = [`a0: signup(ticket: "${ticket}", randstr: "${randstr}") ${OUTCOME}`];
    for (let i = 1; i < COUNT; i += 1) fields.push(`a${i}: signup(ticket: "junk${i}", randstr: "junk") ${OUTCOME}`);
    const result = (await post({ query: `mutation { ${fields.join(' ')} }` })) as GraphQLResult;
    expect(ran).toEqual(['signup']);
    expect(result.data?.a0).toMatchObject({ resolver: 'signup', status: 'verified', ticket });
    for (let i = 1; i < COUNT; i += 1) {
      const error = errorAt(result, `a${i}`);
      // Tencent's own refusal of that junk (a 403 reason), not alias 1's verdict.
      expect(error?.extensions?.status).toBe(403);
      expect(error?.extensions?.code).not.toBe('captcha_single_use');
    }
    // Every field's own ticket went to Tencent.
    expect(apiCalls).toBe(COUNT);
  });

  it('refuses a second field carrying the same ticket in its arguments, and verifies a third with another ticket', async () => {
    const a = emulator.issueTicket();
    const b = emulator.issueTicket();
    const query =
      `mutation { x: signup(ticket: "${a.ticket}", randstr: "${a.randstr}") ${OUTCOME} ` +
      `y: signup(ticket: "${a.ticket}", randstr: "${a.randstr}") ${OUTCOME} ` +
      `z: signup(ticket: "${b.ticket}", randstr: "${b.randstr}") ${OUTCOME} }`;
    const result = (await post({ query })) as GraphQLResult;
    expect(result.data?.x).toMatchObject({ status: 'verified', ticket: a.ticket });
    expect(errorAt(result, 'y')?.extensions).toMatchObject({ code: 'captcha_single_use', status: 400 });
    expect(result.data?.z).toMatchObject({ status: 'verified', ticket: b.ticket });
    expect(apiCalls).toBe(2);
  });

  it('lets a handler opt in to more fields per verdict (fieldsPerVerdict), and no further', async () => {
    const query = Array.from({ length: 4 }, (_, i) => `v${i}: vote ${OUTCOME}`).join(' ');
    const result = (await post({ query: `mutation { ${query} }` }, solvedHeaders())) as GraphQLResult;
    expect(ran).toEqual(['vote', 'vote', 'vote']);
    expect(errorAt(result, 'v3')?.extensions).toMatchObject({ code: 'captcha_single_use', status: 400 });
    expect(apiCalls).toBe(1);
  });

  it('never lets a verdict for ticket A answer for a field carrying ticket B, even when opted in', async () => {
    const { ticket, randstr } = emulator.issueTicket();
    const query = `mutation { a: react(ticket: "${ticket}", randstr: "${randstr}") ${OUTCOME} b: react(ticket: "junk", randstr: "junk") ${OUTCOME} }`;
    const result = (await post({ query })) as GraphQLResult;
    expect(ran).toEqual(['react']);
    expect(result.data?.a).toMatchObject({ status: 'verified', ticket });
    expect(errorAt(result, 'b')?.extensions?.status).toBe(403);
    expect(apiCalls).toBe(2);
  });

  it('takes the strictest limit when fields of different handlers share a verdict', async () => {
    const result = (await post({ query: `mutation { l: login ${OUTCOME} v: vote ${OUTCOME} }` }, solvedHeaders())) as GraphQLResult;
    expect(ran).toEqual(['login']);
    expect(errorAt(result, 'v')?.extensions).toMatchObject({ code: 'captcha_single_use', status: 400 });
  });

  it('hands each field its own verdict', async () => {
    const a = emulator.issueTicket();
    const query = `mutation { a: signup(ticket: "${a.ticket}", randstr: "${a.randstr}") ${OUTCOME} b: signup(ticket: "", randstr: "") ${OUTCOME} }`;
    const result = (await post({ query })) as GraphQLResult;
    expect(result.data?.a).toMatchObject({ status: 'verified' });
    expect(errorAt(result, 'b')?.extensions).toMatchObject({ code: 'ticket_missing', status: 400 });
  });
});
