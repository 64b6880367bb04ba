/**
 * Redis store: budgets and the replay guard shared by every server instance. One atomic round trip
 * per decision (a Lua script via EVALSHA; EVAL once if the server does not know the script yet).
 * Takes an `ioredis` client (or anything with `evalsha`/`eval` of the same shape), so ioredis is not
 * a dependency of core.
 */
import { toHex, utf8 } from '@tencent-captcha/protocol';
import type { CaptchaStore, DegradedAcceptanceRequest, DegradedAcceptanceResult } from '../store.js';

/** The part of an ioredis client the store uses. */
export interface RedisScriptClient {
  evalsha(sha1: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /** A connected ioredis client (`new Redis(url)`); the store never closes it. */
  client: RedisScriptClient;
  /**
   * Prefix of every key. All keys of one prefix share the hash tag `{tc}` so the script also runs on
   * Redis Cluster. @default 'tencent-captcha:'
   */
  keyPrefix?: string;
}

// KEYS[1] replay key; KEYS[2..n] counters. ARGV[1] replay TTL ms; then per counter: limit, ttl ms.
// Returns 1 accepted, 0 replayed, -i counter i (1-based) spent.
/** The Lua script (exported for review and tests). */
export const ACCEPT_DEGRADED_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for i = 2, #KEYS do
  local n = tonumber(redis.call('GET', KEYS[i]) or '0')
  if n >= tonumber(ARGV[2 * i - 2]) then return -(i - 1) end
end
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
for i = 2, #KEYS do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[2 * i - 1]) end
end
return 1
`;

async function sha1Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-1', utf8(text))));
}

/** Creates a store on Redis; budgets and the replay guard then hold across all instances using it. */
export function createRedisStore(options: RedisStoreOptions): CaptchaStore {
  const { client } = options;
  if (typeof client?.evalsha !== 'function' || typeof client.eval !== 'function') {
    throw new TypeError('createRedisStore needs an ioredis client (evalsha and eval)');
  }
  const prefix = `${options.keyPrefix ?? 'tencent-captcha:'}{tc}:`;
  let sha: Promise<string> | undefined;

  return {
    async acceptDegraded(request: DegradedAcceptanceRequest): Promise<DegradedAcceptanceResult> {
      const keys = [prefix + request.replayKey, ...request.counters.map((c) => prefix + c.key)];
      const args: (string | number)[] = [
        Math.max(1, Math.ceil(request.replayTtlMs)),
        ...request.counters.flatMap((c) => [c.limit, Math.max(1, Math.ceil(c.ttlMs))]),
      ];
      sha ??= sha1Hex(ACCEPT_DEGRADED_SCRIPT);
      let result: unknown;
      try {
        result = await client.evalsha(await sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!/NOSCRIPT/.test(String((error as Error | undefined)?.message ?? error))) throw error;
        result = await client.eval(ACCEPT_DEGRADED_SCRIPT, keys.length, ...keys, ...args);
      }
      const n = Number(result);
      if (n === 1) return { accepted: true };
      if (n === 0) return { accepted: false, refusal: 'replayed' };
      const counter = request.counters[-n - 1];
      if (!Number.isInteger(n) || !counter) throw new Error(`unexpected answer from the Redis store script`);
      return { accepted: false, refusal: 'budget_exhausted', scope: counter.scope, limit: counter.limit };
    },
  };
}
