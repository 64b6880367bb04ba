/**
 * The default store: one process, bounded by entries and TTL so memory cannot grow without limit.
 * Entries are only created when a degraded verdict is accepted (or a legacy ticket claimed), which the
 * global budget bounds, so the bound is a second line of defence. When it is reached the store drops
 * expired entries, and if none can be found it refuses (`cannot_remember`): forgetting a live replay
 * entry would let that ticket be accepted again, and forgetting a live counter would reset a budget.
 */
import type {
  CaptchaStore,
  DegradedAcceptanceRequest,
  DegradedAcceptanceResult,
  StoreCallOptions,
  TicketClaimRequest,
  TicketClaimResult,
} from './contract.js';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Most entries (replay guard entries, claimed tickets and budget counters) kept. When the store is
   * full of live entries, degraded acceptances are refused (`store_unavailable`) until some expire.
   * @default 50000
   */
  maxEntries?: number;
}

/** A {@link CaptchaStore} in this process's memory, with its size for monitoring. */
export interface MemoryStore extends CaptchaStore {
  /** Entries currently held (expired ones may linger until touched or swept). */
  readonly size: number;
  /** {@inheritDoc CaptchaStore.claimTicket} */
  claimTicket(request: TicketClaimRequest, options?: StoreCallOptions): Promise<TicketClaimResult>;
}

interface Entry {
  value: number;
  expiresAt: number;
}

/** How many entries one write that needs room looks at for expired ones (bounded work per write). */
const EVICTION_SCAN = 32;

/**
 * The bounded entry table behind the memory store: live lookups that drop what expired, writes that
 * keep write order, and room made only by dropping expired entries (never a live one).
 */
class EntryTable {
  // A Map iterates in insertion order; re-inserting on write makes it least-recently-written first.
  readonly entries = new Map<string, Entry>();
  // A sweep that resumes where the last one stopped, so successive writes of a full store look at
  // different entries (long-lived replay entries at the front cannot hide expired counters behind them).
  #sweep: Iterator<[string, Entry]> | undefined;
  /** Counters found by one acceptance (a scratch array: acceptances run synchronously). */
  readonly found: (Entry | undefined)[] = [];

  constructor(readonly maxEntries: number) {}

  live(key: string, now: number): Entry | undefined {
    const e = this.entries.get(key);
    if (e && e.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** Frees room for `needed` new entries by dropping expired ones only; false if it could not. */
  makeRoom(needed: number, now: number): boolean {
    const entries = this.entries;
    let scanned = 0;
    let wrapped = false;
    while (entries.size + needed > this.maxEntries && scanned < EVICTION_SCAN) {
      this.#sweep ??= entries.entries();
      const next = this.#sweep.next();
      if (next.done) {
        this.#sweep = undefined;
        if (wrapped) break;
        wrapped = true;
        continue;
      }
      scanned++;
      const [k, e] = next.value;
      if (e.expiresAt <= now) entries.delete(k);
    }
    return entries.size + needed <= this.maxEntries;
  }

  write(key: string, value: number, expiresAt: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt });
  }
}

/** Whether a store call may still commit (throws on an aborted signal or a bad deadline). */
function mayCommit(deadlineMs: number, callOptions: StoreCallOptions | undefined): boolean {
  const signal = callOptions?.signal;
  if (signal?.aborted) throw signal.reason;
  if (typeof deadlineMs !== 'number' || Number.isNaN(deadlineMs)) throw new TypeError('deadlineMs must be a number');
  // Past the deadline the verifier has already answered: committing now would spend a budget (or
  // mark a ticket used) for a request it refused.
  return Date.now() < deadlineMs;
}

/** One degraded acceptance, check-and-set in one synchronous run (nothing can interleave). */
function acceptDegradedIn(table: EntryTable, request: DegradedAcceptanceRequest): DegradedAcceptanceResult {
  const now = request.nowMs;
  if (table.live(request.replayKey, now)) return { accepted: false, refusal: 'replayed' };
  // Entries this acceptance adds: the replay key, and each counter not yet in this window. The
  // counters found are kept so each key is looked up once.
  const found = table.found;
  let needed = 1;
  const counters = request.counters;
  for (let i = 0; i < counters.length; i++) {
    const c = counters[i]!;
    const e = table.live(c.key, now);
    if ((e?.value ?? 0) >= c.limit) {
      found.length = 0;
      return { accepted: false, refusal: 'budget_exhausted', scope: c.scope, limit: c.limit };
    }
    found[i] = e;
    if (!e) needed++;
  }
  if (!table.makeRoom(needed, now)) {
    found.length = 0;
    return { accepted: false, refusal: 'cannot_remember' };
  }
  table.write(request.replayKey, 1, now + request.replayTtlMs);
  for (let i = 0; i < counters.length; i++) {
    // A live counter is counted in place: re-inserting the hot global counter on every acceptance
    // cost most of the time with the breaker open (nothing is evicted by write order any more).
    // makeRoom() drops only expired entries, so a counter found live above is still there.
    const e = found[i];
    if (e) e.value++;
    else table.write(counters[i]!.key, 1, now + counters[i]!.ttlMs);
  }
  found.length = 0;
  return { accepted: true };
}

/** Creates the in-memory store. Budgets and the replay guard are per process with it. */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const maxEntries = options.maxEntries ?? 50_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  const table = new EntryTable(maxEntries);
  return {
    local: true,
    get size() {
      return table.entries.size;
    },

    async acceptDegraded(request: DegradedAcceptanceRequest, callOptions?: StoreCallOptions): Promise<DegradedAcceptanceResult> {
      if (!mayCommit(request.deadlineMs, callOptions)) return { accepted: false, refusal: 'cannot_remember' };
      return acceptDegradedIn(table, request);
    },

    async claimTicket(request: TicketClaimRequest, callOptions?: StoreCallOptions): Promise<TicketClaimResult> {
      if (!mayCommit(request.deadlineMs, callOptions)) return 'cannot_remember';
      const now = request.nowMs;
      if (table.live(request.key, now)) return 'already_used';
      if (!table.makeRoom(1, now)) return 'cannot_remember';
      table.write(request.key, 1, now + request.ttlMs);
      return 'claimed';
    },
  };
}
