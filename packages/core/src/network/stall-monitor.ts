/**
 * The process's own responsiveness (design §3.2a: Tencent's silence counts only while this process
 * was able to hear it). A heartbeat timer, unref'd so it never keeps the process alive, notes every
 * gap between its beats longer than it should be: an event-loop stall (a synchronous block, a long
 * parse of big request bodies, a GC pause). An attempt that times out asks whether the loop stalled
 * while it ran; if so, the silence proves nothing about Tencent and the attempt ends `overloaded`.
 *
 * Cost on the hot path: the heartbeat runs only while attempts are in flight (started by the first,
 * stopped by the last, so no timer outlives the requests); one timer callback every {@link BEAT_MS}.
 */

/** Heartbeat interval in ms. */
const BEAT_MS = 50;
/** Stalls remembered (the most recent ones; an attempt only looks back over its own run). */
const KEPT = 64;
/** A beat this much later than due is a stall (ms). */
const MIN_STALL_MS = 20;

/** Watches the event loop for stalls. */
export interface StallMonitor {
  /** An attempt started: starts the heartbeat if it is not running. */
  start(): void;
  /** An attempt ended: the last one stops the heartbeat. */
  end(): void;
  /**
   * How long, in ms, the event loop was blocked since `since` (a `performance.now()` value): the
   * stalls that overlapped that time, added up (many short stalls delay an answer as one long one
   * does), counting a stall still going on now (the heartbeat has not run for a while).
   */
  blockedSince(since: number): number;
  /** Stops the heartbeat whatever is in flight (the verifier was closed). */
  stop(): void;
}

/** Creates a stall monitor; its heartbeat starts on first use. */
export function createStallMonitor(): StallMonitor {
  let timer: ReturnType<typeof setInterval> | undefined;
  let lastBeat = 0;
  // Ring of recent stalls: when each ended and how long the loop was blocked.
  const ends = new Float64Array(KEPT);
  const lengths = new Float64Array(KEPT);
  let next = 0;
  let inFlight = 0;
  const beat = (): void => {
    const now = performance.now();
    const blocked = now - lastBeat - BEAT_MS;
    lastBeat = now;
    if (blocked < MIN_STALL_MS) return;
    ends[next] = now;
    lengths[next] = blocked;
    next = (next + 1) % KEPT;
  };
  return {
    start() {
      inFlight++;
      if (timer) return;
      lastBeat = performance.now();
      timer = setInterval(beat, BEAT_MS);
      (timer as { unref?: () => void }).unref?.();
    },
    end() {
      if (--inFlight > 0) return;
      inFlight = 0;
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    blockedSince(since) {
      const now = performance.now();
      let blocked = timer ? Math.max(0, now - Math.max(lastBeat, since) - BEAT_MS) : 0;
      for (let i = 0; i < KEPT; i++) {
        if (ends[i]! > since) blocked += Math.min(lengths[i]!, ends[i]! - since);
      }
      return blocked;
    },
    stop() {
      inFlight = 0;
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
