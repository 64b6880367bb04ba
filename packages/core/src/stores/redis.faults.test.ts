/**
 * The Redis store against redis-server processes this file starts on its own ports, then kills,
 * pauses, stalls (`DEBUG SLEEP`) and restarts: no call the store gave up on commits later, nothing
 * queues while Redis is down, and the user's retry afterwards is not mistaken for a replay.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CREDENTIALS, ENDPOINT, createFakeTencent } from '../../test/helpers/fake-tencent.js';
import { createRedisServer, rawCommand, redisServerMissing, startRedisServer, type RedisServer } from '../../test/helpers/redis-server.js';
import type { DegradedAcceptanceRequest } from './contract.js';
import { createCaptchaVerifier } from '../engine/verifier.js';
import { createRedisStore } from './redis.js';

if (redisServerMissing) console.log(`Skipping the Redis fault tests: ${redisServerMissing}`);

const servers: RedisServer[] = [];
const cleanups: (() => unknown)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups) await Promise.resolve(cleanup()).catch(() => undefined);
  await Promise.all(servers.map((s) => s.kill()));
});

async function server(start = true): Promise<RedisServer> {
  const s = start ? await startRedisServer() : await createRedisServer();
  servers.push(s);
  return s;
}

/** An ioredis client with its default options (offline queue on, 20 retries), reconnecting quickly. */
function ioredis(s: RedisServer): Redis {
  const client = new Redis(s.url, { retryStrategy: () => 50 });
  client.on('error', () => undefined);
  cleanups.push(() => client.disconnect());
  return client;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await delay(10);
  }
}

const dbsize = async (s: RedisServer): Promise<number> => Number(/^:(\d+)/.exec(await rawCommand(s.port, 'DBSIZE'))?.[1]);

