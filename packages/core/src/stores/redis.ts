/**
 * Redis store: budgets and the replay guard shared by every server instance. One atomic round trip
 * per decision (a Lua script via EVALSHA; EVAL once if the server does not know the script yet).
 * Takes an `ioredis` client (`Redis` or `Cluster`) or a node-redis v5 client (`createClient` or
 * `createCluster`); neither is a dependency of core.
 *
 * Nothing commits after the verifier has answered:
 * - the call's deadline goes into the script, which compares it with `redis.call('TIME')` and changes
 *   nothing when it is past (a command queued behind a stall, or resent by ioredis after a reconnect,
 *   arrives too late and is refused by Redis itself);
 * - nothing is sent while the client is not connected (no offline queue fills up while Redis is down);
 * - an aborted call rejects at once, and at most `maxPendingCalls` calls wait for a stalled server;
 * - a script that committed just before the deadline but answered after the caller gave up is taken
 *   back (its own entry only, recognised by a per-call token).
 */
import {
  CaptchaStoreError,
  type CaptchaStore,
  type DegradedAcceptanceRequest,
  type DegradedAcceptanceResult,
  type StoreCallOptions,
  type TicketClaimRequest,
  type TicketClaimResult,
} from './contract.js';

/**
 * The part of an ioredis client (`new Redis(…)` or `new Cluster(…)`) the store uses.
 */
export interface IoRedisScriptClient {
  evalsha(sha1: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  /** ioredis's connection status: the store sends only while it is `'ready'`. */
  readonly status?: string;
  /** Called (without waiting) when a `lazyConnect` client has not connected yet. */
  connect?(): Promise<unknown>;
}

/** Options of a node-redis v5 `eval`/`evalSha` call. */
export interface NodeRedisEvalOptions {
  keys: string[];
  arguments: string[];
}

/** The part of a node-redis v5 client (`createClient(…)` or `createCluster(…)`) the store uses. */
export interface NodeRedisScriptClient {
  evalSha(sha1: string, options: NodeRedisEvalOptions): Promise<unknown>;
  eval(script: string, options: NodeRedisEvalOptions): Promise<unknown>;
  /** A client's readiness: the store sends only while it is `true`. */
  readonly isReady?: boolean;
  /** A cluster's state: the store sends only while it is `true`. */
  readonly isOpen?: boolean;
}

/** A Redis client the store accepts: ioredis `Redis`/`Cluster`, or node-redis v5 client/cluster. */
export type RedisScriptClient = IoRedisScriptClient | NodeRedisScriptClient;

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /**
   * A connected client; the store never closes it. ioredis: `new Redis(url, {...})` or
   * `new Cluster(nodes, {...})`; node-redis v5: `await createClient({...}).connect()` or
   * `await createCluster({...}).connect()`. See the README for the options that make it fail fast.
   */
  client: RedisScriptClient;
  /**
   * Prefix of every key. All keys of one prefix share the hash tag `{tc}` so the script also runs on
   * Redis Cluster. @default 'tencent-captcha:'
   */
  keyPrefix?: string;
  /**
   * Calls allowed to wait for Redis at once. A stalled server keeps its connection up while it answers
   * nothing; beyond this many waiting calls the store refuses at once (`store_overloaded`), so a stall
   * cannot pile up unbounded memory. @default 1000
   */
  maxPendingCalls?: number;
}

/** A {@link CaptchaStore} on Redis. */
export interface RedisStore extends CaptchaStore {
  /** {@inheritDoc CaptchaStore.claimTicket} Keys get the store's prefix: `<keyPrefix>{tc}:<key>`. */
  claimTicket(request: TicketClaimRequest, options?: StoreCallOptions): Promise<TicketClaimResult>;
}

// Shared prologue: the deadline rule. ARGV[1] is the deadline in Unix ms. `TIME` is the server's
// clock, so the app servers' clocks and Redis's must agree (NTP); a call is refused from the deadline
// millisecond on, with no slack. `redis.replicate_commands()` lets Redis 3.2–4 write after `TIME`
// (a no-op from Redis 5 on).
/** What a script returns when the deadline had passed: it changed nothing. */
const TOO_LATE = -1_000_000;

const DEADLINE_CHECK = `if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) >= tonumber(ARGV[1]) then return ${TOO_LATE} end
`;

/**
 * The acceptance script (exported for review and tests).
 * KEYS[1] replay key; KEYS[2..n] counters. ARGV[1] deadline (Unix ms), ARGV[2] this call's token (the
 * replay entry's value), ARGV[3] replay TTL ms, then per counter: limit, TTL ms.
 * Returns 1 accepted, 0 replayed, -i counter i (1-based) spent, -1000000 too late (nothing changed).
 */
