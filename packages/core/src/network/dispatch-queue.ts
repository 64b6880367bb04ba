/**
 * The local queue in front of the transport (design §3.2a: local overload is not an outage). At most
 * `slots` requests are on their way to Tencent at once — as many as the transport has connections — so
 * a request that holds a slot is on Tencent's socket (or connecting to it), and only then does its
 * attempt timer start. The rest wait here, bounded in number and in time; a request that cannot get a
 * slot in time is refused as `overloaded` by the verifier and never reaches the breaker.
 *
 * Fair between clients: waiting requests are kept in one lane per client (the caller's key, the
 * client IP's budget key) and a freed slot goes to the lanes in turn (round-robin), first come first
 * served within a lane. One client with a thousand waiting requests gets one slot in each round, like
 * every other client with a request waiting.
 */

/** A request waiting for a slot. */
interface Waiter {
  grant: (granted: boolean) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  settled: boolean;
}

/** One client's waiting requests, in arrival order. */
interface Lane {
  key: string;
  waiters: Waiter[];
  head: number;
}

/** Why a request got no slot. */
export type QueueRefusal = 'queue_full' | 'queue_timeout';

/** A bounded queue of slots, fair between clients. */
export interface DispatchQueue {
  /**
   * Takes a slot: `true` at once when one is free (synchronously, no promise), else a promise of
   * whether one was granted within `maxWaitMs`. `'queue_full'` when the queue is full. `client` names
   * the lane the request waits in.
   */
  acquire(maxWaitMs: number, client?: string): true | 'queue_full' | Promise<boolean>;
  /** Gives a slot back (to the next client's longest waiting request, if any). */
  release(): void;
  /** Slots in use. */
  readonly active: number;
  /** Requests waiting. */
  readonly waiting: number;
}

/** The waiting requests, one lane per client, and whose turn is next. */
interface Lanes {
  /** Adds a waiter to its client's lane. */
  add(client: string, waiter: Waiter): void;
  /** The next live waiter of the lane whose turn it is (the lanes rotate); `undefined` when none. */
  next(): Waiter | undefined;
  /** A waiter timed out where it stands: dropped when passed over, or when they pile up. */
  timedOut(live: number): void;
}

function createLanes(): Lanes {
  const lanes = new Map<string, Lane>();
  // Lanes with waiters, in the order they get their next turn.
  let ring: Lane[] = [];
  let ringHead = 0;
  // Timed-out waiters still held in their lanes.
  let dead = 0;

  /** Drops timed-out waiters and empty lanes (only when they pile up). */
  const compact = (): void => {
    const kept: Lane[] = [];
    for (let i = ringHead; i < ring.length; i++) {
      const lane = ring[i]!;
      lane.waiters = lane.waiters.slice(lane.head).filter((w) => !w.settled);
      lane.head = 0;
      if (lane.waiters.length > 0) kept.push(lane);
      else lanes.delete(lane.key);
    }
    ring = kept;
    ringHead = 0;
    dead = 0;
  };
  /** Moves a lane's head past timed-out waiters; the first live one, if any. */
  const skipDead = (lane: Lane): Waiter | undefined => {
    while (lane.head < lane.waiters.length) {
      const w = lane.waiters[lane.head]!;
      if (!w.settled) return w;
      lane.head++;
      dead--;
    }
    return undefined;
  };

  return {
    add(client, waiter) {
      let lane = lanes.get(client);
      if (!lane) {
        lane = { key: client, waiters: [], head: 0 };
        lanes.set(client, lane);
        ring.push(lane);
      }
      lane.waiters.push(waiter);
    },
    next() {
      while (ringHead < ring.length) {
        const lane = ring[ringHead++]!;
        const found = skipDead(lane);
        if (found) lane.head++;
        // A lane that still holds a live waiter goes to the back of the ring; an empty one goes.
        if (skipDead(lane)) ring.push(lane);
        else lanes.delete(lane.key);
        if (ringHead > 1024 && ringHead * 2 > ring.length) {
          ring = ring.slice(ringHead);
          ringHead = 0;
        }
        if (found) return found;
      }
      ring = [];
      ringHead = 0;
      return undefined;
    },
    timedOut(live) {
      dead++;
      if (dead > 2 * live + 1024) compact();
    },
  };
}

/** Creates a queue with `slots` slots and room for `maxQueued` waiting requests. */
export function createDispatchQueue(slots: number, maxQueued: number): DispatchQueue {
  let active = 0;
  const lanes = createLanes();
  // Waiters that have neither been granted a slot nor timed out.
  let live = 0;

  return {
    acquire(maxWaitMs, client = '') {
      if (active < slots && live === 0) {
        active++;
        return true;
      }
      if (live >= maxQueued || maxWaitMs <= 0) return 'queue_full';
      live++;
      return new Promise<boolean>((resolve) => {
        const waiter: Waiter = { grant: resolve, timer: undefined, settled: false };
        waiter.timer = setTimeout(() => {
          if (waiter.settled) return;
          waiter.settled = true;
          live--;
          lanes.timedOut(live);
          resolve(false);
        }, maxWaitMs);
        lanes.add(client, waiter);
      });
    },
    release() {
      const next = lanes.next();
      if (!next) {
        active--;
        return;
      }
      next.settled = true;
      live--;
      clearTimeout(next.timer);
      // The slot passes straight to the waiter: `active` stays the same.
      next.grant(true);
    },
    get active() {
      return active;
    },
    get waiting() {
      return live;
    },
  };
}