/** How many times the server ran `command` (from INFO commandstats). */
async function calls(s: RedisServer, command: string): Promise<number> {
  const info = await rawCommand(s.port, 'INFO commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
}

const request = (replay: string, deadlineInMs: number): DegradedAcceptanceRequest => ({
  replayKey: `app:replay:${replay}`,
  replayTtlMs: 300_000,
  counters: [
    { scope: 'per_ip', key: 'app:budget:ip:4:203.0.113.7:1', limit: 1000, ttlMs: 60_000 },
    { scope: 'global', key: 'app:budget:global:1', limit: 1000, ttlMs: 60_000 },
  ],
  nowMs: Date.now(),
  deadlineMs: Date.now() + deadlineInMs,
});

function internalErrorVerifier(store: ReturnType<typeof createRedisStore>) {
  const tencent = createFakeTencent();
  tencent.reply({ apiError: 'InternalError' });
  return createCaptchaVerifier({ ...CREDENTIALS, endpoint: ENDPOINT, fetch: tencent.fetch, store, retry: { enabled: false } });
}

describe.skipIf(redisServerMissing)('Redis store (ioredis) when Redis is down, killed, stalled and back', () => {
  it('down at start: 2,000 calls fail fast with nothing queued; once Redis is up nothing was committed and the retry is accepted', async () => {
    const s = await server(false);
    const client = ioredis(s);
    const store = createRedisStore({ client });
    const started = performance.now();
    const results = await Promise.allSettled(Array.from({ length: 2000 }, (_, i) => store.acceptDegraded(request(`t${i}`, 5000))));
    const claims = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => store.claimTicket({ key: `legacy:${i}`, ttlMs: 60_000, nowMs: Date.now(), deadlineMs: Date.now() + 5000 })));
    expect(performance.now() - started).toBeLessThan(1000);
    for (const r of [...results, ...claims]) expect(r).toMatchObject({ status: 'rejected', reason: { code: 'store_not_ready' } });
    // Nothing waits in ioredis's offline queue to commit later.
    expect((client as unknown as { offlineQueue: { length: number } }).offlineQueue.length).toBe(0);

    const verifier = internalErrorVerifier(store);
    const input = { ticket: 'tr03down-at-start*', randstr: '@EcL', userIp: '203.0.113.7' };
    await expect(verifier.verify(input)).resolves.toMatchObject({ accepted: false, reason: 'store_unavailable' });

    await s.start();
    await until(() => client.status === 'ready', 'ioredis is ready');
    await client.ping();
    expect(await dbsize(s)).toBe(0);
    // The user's retry of the refused ticket is not a replay; a fresh ticket is accepted too.
    await expect(verifier.verify(input)).resolves.toMatchObject({ accepted: true, reason: 'upstream_internal_error' });
    await expect(verifier.verify({ ...input, ticket: 'tr03fresh*' })).resolves.toMatchObject({ accepted: true });
  });

  it('killed mid-run: calls in flight when Redis died are refused by the script after the restart, not committed', async () => {
    const s = await server();
    const client = ioredis(s);
    await until(() => client.status === 'ready', 'ioredis is ready');
    const store = createRedisStore({ client });
    await expect(store.acceptDegraded(request('before', 5000))).resolves.toEqual({ accepted: true });

    // Paused, the server takes the commands into its socket and answers nothing; then it dies.
    s.pause();
    // No signal: these callers wait for ioredis, which resends unanswered commands after reconnecting.
    const inFlight = store.acceptDegraded(request('in-flight', 250));
    const claimInFlight = store.claimTicket({ key: 'legacy:in-flight', ttlMs: 60_000, nowMs: Date.now(), deadlineMs: Date.now() + 250 });
    await delay(50);
    await s.kill();
    await until(() => client.status !== 'ready', 'ioredis notices');
    await expect(store.acceptDegraded(request('while-down', 5000))).rejects.toMatchObject({ code: 'store_not_ready' });

    await delay(300); // past the in-flight calls' deadline
    await s.start();
    await expect(inFlight).resolves.toEqual({ accepted: false, refusal: 'cannot_remember' });
    await expect(claimInFlight).resolves.toBe('cannot_remember');
    // They did reach the new server (EVALSHA: NOSCRIPT, then EVAL), and it changed nothing.
    expect(await calls(s, 'eval')).toBeGreaterThanOrEqual(2);
    expect(await dbsize(s)).toBe(0);
    await expect(store.acceptDegraded(request('in-flight', 5000))).resolves.toEqual({ accepted: true });
    await expect(store.claimTicket({ key: 'legacy:in-flight', ttlMs: 60_000, nowMs: Date.now(), deadlineMs: Date.now() + 5000 })).resolves.toBe('claimed');
  });

  it('a lazyConnect client that was never connected: the first call is refused and starts the connection', async () => {
    const s = await server();
    const client = new Redis(s.url, { lazyConnect: true });
    client.on('error', () => undefined);
    cleanups.push(() => client.disconnect());
    const store = createRedisStore({ client });
    expect(client.status).toBe('wait');
    await expect(store.acceptDegraded(request('lazy', 5000))).rejects.toMatchObject({ code: 'store_not_ready' });
    await until(() => client.status === 'ready', 'ioredis is ready');
    await expect(store.acceptDegraded(request('lazy', 5000))).resolves.toEqual({ accepted: true });
  });

  describe('stalled by DEBUG SLEEP 0.6', () => {
    let s: RedisServer;
    let client: Redis;
    let admin: Redis;
    /** Starts `DEBUG SLEEP`; resolves once the server is inside it, with the command's own promise. */
    const stall = async (seconds: string): Promise<{ over: Promise<unknown> }> => {
      const over = admin.call('DEBUG', 'SLEEP', seconds);
      await delay(50);
      return { over };
    };

    beforeAll(async () => {
      s = await server();
      client = ioredis(s);
      admin = ioredis(s);
      await until(() => client.status === 'ready' && admin.status === 'ready', 'ioredis is ready');
      // Load both scripts, so the stalled calls are EVALSHA that the server runs after the stall.
      await createRedisStore({ client, keyPrefix: 'warm:' }).acceptDegraded(request('warm', 5000));
      await createRedisStore({ client, keyPrefix: 'warm:' }).claimTicket({ key: 'warm', ttlMs: 1000, nowMs: Date.now(), deadlineMs: Date.now() + 5000 });
    });
    beforeEach(async () => {
      await client.flushall();
    });

    it('gives the call up at its deadline, and the script refuses it when the stall ends (no late commit)', async () => {
      const store = createRedisStore({ client, keyPrefix: 'stall:' });
      const before = await calls(s, 'evalsha');
      const { over: sleeping } = await stall('0.6');
      const started = performance.now();
      const accept = store.acceptDegraded(request('stalled', 250), { signal: AbortSignal.timeout(250) });
      const claim = store.claimTicket({ key: 'legacy:stalled', ttlMs: 60_000, nowMs: Date.now(), deadlineMs: Date.now() + 250 }, { signal: AbortSignal.timeout(250) });
      await expect(accept).rejects.toMatchObject({ name: 'TimeoutError' });
      await expect(claim).rejects.toMatchObject({ name: 'TimeoutError' });
      // Long before the stall ends (it has 550 ms to go when the calls start).
      expect(performance.now() - started).toBeLessThan(500);
      await sleeping;
      await client.ping(); // one connection, in order: the stalled EVALSHAs have run
      expect(await calls(s, 'evalsha')).toBe(before + 2);
      expect(await dbsize(s)).toBe(0);
    });

    it('bounds the calls waiting on a stalled server (maxPendingCalls): the rest are refused at once', async () => {
      const store = createRedisStore({ client, keyPrefix: 'pending:', maxPendingCalls: 5 });
      const { over: sleeping } = await stall('0.6');
      const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => store.acceptDegraded(request(`p${i}`, 250), { signal: AbortSignal.timeout(250) })));
      expect(results.filter((r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'store_overloaded')).toHaveLength(3);
      expect(results.filter((r) => r.status === 'rejected' && (r.reason as { name?: string }).name === 'TimeoutError')).toHaveLength(5);
      await sleeping;
      await client.ping();
      expect(await dbsize(s)).toBe(0);
      // Once answered, the waiting calls no longer count.
      await expect(store.acceptDegraded(request('after', 5000))).resolves.toEqual({ accepted: true });
    });

    it('verifier: a stall answers store_unavailable, and the same ticket afterwards is accepted, not ticket_replayed', async () => {
      const store = createRedisStore({ client, keyPrefix: 'verifier:' });
      const verifier = internalErrorVerifier(store);
      const input = { ticket: 'tr03stalled*', randstr: '@EcL', userIp: '203.0.113.7' };
      const { over: sleeping } = await stall('0.6');
      await expect(verifier.verify(input)).resolves.toMatchObject({ accepted: false, reason: 'store_unavailable' });
      await sleeping;
      await client.ping();
      expect(await dbsize(s)).toBe(0);
      await expect(verifier.verify(input)).resolves.toMatchObject({ accepted: true, reason: 'upstream_internal_error' });
      await expect(verifier.verify(input)).resolves.toMatchObject({ accepted: false, reason: 'ticket_replayed' });
      await expect(verifier.verify({ ...input, ticket: 'tr03fresh*' })).resolves.toMatchObject({ accepted: true });
    });
  });
});