export const ACCEPT_DEGRADED_SCRIPT = `${DEADLINE_CHECK}if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for i = 2, #KEYS do
  local n = tonumber(redis.call('GET', KEYS[i]) or '0')
  if n >= tonumber(ARGV[2 * i]) then return -(i - 1) end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
for i = 2, #KEYS do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[2 * i + 1]) end
end
return 1
`;

/**
 * The ticket claim script (exported for review and tests): `SET NX PX` under the deadline rule.
 * KEYS[1] ticket key. ARGV[1] deadline (Unix ms), ARGV[2] this call's token, ARGV[3] TTL ms.
 * Returns 1 claimed, 0 already used, -1000000 too late (nothing changed).
 */
export const CLAIM_TICKET_SCRIPT = `${DEADLINE_CHECK}if redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[3]) then return 1 end
return 0
`;

/**
 * Takes back an acceptance whose answer reached the store after the verifier had given up (committed
 * just before the deadline, answered just after). Only the call's own entry (same token) is removed,
 * and its counters decremented once. KEYS as in the acceptance script; ARGV[1] the token.
 */
const UNDO_SCRIPT = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
for i = 2, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
return 1
`;

// SHA-1 of the scripts, precomputed so a call needs no hashing (a test checks them against the text).
/** SHA-1 of {@link ACCEPT_DEGRADED_SCRIPT}. */
export const ACCEPT_DEGRADED_SCRIPT_SHA1 = '6e6d4b2fff87356f38adf72a68e74c91a7754a11';
/** SHA-1 of {@link CLAIM_TICKET_SCRIPT}. */
export const CLAIM_TICKET_SCRIPT_SHA1 = '0a881890f4c9987ad2c11bb07d021cf86bf88517';
/** SHA-1 of the undo script (not exported: an implementation detail). */
const UNDO_SCRIPT_SHA1 = 'bcd69e31b8e15109de1de0b6e35bb1ff9fc696a4';
/** @internal Read by the tests only. */
export const UNDO_SCRIPT_FOR_TESTS = { script: UNDO_SCRIPT, sha1: UNDO_SCRIPT_SHA1 };

/** The cluster hash slot of `{tc}` (CRC16 of "tc" mod 16384): where every key of the store lives. */
const TC_SLOT = 6232;

type Send = (sha: string, script: string, keys: string[], args: string[], signal: AbortSignal | undefined) => Promise<unknown>;

interface Adapter {
  /** Throws (sending nothing) when the client is known not to be connected. */
  assertReady(): void;
  send: Send;
}

function notReady(detail: string): CaptchaStoreError {
  return new CaptchaStoreError('store_not_ready', `the Redis client is not ready (${detail}); nothing was sent`);
}

function adapterFor(client: RedisScriptClient): Adapter {
  const io = client as IoRedisScriptClient;
  if (typeof io?.evalsha === 'function' && typeof io.eval === 'function') {
    return {
      assertReady() {
        const status = io.status;
        if (status === undefined || status === 'ready') return;
        // A `lazyConnect` client that was never connected: start connecting for the next call.
        if (status === 'wait' && typeof io.connect === 'function') io.connect().catch(() => undefined);
        throw notReady(`status ${status}`);
      },
      send: async (sha, script, keys, args, signal) => {
        try {
          return await io.evalsha(sha, keys.length, ...keys, ...args);
        } catch (error) {
          if (!isNoScript(error)) throw error;
          // Nobody waits for the answer any more: do not send the script a second time.
          if (signal?.aborted) throw signal.reason;
          return io.eval(script, keys.length, ...keys, ...args);
        }
      },
    };
  }
  const nr = client as NodeRedisScriptClient & { slots?: ReadonlyArray<{ master?: { client?: { isReady?: boolean } } } | undefined> };
  if (typeof nr?.evalSha === 'function' && typeof nr.eval === 'function') {
    return {
      assertReady() {
        if (nr.isReady === false) throw notReady('isReady is false');
        if (nr.isOpen === false) throw notReady('isOpen is false');
        // A cluster: the connection to the master of `{tc}`'s slot is the one that matters.
        const slots = nr.isReady === undefined ? nr.slots : undefined;
        if (Array.isArray(slots) && slots[TC_SLOT]?.master?.client?.isReady === false) throw notReady('the node holding the store is not ready');
      },
      send: async (sha, script, keys, args, signal) => {
        try {
          return await nr.evalSha(sha, { keys, arguments: args });
        } catch (error) {
          if (!isNoScript(error)) throw error;
          if (signal?.aborted) throw signal.reason;
          return nr.eval(script, { keys, arguments: args });
        }
      },
    };
  }
  throw new TypeError('createRedisStore needs an ioredis client (evalsha/eval) or a node-redis v5 client (evalSha/eval)');
}

function isNoScript(error: unknown): boolean {
  return /NOSCRIPT/.test(String((error as Error | undefined)?.message ?? error));
}

/** Rejects with the signal's reason as soon as it aborts; the command itself cannot be recalled. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

const ttlArg = (ms: number): string => String(Math.max(1, Math.ceil(ms)));

/** The acceptance script's answer as a result: 1 accepted, 0 replayed, -i the i-th counter full, null too late. */
function degradedResult(n: number | null, request: DegradedAcceptanceRequest): DegradedAcceptanceResult {
  if (n === null) return { accepted: false, refusal: 'cannot_remember' };
  if (n === 1) return { accepted: true };
  if (n === 0) return { accepted: false, refusal: 'replayed' };
  const counter = request.counters[-n - 1];
  if (!counter) throw new CaptchaStoreError('store_bad_answer', 'unexpected answer from the Redis store script');
  return { accepted: false, refusal: 'budget_exhausted', scope: counter.scope, limit: counter.limit };
}

/** The claim script's answer as a result: 1 claimed, 0 already used, null too late. */
function claimResult(n: number | null): TicketClaimResult {
  if (n === null) return 'cannot_remember';
  if (n === 1) return 'claimed';
  if (n === 0) return 'already_used';
  throw new CaptchaStoreError('store_bad_answer', 'unexpected answer from the Redis store script');
}

/** Creates a store on Redis; budgets and the replay guard then hold across all instances using it. */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  const adapter = adapterFor(options.client);
  const prefix = `${options.keyPrefix ?? 'tencent-captcha:'}{tc}:`;
  const maxPendingCalls = options.maxPendingCalls ?? 1000;
  if (!Number.isInteger(maxPendingCalls) || maxPendingCalls < 1) throw new RangeError('maxPendingCalls must be a positive integer');
  let pending = 0;

  // Tokens tell this call's entries from anyone else's when an acceptance has to be taken back.
  const instance = Math.random().toString(36).slice(2, 10);
  let sequence = 0;

  /** Best effort, not awaited: a failure leaves the entry to expire (the deadline check already ran). */
  function undo(keys: string[], token: string): void {
    if (pending >= maxPendingCalls) return;
    pending++;
    adapter
      .send(UNDO_SCRIPT_SHA1, UNDO_SCRIPT, keys, [token], undefined)
      .catch(() => undefined)
      .finally(() => {
        pending--;
      });
  }

  /**
   * Runs a script under the deadline rule; `null` when it was (or would be) too late. When the signal
   * aborts first, the call rejects at once; if the script then turns out to have committed (it ran
   * before the deadline but its answer came after the verifier gave up), the commit is taken back.
   */
  async function run(sha: string, script: string, keys: string[], args: string[], deadlineMs: number, callOptions: StoreCallOptions | undefined): Promise<number | null> {
    const signal = callOptions?.signal;
    if (signal?.aborted) throw signal.reason;
    if (typeof deadlineMs !== 'number' || Number.isNaN(deadlineMs)) throw new TypeError('deadlineMs must be a number');
    if (Date.now() >= deadlineMs) return null;
    adapter.assertReady();
    if (pending >= maxPendingCalls) {
      throw new CaptchaStoreError('store_overloaded', `${pending} calls are already waiting for Redis; nothing was sent`);
    }
    pending++;
    const token = `${instance}:${(sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER)}`;
    const deadline = String(Math.min(Math.floor(deadlineMs), Number.MAX_SAFE_INTEGER));
    let abandoned = false;
    const call = adapter.send(sha, script, keys, [deadline, token, ...args], signal).finally(() => {
      pending--;
    });
    void call.then(
      (answer) => {
        if (abandoned && Number(answer) === 1) undo(keys, token);
      },
      () => undefined,
    );
    let answer: unknown;
    try {
      answer = await untilAborted(call, signal);
    } catch (error) {
      if (signal?.aborted) abandoned = true;
      throw error;
    }
    const n = Number(answer);
    if (!Number.isInteger(n)) throw new CaptchaStoreError('store_bad_answer', 'unexpected answer from the Redis store script');
    return n === TOO_LATE ? null : n;
  }

  return {
    async acceptDegraded(request: DegradedAcceptanceRequest, callOptions?: StoreCallOptions): Promise<DegradedAcceptanceResult> {
      const keys = [prefix + request.replayKey, ...request.counters.map((c) => prefix + c.key)];
      const args = [ttlArg(request.replayTtlMs), ...request.counters.flatMap((c) => [String(c.limit), ttlArg(c.ttlMs)])];
      return degradedResult(await run(ACCEPT_DEGRADED_SCRIPT_SHA1, ACCEPT_DEGRADED_SCRIPT, keys, args, request.deadlineMs, callOptions), request);
    },

    async claimTicket(request: TicketClaimRequest, callOptions?: StoreCallOptions): Promise<TicketClaimResult> {
      return claimResult(await run(CLAIM_TICKET_SCRIPT_SHA1, CLAIM_TICKET_SCRIPT, [prefix + request.key], [ttlArg(request.ttlMs)], request.deadlineMs, callOptions));
    },
  };
}
