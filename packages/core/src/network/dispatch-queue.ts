/**
 * The local queue in front of the transport (design §3.2a: local overload is not an outage). At most
 * `slots` requests are on their way to Tencent at once — as many as the transport has connections — so
 * a request that holds a slot is on Tencent's socket (or connecting to it), and only then does its
 * attempt timer start. The rest wait here, first come first served, bounded in number and in time; a
 * request that cannot get a slot in time is refused as `overloaded` by the verifier and never reaches
 * the breaker.
 */

/** A request waiting for a slot. */
interface Waiter {
  grant: (granted: boolean) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  settled: boolean;
}

/** Why a request got no slot. */
export type QueueRefusal = 'queue_full' | 'queue_timeout';

/** A bounded FIFO of slots. */
export interface DispatchQueue {
  /**
   * Takes a slot: `true` at once when one is free (synchronously, no promise), else a promise of
   * whether one was granted within `maxWaitMs`. `'queue_full'` when the queue is full.
   */
  acquire(maxWaitMs: number): true | 'queue_full' | Promise<boolean>;
  /** Gives a slot back (to the longest waiting request, if any). */
  release(): void;
  /** Slots in use. */
  readonly active: number;
  /** Requests waiting. */
  readonly waiting: number;
}

/** Creates a queue with `slots` slots and room for `maxQueued` waiting requests. */
export function createDispatchQueue(slots: number, maxQueued: number): DispatchQueue {
  let active = 0;
  // A ring would be faster, but the queue is only used under overload; an array with a head index
  // keeps FIFO order without O(n) shifts.
  let queue: Waiter[] = [];
  let head = 0;
  // Waiters that have neither been granted a slot nor timed out.
  let live = 0;
  const compact = (): void => {
    queue = queue.slice(head).filter((w) => !w.settled);
    head = 0;
  };

  return {
    acquire(maxWaitMs) {
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
          // Timed-out waiters stay in the array until passed over; keep them from piling up.
          if (queue.length - head > 2 * live + 1024) compact();
          resolve(false);
        }, maxWaitMs);
        queue.push(waiter);
      });
    },
    release() {
      while (head < queue.length) {
        const next = queue[head++]!;
        if (next.settled) continue;
        next.settled = true;
        live--;
        clearTimeout(next.timer);
        if (head > 1024 && head * 2 > queue.length) {
          queue = queue.slice(head);
          head = 0;
        }
        // The slot passes straight to the waiter: `active` stays the same.
        next.grant(true);
        return;
      }
      queue = [];
      head = 0;
      active--;
    },
    get active() {
      return active;
    },
    get waiting() {
      return live;
    },
  };
}