describe.skipIf(redisServerMissing)('Redis store with a node-redis v5 client', () => {
  it('accepts, refuses replays and spent budgets, claims tickets', async () => {
    const s = await server();
    const client = createClient({ url: s.url });
    client.on('error', () => undefined);
    cleanups.push(() => client.destroy());
    await client.connect();
    const store = createRedisStore({ client, keyPrefix: 'nr:' });
    const req = (replay: string, global: number): DegradedAcceptanceRequest => ({
      ...request(replay, 5000),
      counters: [{ scope: 'global', key: 'g', limit: global, ttlMs: 60_000 }],
    });
    await expect(store.acceptDegraded(req('a', 2))).resolves.toEqual({ accepted: true });
    await expect(store.acceptDegraded(req('a', 2))).resolves.toEqual({ accepted: false, refusal: 'replayed' });
    await expect(store.acceptDegraded(req('b', 2))).resolves.toEqual({ accepted: true });
    await expect(store.acceptDegraded(req('c', 2))).resolves.toEqual({ accepted: false, refusal: 'budget_exhausted', scope: 'global', limit: 2 });
    const claim = () => store.claimTicket({ key: 'legacy:t', ttlMs: 60_000, nowMs: Date.now(), deadlineMs: Date.now() + 5000 });
    await expect(claim()).resolves.toBe('claimed');
    await expect(claim()).resolves.toBe('already_used');
    expect(await client.pTTL('nr:{tc}:legacy:t')).toBeGreaterThan(50_000);
    expect(await client.get('nr:{tc}:g')).toBe('2');
  });

  it('fails fast before connecting and while Redis is down; nothing commits after it is back; a stall is refused by the script', async () => {
    const s = await server(false);
    const client = createClient({ url: s.url, socket: { reconnectStrategy: 50, connectTimeout: 1000 } });
    client.on('error', () => undefined);
    cleanups.push(() => client.destroy());
    const store = createRedisStore({ client, keyPrefix: 'nr:' });
    const started = performance.now();
    const results = await Promise.allSettled(Array.from({ length: 2000 }, (_, i) => store.acceptDegraded(request(`t${i}`, 5000))));
    expect(performance.now() - started).toBeLessThan(1000);
    for (const r of results) expect(r).toMatchObject({ status: 'rejected', reason: { code: 'store_not_ready' } });

    await s.start();
    await client.connect();
    expect(await dbsize(s)).toBe(0);
    await expect(store.acceptDegraded(request('t0', 5000))).resolves.toEqual({ accepted: true });

    await s.kill();
    await until(() => !client.isReady, 'node-redis notices');
    await expect(store.acceptDegraded(request('t1', 5000))).rejects.toMatchObject({ code: 'store_not_ready' });
    await s.start();
    await until(() => client.isReady, 'node-redis reconnects');
    expect(await dbsize(s)).toBe(0);
    await expect(store.acceptDegraded(request('t0', 5000))).resolves.toEqual({ accepted: true });

    const admin = createClient({ url: s.url });
    cleanups.push(() => admin.destroy());
    await admin.connect();
    const sleeping = admin.sendCommand(['DEBUG', 'SLEEP', '0.6']);
    await delay(50);
    await expect(store.acceptDegraded(request('stalled', 250), { signal: AbortSignal.timeout(250) })).rejects.toMatchObject({ name: 'TimeoutError' });
    await sleeping;
    await client.ping();
    expect(await client.exists('nr:{tc}:app:replay:stalled')).toBe(0);
  });
});
