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

/** Creates a queue with `slots` slots and room for `maxQueued` waiting requests. */
export function createDispatchQueue(slots: number, maxQueued: number): DispatchQueue {
  let active = 0;
  const lanes = new Map<string, Lane>();
  // Lanes with waiters, in the order they get their next turn.
  let ring: Lane[] = [];
  let ringHead = 0;
  // Waiters that have neither been granted a slot nor timed out.
  let live = 0;
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

  /** The next live waiter of the lane whose turn it is, rotating the lanes. */
  const nextWaiter = (): Waiter | undefined => {
    while (ringHead < ring.length) {
      const lane = ring[ringHead++]!;
      let found: Waiter | undefined;
      while (lane.head < lane.waiters.length) {
        const w = lane.waiters[lane.head++]!;
        if (!w.settled) {
          found = w;
          break;
        }
        dead--;
      }
      // Skip over timed-out waiters so a lane that is left holds a live one, or goes.
      while (lane.head < lane.waiters.length && lane.waiters[lane.head]!.settled) {
        lane.head++;
        dead--;
      }
      if (lane.head < lane.waiters.length) ring.push(lane);
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
  };

  return {
    acquire(maxWaitMs, client = '') {
      if (active < slots && live === 0) {
        active++;
        return true;
      }
      if (live >= maxQueued || maxWaitMs <= 0) return 'queue_full';
      live++;
      let lane = lanes.get(client);
      if (!lane) {
        lane = { key: client, waiters: [], head: 0 };
        lanes.set(client, lane);
        ring.push(lane);
      }
      const waiters = lane.waiters;
      return new Promise<boolean>((resolve) => {
        const waiter: Waiter = { grant: resolve, timer: undefined, settled: false };
        waiter.timer = setTimeout(() => {
          if (waiter.settled) return;
          waiter.settled = true;
          live--;
          dead++;
          // Timed-out waiters stay in their lane until passed over; keep them from piling up.
          if (dead > 2 * live + 1024) compact();
          resolve(false);
        }, maxWaitMs);
        waiters.push(waiter);
      });
    },
    release() {
      const next = nextWaiter();
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
