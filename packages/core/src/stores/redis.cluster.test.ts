/**
 * The Redis store on a real Redis Cluster of three masters that this file starts (cluster-enabled
 * redis-servers joined with `redis-cli --cluster create`), through ioredis `Cluster` and node-redis v5
 * `createCluster`.
 */
import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawCommand, redisClusterMissing, startRedisCluster, type RedisCluster } from '../../test/helpers/redis-server.js';
import type { BudgetCounter, DegradedAcceptanceRequest } from './contract.js';
import { createRedisStore, type RedisStore } from './redis.js';

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

if (redisClusterMissing) console.log(`Skipping the Redis Cluster tests: ${redisClusterMissing}`);

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

/** The same checks for either client. */
async function exerciseStore(store: RedisStore): Promise<void> {
  await expect(store.acceptDegraded(request('t1', counters(2, 10)))).resolves.toEqual({ accepted: true });
  await expect(store.acceptDegraded(request('t1', counters(2, 10)))).resolves.toEqual({ accepted: false, refusal: 'replayed' });
  await expect(store.acceptDegraded(request('t2', counters(2, 10)))).resolves.toEqual({ accepted: true });
  await expect(store.acceptDegraded(request('t3', counters(2, 10)))).resolves.toEqual({ accepted: false, refusal: 'budget_exhausted', scope: 'per_ip', limit: 2 });
  // 60 concurrent decisions from different addresses never pass the global limit.
  const results = await Promise.all(Array.from({ length: 60 }, (_, i) => store.acceptDegraded(request(`c${i}`, counters(5, 10, `4:198.51.100.${i}`)))));
  expect(results.filter((r) => r.accepted)).toHaveLength(8);
  expect(results.filter((r) => !r.accepted && r.refusal === 'budget_exhausted' && r.scope === 'global')).toHaveLength(52);
  const claim = () => store.claimTicket({ key: 'legacy:ticket', ttlMs: 60_000, nowMs: Date.now(), deadlineMs: Date.now() + 5000 });
  const claims = await Promise.all(Array.from({ length: 20 }, claim));
  expect(claims.filter((c) => c === 'claimed')).toHaveLength(1);
  expect(claims.filter((c) => c === 'already_used')).toHaveLength(19);
  await expect(store.claimTicket({ key: 'legacy:late', ttlMs: 60_000, nowMs: Date.now(), deadlineMs: Date.now() - 1 })).resolves.toBe('cannot_remember');
}

describe.skipIf(redisClusterMissing)('Redis store on a Redis Cluster of three masters', () => {
  let cluster: RedisCluster;
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 30_000);
  afterAll(async () => {
    for (const cleanup of cleanups) await Promise.resolve(cleanup()).catch(() => undefined);
    await cluster?.stop();
  });

  it('keeps every key in the slot of {tc}', async () => {
    const node = cluster.nodes[0]!;
    expect(await rawCommand(node.port, 'CLUSTER KEYSLOT {tc}')).toBe(':6232\r\n');
    expect(await rawCommand(node.port, 'CLUSTER KEYSLOT tencent-captcha:{tc}:app:replay:x')).toBe(':6232\r\n');
  });

  it('works through ioredis Cluster (EVALSHA falls back to EVAL on the node that lacks the script), and fails fast before it is ready', async () => {
    const client = new Cluster(cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })));
    client.on('error', () => undefined);
    cleanups.push(() => client.disconnect());
    const store = createRedisStore({ client, keyPrefix: `cluster-io:${randomUUID()}:` });
    await expect(store.acceptDegraded(request('early', counters(5, 5)))).rejects.toMatchObject({ code: 'store_not_ready' });
    await new Promise<void>((resolve) => client.once('ready', () => resolve()));
    await exerciseStore(store);
    await expect(store.acceptDegraded(request('early', counters(5, 50)))).resolves.toEqual({ accepted: true });
  });

  it('a killed node: nothing commits late once it is back; node-redis refuses at once while it is down', async () => {
    // The master that owns {tc}'s slot.
    const nodesInfo = await rawCommand(cluster.nodes[0]!.port, 'CLUSTER NODES');
    const ownerLine = nodesInfo.split('\n').find((line) => line.includes('master') && line.split(' ').slice(8).some((range) => {
      const [from, to = from] = range.split('-').map(Number);
      return from! <= 6232 && 6232 <= to!;
    }));
    const owner = cluster.nodes.find((n) => ownerLine?.includes(`:${n.port}@`));
    expect(owner).toBeDefined();
    const io = new Cluster(cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })));
    io.on('error', () => undefined);
    cleanups.push(() => io.disconnect());
    const nr = createCluster({ rootNodes: cluster.nodes.map((n) => ({ url: n.url })) });
    nr.on('error', () => undefined);
    cleanups.push(() => nr.destroy());
    await Promise.all([new Promise<void>((resolve) => io.once('ready', () => resolve())), nr.connect()]);
    const keyPrefix = `cluster-kill:${randomUUID()}:`;
    const ioStore = createRedisStore({ client: io, keyPrefix });
    const nrStore = createRedisStore({ client: nr, keyPrefix });
    await expect(ioStore.acceptDegraded(request('warm-io', counters(50, 50)))).resolves.toEqual({ accepted: true });
    await expect(nrStore.acceptDegraded(request('warm-nr', counters(50, 50)))).resolves.toEqual({ accepted: true });

    owner!.pause();
    const late = (replay: string): DegradedAcceptanceRequest => ({ ...request(replay, counters(50, 50)), deadlineMs: Date.now() + 250 });
    const inFlight = [ioStore.acceptDegraded(late('io-in-flight')), nrStore.acceptDegraded(late('nr-in-flight'))];
    for (const p of inFlight) p.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await owner!.kill();
    const started = performance.now();
    await expect(nrStore.acceptDegraded(request('while-down', counters(50, 50)))).rejects.toMatchObject({ code: 'store_not_ready' });
    expect(performance.now() - started).toBeLessThan(100);

    await new Promise((resolve) => setTimeout(resolve, 300));
    await owner!.start();
    for (const result of await Promise.allSettled(inFlight)) {
      if (result.status === 'fulfilled') expect(result.value).toEqual({ accepted: false, refusal: 'cannot_remember' });
    }
    // The node came back empty (no persistence) and nothing late was written to it.
    expect(await rawCommand(owner!.port, 'DBSIZE')).toBe(':0\r\n');
    await cluster.waitUntilOk();
    await until(() => io.status === 'ready', 'ioredis Cluster is ready again');
    await expect(ioStore.acceptDegraded(request('io-in-flight', counters(50, 50)))).resolves.toEqual({ accepted: true });
    await expect(nrStore.acceptDegraded(request('nr-in-flight', counters(50, 50)))).resolves.toEqual({ accepted: true });
    expect(await rawCommand(owner!.port, 'DBSIZE')).not.toBe(':0\r\n');
  }, 30_000);

  it('works through node-redis createCluster', async () => {
    const client = createCluster({ rootNodes: cluster.nodes.map((n) => ({ url: n.url })) });
    client.on('error', () => undefined);
    cleanups.push(() => client.destroy());
    const store = createRedisStore({ client, keyPrefix: `cluster-nr:${randomUUID()}:` });
    await expect(store.acceptDegraded(request('early', counters(5, 5)))).rejects.toMatchObject({ code: 'store_not_ready' });
    await client.connect();
    await exerciseStore(store);
  });
});
