/**
 * GraphQL over HTTP: real Nest apps with `@nestjs/graphql` (code first, schema in memory) on both
 * drivers — Apollo on Express, Mercurius on Fastify — against the emulator. A global guard refuses an
 * operation without a captcha (it used to let it through); `@RequireCaptcha()` / `@SkipCaptcha()` work
 * on resolver methods and classes (the former used to answer 500); getters can read the arguments.
 */
import 'reflect-metadata';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { DynamicModule, ExecutionContext, INestApplication } from '@nestjs/common';
import { Args, Field, GraphQLModule, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CaptchaVerdict, RequireCaptcha, SkipCaptcha } from './captcha.decorators.js';
import { CaptchaModule } from './captcha.module.js';
import type { CaptchaHttpRequest } from './captcha.options.js';
import { emulatorVerifierOptions, startApp, type Platform } from './test-support.js';

@ObjectType()
class Receipt {
  @Field()
  resolver!: string;

  @Field(() => String, { nullable: true })
  status!: string | null;

  @Field(() => String, { nullable: true })
  mode!: string | null;
}

/** Resolvers that ran, in order. */
const ran: string[] = [];

function receipt(resolver: string, verdict: CaptchaVerdict | undefined): Receipt {
  ran.push(resolver);
  return { resolver, status: verdict?.status ?? null, mode: verdict?.mode ?? null };
}

/** Reads a GraphQL argument: the getters receive the execution context, whose `getArgs()[1]` are the arguments. */
const argument = (name: string) => (_request: CaptchaHttpRequest, context: ExecutionContext) => {
  const value: unknown = (context.getArgs()[1] as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
};

@Resolver()
class CommentResolver {
  @Mutation(() => Receipt)
  addComment(@Args('text') _text: string, @CaptchaVerdict() verdict: CaptchaVerdict | undefined) {
    return receipt('addComment', verdict);
  }

  @Mutation(() => Receipt)
  @RequireCaptcha({ mode: 'closed' })
  login(@CaptchaVerdict() verdict: CaptchaVerdict | undefined) {
    return receipt('login', verdict);
  }

  @Mutation(() => Receipt)
  @RequireCaptcha({ getTicket: argument('ticket'), getRandstr: argument('randstr') })
  signup(@Args('ticket') _ticket: string, @Args('randstr') _randstr: string, @CaptchaVerdict() verdict: CaptchaVerdict | undefined) {
    return receipt('signup', verdict);
  }

  @Query(() => Receipt)
  @SkipCaptcha()
  health(@CaptchaVerdict() verdict: CaptchaVerdict | undefined) {
    return receipt('health', verdict);
  }

  @Query(() => Receipt)
  first(@CaptchaVerdict() verdict: CaptchaVerdict | undefined) {
    return receipt('first', verdict);
  }

  @Query(() => Receipt)
  second(@CaptchaVerdict() verdict: CaptchaVerdict | undefined) {
    return receipt('second', verdict);
  }
}

@Resolver()
@RequireCaptcha({ mode: 'open' })
class GuardedClassResolver {
  @Mutation(() => Receipt)
  vote(@CaptchaVerdict() verdict: CaptchaVerdict | undefined) {
    return receipt('vote', verdict);
  }

  @Query(() => Receipt)
  @SkipCaptcha()
  tally(@CaptchaVerdict() verdict: CaptchaVerdict | undefined) {
    return receipt('tally', verdict);
  }
}

@Resolver()
@SkipCaptcha()
class SkippedClassResolver {
  @Query(() => Receipt)
  open(@CaptchaVerdict() verdict: CaptchaVerdict | undefined) {
    return receipt('open', verdict);
  }
}

interface Driver {
  name: string;
  platform: Platform;
  graphql: () => DynamicModule;
}

interface GraphQLErrorJson {
  message: string;
  path?: string[];
  extensions?: Record<string, unknown>;
}

const DRIVERS: Driver[] = [
  {
    name: 'Apollo on Express',
    platform: 'express',
    graphql: () => GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true }),
  },
  {
    name: 'Mercurius on Fastify',
    platform: 'fastify',
    graphql: () => GraphQLModule.forRoot<MercuriusDriverConfig>({ driver: MercuriusDriver, autoSchemaFile: true }),
  },
];

let emulator: Emulator;
let sequence = 0;
beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await emulator?.close();
});

const RECEIPT = '{ resolver status mode }';

