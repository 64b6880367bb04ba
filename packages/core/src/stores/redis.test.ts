/**
 * The Redis store against a real Redis server (`REDIS_URL`, else 127.0.0.1:6379). Every test uses its
 * own key prefix and deletes its keys afterwards.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS, ENDPOINT, createFakeTencent } from '../../test/helpers/fake-tencent.js';
import type { BudgetCounter, DegradedAcceptanceRequest } from '../store.js';
import { createCaptchaVerifier } from '../verifier.js';
import { createRedisStore, type RedisScriptClient } from './redis.js';

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
    const client: RedisScriptClient = {
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
