/**
 * The Redis store against a real Redis server (`REDIS_URL`, else 127.0.0.1:6379). Every test uses its
 * own key prefix and deletes its keys afterwards.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CREDENTIALS, ENDPOINT, createFakeTencent } from '../../test/helpers/fake-tencent.js';
import type { BudgetCounter, DegradedAcceptanceRequest } from './contract.js';
import { createCaptchaVerifier } from '../engine/verifier.js';
import {
  ACCEPT_DEGRADED_SCRIPT,
  ACCEPT_DEGRADED_SCRIPT_SHA1,
  CLAIM_TICKET_SCRIPT,
  CLAIM_TICKET_SCRIPT_SHA1,
  UNDO_SCRIPT_FOR_TESTS,
  createRedisStore,
  type IoRedisScriptClient,
  type RedisScriptClient,
} from './redis.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let redis: Redis;
let prefix: string;

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
});
afterEach(async () => {
  const keys = await scan(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
});
afterAll(async () => {
  await redis.quit();
});

function newPrefix(): string {
  prefix = `tc-core-test:${randomUUID()}:`;
  return prefix;
}

async function scan(pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

const counters = (perIp: number, global: number, ip = '4:203.0.113.7'): BudgetCounter[] => [
  { scope: 'per_ip', key: `app:budget:ip:${ip}:1`, limit: perIp, ttlMs: 60_000 },
  { scope: 'global', key: 'app:budget:global:1', limit: global, ttlMs: 60_000 },
];
const request = (replay: string, c: BudgetCounter[]): DegradedAcceptanceRequest => ({
  replayKey: `app:replay:${replay}`,
  replayTtlMs: 300_000,
  counters: c,
  nowMs: Date.now(),
  deadlineMs: Date.now() + 5000,
});

describe('createRedisStore()', () => {
  it('accepts once, then refuses the same ticket as replayed', async () => {
    const store = createRedisStore({ client: redis, keyPrefix: newPrefix() });
    await expect(store.acceptDegraded(request('t1', counters(5, 5)))).resolves.toEqual({ accepted: true });
    await expect(store.acceptDegraded(request('t1', counters(5, 5)))).resolves.toEqual({ accepted: false, refusal: 'replayed' });
  });

  it('refuses past the per-IP limit, then past the global limit, naming the budget', async () => {
    const store = createRedisStore({ client: redis, keyPrefix: newPrefix() });
    await expect(store.acceptDegraded(request('a', counters(1, 2)))).resolves.toEqual({ accepted: true });
    await expect(store.acceptDegraded(request('b', counters(1, 2)))).resolves.toEqual({ accepted: false, refusal: 'budget_exhausted', scope: 'per_ip', limit: 1 });
    await expect(store.acceptDegraded(request('c', counters(1, 2, '4:198.51.100.1')))).resolves.toEqual({ accepted: true });
    await expect(store.acceptDegraded(request('d', counters(1, 2, '4:198.51.100.2')))).resolves.toEqual({ accepted: false, refusal: 'budget_exhausted', scope: 'global', limit: 2 });
  });

  it('writes nothing for a refused request (check and set are atomic)', async () => {
    const p = newPrefix();
    const store = createRedisStore({ client: redis, keyPrefix: p });
    await store.acceptDegraded(request('a', counters(0, 5)));
    expect(await scan(`${p}*`)).toEqual([]);
  });

  it('sets TTLs: the replay entry for its validity, counters for their window', async () => {
    const p = newPrefix();
    const store = createRedisStore({ client: redis, keyPrefix: p });
    await store.acceptDegraded(request('a', counters(5, 5)));
    const replayTtl = await redis.pttl(`${p}{tc}:app:replay:a`);
    const counterTtl = await redis.pttl(`${p}{tc}:app:budget:global:1`);
    expect(replayTtl).toBeGreaterThan(290_000);
    expect(replayTtl).toBeLessThanOrEqual(300_000);
    expect(counterTtl).toBeGreaterThan(50_000);
    expect(counterTtl).toBeLessThanOrEqual(60_000);
    expect(await redis.get(`${p}{tc}:app:budget:global:1`)).toBe('1');
  });

  it('never exceeds a limit under 60 concurrent decisions', async () => {
    const store = createRedisStore({ client: redis, keyPrefix: newPrefix() });
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => store.acceptDegraded(request(`t${i}`, counters(100, 10)))));
    expect(results.filter((r) => r.accepted)).toHaveLength(10);
  });

  it('uses one round trip (EVALSHA) per decision, and EVAL once if Redis does not know the script', async () => {
    const calls: string[] = [];
    let first = true;
    const client: IoRedisScriptClient = {
      evalsha: async (...args) => {
        calls.push('evalsha');
        if (first) {
          first = false;
          throw new Error('NOSCRIPT No matching script. Please use EVAL.');
        }
        return redis.evalsha(...(args as [string, number, ...string[]]));
      },
      eval: async (...args) => {
        calls.push('eval');
        return redis.eval(...(args as [string, number, ...string[]]));
      },
    };
    const store = createRedisStore({ client, keyPrefix: newPrefix() });
    await store.acceptDegraded(request('a', counters(5, 5)));
    await store.acceptDegraded(request('b', counters(5, 5)));
    await store.acceptDegraded(request('a', counters(5, 5)));
    expect(calls).toEqual(['evalsha', 'eval', 'evalsha', 'evalsha']);
  });

  it('rejects (and the verifier fails closed) when Redis is unreachable', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    dead.on('error', () => undefined);
    try {
      const store = createRedisStore({ client: dead, keyPrefix: newPrefix() });
      await expect(store.acceptDegraded(request('a', counters(5, 5)))).rejects.toThrow();
      const tencent = createFakeTencent();
      tencent.reply({ apiError: 'InternalError' });
      const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint: ENDPOINT, fetch: tencent.fetch, store, retry: { enabled: false } });
      await expect(verifier.verify({ ticket: 'tr03abc*', randstr: '@EcL', userIp: '203.0.113.7' })).resolves.toMatchObject({
        accepted: false,
        reason: 'store_unavailable',
      });
      tencent.reply({ captchaCode: 1 });
      await expect(verifier.verify({ ticket: 'tr03abd*', randstr: '@EcL', userIp: '203.0.113.7' })).resolves.toMatchObject({ status: 'verified' });
    } finally {
      dead.disconnect();
    }
  });

  it('rejects a client without evalsha/eval', () => {
    expect(() => createRedisStore({ client: {} as RedisScriptClient })).toThrow(TypeError);
  });

  it('ships the SHA-1 of each script (EVALSHA works without hashing per call)', () => {
    expect(ACCEPT_DEGRADED_SCRIPT_SHA1).toBe(createHash('sha1').update(ACCEPT_DEGRADED_SCRIPT).digest('hex'));
    expect(CLAIM_TICKET_SCRIPT_SHA1).toBe(createHash('sha1').update(CLAIM_TICKET_SCRIPT).digest('hex'));
    expect(UNDO_SCRIPT_FOR_TESTS.sha1).toBe(createHash('sha1').update(UNDO_SCRIPT_FOR_TESTS.script).digest('hex'));
  });

  it('the scripts change nothing once Redis\'s TIME has reached the deadline', async () => {
    const p = newPrefix();
    const [seconds, micros] = await redis.time();
    const serverNowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const key = `${p}{tc}:app:replay:late`;
    const counterKey = `${p}{tc}:app:budget:global:1`;
    await expect(redis.eval(ACCEPT_DEGRADED_SCRIPT, 2, key, counterKey, String(serverNowMs), 'token', '300000', '5', '60000')).resolves.toBe(-1_000_000);
    await expect(redis.eval(CLAIM_TICKET_SCRIPT, 1, key, String(serverNowMs), 'token', '300000')).resolves.toBe(-1_000_000);
    expect(await scan(`${p}*`)).toEqual([]);
    // A deadline still ahead commits.
    await expect(redis.eval(ACCEPT_DEGRADED_SCRIPT, 2, key, counterKey, String(serverNowMs + 60_000), 'token', '300000', '5', '60000')).resolves.toBe(1);
    await expect(redis.eval(CLAIM_TICKET_SCRIPT, 1, `${key}:claim`, String(serverNowMs + 60_000), 'token', '300000')).resolves.toBe(1);
    await expect(redis.eval(CLAIM_TICKET_SCRIPT, 1, `${key}:claim`, String(serverNowMs + 60_000), 'token', '300000')).resolves.toBe(0);
  });

  it('claimTicket: claimed once, then already_used, with the prefix and TTL', async () => {
    const p = newPrefix();
    const store = createRedisStore({ client: redis, keyPrefix: p });
    const claim = () => store.claimTicket({ key: 'legacy:ticket-1', ttlMs: 300_000, nowMs: Date.now(), deadlineMs: Date.now() + 5000 });
    await expect(claim()).resolves.toBe('claimed');
    await expect(claim()).resolves.toBe('already_used');
    const ttl = await redis.pttl(`${p}{tc}:legacy:ticket-1`);
    expect(ttl).toBeGreaterThan(290_000);
    expect(ttl).toBeLessThanOrEqual(300_000);
  });

  it('claimTicket: only one of 50 concurrent claims of a ticket wins', async () => {
    const store = createRedisStore({ client: redis, keyPrefix: newPrefix() });
    const results = await Promise.all(Array.from({ length: 50 }, () => store.claimTicket({ key: 'legacy:t', ttlMs: 60_000, nowMs: Date.now(), deadlineMs: Date.now() + 5000 })));
    expect(results.filter((r) => r === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r === 'already_used')).toHaveLength(49);
  });

  it('sends nothing when the deadline has already passed', async () => {
    const sent: string[] = [];
    const client: RedisScriptClient = {
      evalsha: async () => sent.push('evalsha'),
      eval: async () => sent.push('eval'),
    };
    const store = createRedisStore({ client });
    await expect(store.acceptDegraded({ ...request('a', counters(5, 5)), deadlineMs: Date.now() - 1 })).resolves.toEqual({ accepted: false, refusal: 'cannot_remember' });
    await expect(store.claimTicket({ key: 'k', ttlMs: 1000, nowMs: Date.now(), deadlineMs: Date.now() })).resolves.toBe('cannot_remember');
    expect(sent).toEqual([]);
  });

  it('rejects at once with the signal\'s reason when the call is aborted, sending nothing if it already was', async () => {
    const sent: string[] = [];
    const client: RedisScriptClient = {
      evalsha: () => {
        sent.push('evalsha');
        return new Promise(() => {});
      },
      eval: () => new Promise(() => {}),
    };
    const store = createRedisStore({ client });
    const reason = new Error('verifier gave up');
    await expect(store.acceptDegraded(request('a', counters(5, 5)), { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(sent).toEqual([]);
    const controller = new AbortController();
    const pending = store.claimTicket({ key: 'k', ttlMs: 1000, nowMs: Date.now(), deadlineMs: Date.now() + 5000 }, { signal: controller.signal });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(sent).toEqual(['evalsha']);
  });

  it('takes back an acceptance that committed before the deadline but answered after the caller gave up', async () => {
    const p = newPrefix();
    let answered!: () => void;
    const answeredLate = new Promise<void>((resolve) => (answered = resolve));
    // Redis runs the script at once; the answer is held back past the caller's abort.
    const slowAnswers: IoRedisScriptClient = {
      evalsha: async (...args) => {
        const answer = await redis.evalsha(...(args as [string, number, ...string[]]));
        if (args[0] === UNDO_SCRIPT_FOR_TESTS.sha1) return answer;
        await new Promise((resolve) => setTimeout(resolve, 300));
        answered();
        return answer;
      },
      eval: async (...args) => redis.eval(...(args as [string, number, ...string[]])),
    };
    const store = createRedisStore({ client: slowAnswers, keyPrefix: p });
    // A counter someone else already incremented: the undo decrements only this call's increment.
    await redis.set(`${p}{tc}:app:budget:global:1`, '3', 'PX', 60_000);
    const accept = store.acceptDegraded(request('late', counters(5, 5)), { signal: AbortSignal.timeout(30) });
    const claim = store.claimTicket({ key: 'legacy:late', ttlMs: 60_000, nowMs: Date.now(), deadlineMs: Date.now() + 5000 }, { signal: AbortSignal.timeout(30) });
    await expect(accept).rejects.toMatchObject({ name: 'TimeoutError' });
    await expect(claim).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(await redis.exists(`${p}{tc}:app:replay:late`)).toBe(1); // committed, answer not back yet
    await answeredLate;
    await vi.waitFor(async () => expect(await redis.exists(`${p}{tc}:app:replay:late`, `${p}{tc}:legacy:late`)).toBe(0), { timeout: 2000, interval: 10 });
    expect(await redis.get(`${p}{tc}:app:budget:global:1`)).toBe('3');
    expect(await redis.get(`${p}{tc}:app:budget:ip:4:203.0.113.7:1`)).toBe('0');
    // The user's retry is accepted, not refused as a replay.
    await expect(createRedisStore({ client: redis, keyPrefix: p }).acceptDegraded(request('late', counters(5, 5)))).resolves.toEqual({ accepted: true });
  });

  it('rejects (store_bad_answer) an answer the script cannot give', async () => {
    const store = createRedisStore({ client: { evalsha: async () => 'OK', eval: async () => 'OK' } });
    await expect(store.acceptDegraded(request('a', counters(5, 5)))).rejects.toMatchObject({ code: 'store_bad_answer' });
    const store7 = createRedisStore({ client: { evalsha: async () => -7, eval: async () => -7 } });
    await expect(store7.acceptDegraded(request('a', counters(5, 5)))).rejects.toMatchObject({ code: 'store_bad_answer' });
  });
});

describe('two verifiers sharing one Redis store', () => {
  const NOW = Date.now();
  const disaster = (code: number) => `trerror_${code}_${CREDENTIALS.captchaAppId}_${Math.floor(NOW / 1000)}`;

  function pair(budgets = { perIp: 2, global: 3 }) {
    const keyPrefix = newPrefix();
    const make = () => {
      const tencent = createFakeTencent();
      tencent.reply({ captchaCode: 21 });
      return createCaptchaVerifier({
        ...CREDENTIALS,
        endpoint: ENDPOINT,
        fetch: tencent.fetch,
        now: () => NOW,
        budgets,
        // Redis on a busy CI machine: give the store a little more time than the default.
        storeTimeoutMs: 1000,
        store: createRedisStore({ client: redis, keyPrefix }),
      });
    };
    return [make(), make()] as const;
  }

  it('share replay protection: a ticket accepted by one is refused by the other', async () => {
    const [a, b] = pair();
    const input = { ticket: disaster(1001), randstr: '@x1', userIp: '203.0.113.7' };
    await expect(a.verify(input)).resolves.toMatchObject({ accepted: true, reason: 'disaster_ticket' });
    await expect(b.verify(input)).resolves.toMatchObject({ accepted: false, reason: 'ticket_replayed' });
  });

  it('share budgets: per IP and global across both', async () => {
    const [a, b] = pair({ perIp: 2, global: 3 });
    const ip1 = '203.0.113.7';
    const ip2 = '198.51.100.2';
    const results = [
      await a.verify({ ticket: disaster(1001), randstr: '@x', userIp: ip1 }),
      await b.verify({ ticket: disaster(1002), randstr: '@x', userIp: ip1 }),
      await a.verify({ ticket: disaster(1003), randstr: '@x', userIp: ip1 }),
      await b.verify({ ticket: disaster(1004), randstr: '@x', userIp: ip2 }),
      await a.verify({ ticket: disaster(1005), randstr: '@x', userIp: ip2 }),
    ];
    expect(results.map((r) => `${r.accepted}:${r.reason}`)).toEqual([
      'true:disaster_ticket',
      'true:disaster_ticket',
      'false:budget_exhausted',
      'true:disaster_ticket',
      'false:budget_exhausted',
    ]);
  });
});

describe('the app-wide cap in Redis (issue 18 point 3)', () => {
  it('holds across 200 budget scopes in the script: one IP gets no more than the healthy global budget, and the keys stay bounded', async () => {
    const tencent = createFakeTencent();
    tencent.reply({ captchaCode: 21, captchaMsg: 'diff' });
    const store = createRedisStore({ client: redis, keyPrefix: newPrefix() });
    const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint: ENDPOINT, fetch: tencent.fetch, store, retry: { enabled: false }, logger: false });
    const second = Math.floor(Date.now() / 1000);
    const verdicts = [];
    for (let i = 0; i < 400; i++) {
      const input = { ticket: `trerror_1001_${CREDENTIALS.captchaAppId}_${second}`, randstr: `@forged${i}`, userIp: '198.51.100.7' };
      verdicts.push(await verifier.verify(input, { budgetScope: `/p${i % 200}` }));
    }
    const accepted = verdicts.filter((v) => v.accepted).length;
    // Before: all 400 (2 per scope, under the per-scope budget of 3). Now the app-wide healthy cap, 30.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThanOrEqual(30);
    expect(verdicts.filter((v) => !v.accepted).every((v) => v.reason === 'budget_exhausted')).toBe(true);
    // Keys only for what was accepted: a replay entry and at most three counters each.
    expect((await scan(`${prefix}*`)).length).toBeLessThanOrEqual(4 * 30);
    await verifier.close();
  });
});