/** Both drivers answer the exception's `extensions`: `{ code: <verdict reason>, status: <HTTP status of a route> }`. */
const reason = (error: GraphQLErrorJson) => error.extensions?.code;

describe.each(DRIVERS)('GraphQL with $name', (driver) => {
  let app: INestApplication | undefined;
  const solved = () => {
    const { ticket, randstr } = emulator.issueTicket();
    return { 'x-tencent-captcha-ticket': ticket, 'x-tencent-captcha-randstr': randstr };
  };
  const disaster = () => ({
    'x-tencent-captcha-ticket': `trerror_1001_${emulator.appId}_${Math.floor(Date.now() / 1000)}`,
    'x-tencent-captcha-randstr': `@gql${(sequence += 1)}`,
  });
  /** POSTs a GraphQL operation; always HTTP 200 with `{ data, errors }` for an executed operation. */
  const gql = async (query: string, headers: Record<string, string> = {}) => {
    const res = await request(app!.getHttpServer()).post('/graphql').set(headers).send({ query });
    expect(res.headers['content-type']).toMatch(/json/);
    return { status: res.status, headers: res.headers, data: res.body.data as Record<string, Receipt | null> | null, errors: (res.body.errors ?? []) as GraphQLErrorJson[] };
  };
  const start = async (globalGuard: boolean, resolvers: unknown[]) => {
    app = await startApp(driver.platform, {
      imports: [
        driver.graphql(),
        CaptchaModule.forRoot({ globalGuard, verifier: emulatorVerifierOptions(emulator, { budgets: {} }) }),
      ],
      providers: resolvers as never[],
    });
  };

  beforeEach(() => {
    ran.length = 0;
  });
  afterEach(async () => {
    emulator.faults.clear();
    await app?.close();
    app = undefined;
  });

  describe('globalGuard: true', () => {
    beforeEach(async () => {
      await start(true, [CommentResolver, GuardedClassResolver, SkippedClassResolver]);
    });

    it('refuses a mutation without a captcha (ticket_missing) and does not run the resolver', async () => {
      const res = await gql(`mutation { addComment(text: "hi") ${RECEIPT} }`);
      // An executed operation: 200 with { data, errors } on both drivers.
      expect(res.status).toBe(200);
      expect(res.data?.addComment ?? null).toBeNull();
      expect(res.errors).toHaveLength(1);
      expect(reason(res.errors[0]!)).toBe('ticket_missing');
      expect(res.errors[0]!.extensions?.status).toBe(400);
      expect(res.errors[0]!.path).toEqual(['addComment']);
      expect(ran).toEqual([]);
    });

    it('runs a mutation with a solved ticket in the headers and hands it the verdict', async () => {
      const res = await gql(`mutation { addComment(text: "hi") ${RECEIPT} }`, solved());
      expect(res.errors).toEqual([]);
      expect(res.data?.addComment).toEqual({ resolver: 'addComment', status: 'verified', mode: 'adaptive' });
    });

    it('refuses a reused ticket (403 reason) and a forged disaster ticket of another app', async () => {
      const headers = solved();
      await gql(`mutation { addComment(text: "a") ${RECEIPT} }`, headers);
      const reused = await gql(`mutation { addComment(text: "b") ${RECEIPT} }`, headers);
      expect(reason(reused.errors[0]!)).toBe('ticket_reused');
      expect(reused.errors[0]!.extensions?.status).toBe(403);
      const forged = await gql(`mutation { addComment(text: "c") ${RECEIPT} }`, {
        'x-tencent-captcha-ticket': `trerror_1001_123456789_${Math.floor(Date.now() / 1000)}`,
        'x-tencent-captcha-randstr': '@k3j5h2g7f9d',
      });
      expect(reason(forged.errors[0]!)).toBe('disaster_ticket_app_id_mismatch');
      expect(ran).toEqual(['addComment']);
    });

    it('reads the headers only: captcha fields in the GraphQL request body are not read', async () => {
      const { ticket, randstr } = emulator.issueTicket();
      const res = await request(app!.getHttpServer())
        .post('/graphql')
        .send({ query: `mutation { addComment(text: "hi") ${RECEIPT} }`, 'tencent-captcha-ticket': ticket, 'tencent-captcha-randstr': randstr });
      expect(reason((res.body.errors as GraphQLErrorJson[])[0]!)).toBe('ticket_missing');
      expect(ran).toEqual([]);
    });

    it('guards queries too; one ticket authorises one guarded field of an operation', async () => {
      const refused = await gql(`{ first ${RECEIPT} }`);
      expect(reason(refused.errors[0]!)).toBe('ticket_missing');
      // The fields of a query resolve concurrently; the ticket is verified once and spent on one field.
      const res = await gql(`{ first ${RECEIPT} second ${RECEIPT} }`, solved());
      expect(res.errors).toHaveLength(1);
      expect(reason(res.errors[0]!)).toBe('captcha_single_use');
      expect(res.errors[0]!.extensions?.status).toBe(400);
      expect(ran).toHaveLength(1);
    });

    it('lets @SkipCaptcha() resolvers and resolver classes through', async () => {
      const res = await gql(`{ health ${RECEIPT} open ${RECEIPT} tally ${RECEIPT} }`);
      expect(res.errors).toEqual([]);
      expect(res.data).toEqual({
        health: { resolver: 'health', status: null, mode: null },
        open: { resolver: 'open', status: null, mode: null },
        tally: { resolver: 'tally', status: null, mode: null },
      });
    });

    it("applies a resolver's @RequireCaptcha({ mode: 'closed' }): an outage is refused with status 503 and Retry-After", async () => {
      emulator.faults.set('api', { kind: 'internal-error' });
      const comment = await gql(`mutation { addComment(text: "hi") ${RECEIPT} }`, solved());
      expect(comment.data?.addComment).toEqual({ resolver: 'addComment', status: 'degraded', mode: 'adaptive' });
      const login = await gql(`mutation { login ${RECEIPT} }`, solved());
      expect(reason(login.errors[0]!)).toBe('upstream_internal_error');
      expect(login.errors[0]!.extensions?.status).toBe(503);
      expect(login.headers['retry-after']).toMatch(/^\d+$/);
      expect(ran).toEqual(['addComment']);
    });

    it('reads the ticket from the arguments with getters', async () => {
      const { ticket, randstr } = emulator.issueTicket();
      // The headers are not read on this resolver.
      const headersOnly = await gql(`mutation { signup(ticket: "", randstr: "") ${RECEIPT} }`, solved());
      expect(reason(headersOnly.errors[0]!)).toBe('ticket_missing');
      const res = await gql(`mutation { signup(ticket: "${ticket}", randstr: "${randstr}") ${RECEIPT} }`);
      expect(res.errors).toEqual([]);
      expect(res.data?.signup).toEqual({ resolver: 'signup', status: 'verified', mode: 'adaptive' });
    });

    it("keeps each resolver's budget of disaster tickets (ResolverClass.method)", async () => {
      const statuses = async (field: string, count: number) => {
        const out: unknown[] = [];
        for (let i = 0; i < count; i += 1) {
          const res = await gql(`{ ${field} ${RECEIPT} }`, disaster());
          out.push(res.errors.length === 0 ? res.data?.[field]?.status : reason(res.errors[0]!));
        }
        return out;
      };
      expect(await statuses('first', 4)).toEqual(['degraded', 'degraded', 'degraded', 'budget_exhausted']);
      expect(await statuses('second', 1)).toEqual(['degraded']);
    });
  });

  describe('@RequireCaptcha() without a global guard', () => {
    beforeEach(async () => {
      await start(false, [CommentResolver, GuardedClassResolver]);
    });

    it('guards the decorated resolver methods and classes, and only them', async () => {
      const login = await gql(`mutation { login ${RECEIPT} }`);
      expect(reason(login.errors[0]!)).toBe('ticket_missing');
      const vote = await gql(`mutation { vote ${RECEIPT} }`);
      expect(reason(vote.errors[0]!)).toBe('ticket_missing');
      expect(ran).toEqual([]);

      const ok = await gql(`mutation { login ${RECEIPT} }`, solved());
      expect(ok.data?.login).toEqual({ resolver: 'login', status: 'verified', mode: 'closed' });
      const voted = await gql(`mutation { vote ${RECEIPT} }`, solved());
      expect(voted.data?.vote).toEqual({ resolver: 'vote', status: 'verified', mode: 'open' });
      const free = await gql(`mutation { addComment(text: "hi") ${RECEIPT} } `);
      expect(free.data?.addComment).toEqual({ resolver: 'addComment', status: null, mode: null });
      const tally = await gql(`{ tally ${RECEIPT} }`);
      expect(tally.data?.tally).toEqual({ resolver: 'tally', status: null, mode: null });
    });
  });
});
