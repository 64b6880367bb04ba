/**
 * The default store: one process, bounded by entries and TTL so memory cannot grow without limit.
 * Entries are only created when a degraded verdict is accepted, which the global budget bounds, so the
 * bound is a second line of defence: when it is reached the least recently written entries go first.
 */
import type { CaptchaStore, DegradedAcceptanceRequest, DegradedAcceptanceResult } from '../store.js';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Most entries (replay guard entries plus budget counters) kept. @default 50000 */
  maxEntries?: number;
}

/** A {@link CaptchaStore} in this process's memory, with its size for monitoring. */
export interface MemoryStore extends CaptchaStore {
  /** Entries currently held (expired ones may linger until touched or evicted). */
  readonly size: number;
}

interface Entry {
  value: number;
  expiresAt: number;
}

/** How many of the oldest entries a full store looks at for expired ones before dropping live ones. */
const EVICTION_SCAN = 32;

/** Creates the in-memory store. Budgets and the replay guard are per process with it. */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const maxEntries = options.maxEntries ?? 50_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  // A Map iterates in insertion order; re-inserting on write makes it least-recently-written first.
  const entries = new Map<string, Entry>();

  const live = (key: string, now: number): Entry | undefined => {
    const e = entries.get(key);
    if (e && e.expiresAt <= now) {
      entries.delete(key);
      return undefined;
    }
    return e;
  };

  const write = (key: string, value: number, expiresAt: number, now: number): void => {
    entries.delete(key);
    if (entries.size >= maxEntries) {
      // Drop expired entries among the oldest few first, then the oldest live ones. The scan is
      // bounded: a flood that fills the store with live entries must not make every write O(size).
      let scanned = 0;
      for (const [k, e] of entries) {
        if (entries.size < maxEntries || scanned++ >= EVICTION_SCAN) break;
        if (e.expiresAt <= now) entries.delete(k);
      }
      for (const k of entries.keys()) {
        if (entries.size < maxEntries) break;
        entries.delete(k);
      }
    }
    entries.set(key, { value, expiresAt });
  };

  return {
    get size() {
      return entries.size;
    },
    async acceptDegraded(request: DegradedAcceptanceRequest): Promise<DegradedAcceptanceResult> {
      const now = request.nowMs;
      // Synchronous from here on: nothing can interleave, so the check-and-set is atomic.
      if (live(request.replayKey, now)) return { accepted: false, refusal: 'replayed' };
      for (const c of request.counters) {
        if ((live(c.key, now)?.value ?? 0) >= c.limit) {
          return { accepted: false, refusal: 'budget_exhausted', scope: c.scope, limit: c.limit };
        }
      }
      write(request.replayKey, 1, now + request.replayTtlMs, now);
      for (const c of request.counters) {
        const e = live(c.key, now);
        write(c.key, (e?.value ?? 0) + 1, e?.expiresAt ?? now + c.ttlMs, now);
      }
      return { accepted: true };
    },
  };
}
