/**
 * The per-target fault queues that decide which call gets which fault. The fault types are in
 * fault-types.ts and their validation in fault-commands.ts; this module re-exports both, so the rest
 * of the emulator imports faults from here.
 *
 * Model: each target (`api`, `sdk`) has a queue of entries `{ fault, remaining }`. A call takes
 * the head entry (if it applies to that call), decrements `remaining` and drops the entry at 0.
 * `remaining: null` means "until cleared". `set` replaces a target's queue with one entry;
 * `sequence` replaces it with several, applied in order. An empty queue means normal behaviour.
 */
import { EmulatorError } from './errors.js';
import { checkFault, checkSteps, checkTarget, checkTimes, type FaultCheck } from './fault-commands.js';
import type { ApiFault, FaultQueueEntry, FaultQueues, FaultState, FaultStep, FaultTarget, SdkCallSite, SdkFault } from './fault-types.js';

export * from './fault-types.js';
export { checkApiFault, checkSdkFault, parseFaultCommand, type FaultCheck, type FaultCommand } from './fault-commands.js';

/** The call site an SDK fault belongs to. */
export function sdkFaultSite(fault: SdkFault): SdkCallSite {
  switch (fault.kind) {
    case 'script-404':
    case 'script-hang':
    case 'script-latency':
    case 'script-throw':
      return 'script';
    case 'constructor-throw':
      return 'construct';
    case 'legacy-subscript-hang':
    case 'legacy-subscript-error':
      return 'subscript';
    default:
      return 'show';
  }
}

interface Entry<F> {
  fault: F;
  remaining: number;
}

/** Creates the fault queues of one emulator. @internal */
export function createFaultQueues(): FaultQueues {
  const queues: { api: Entry<ApiFault>[]; sdk: Entry<SdkFault>[] } = { api: [], sdk: [] };

  const orThrow = <T>(check: FaultCheck<T>): T => {
    if (!check.ok) throw new EmulatorError('invalid_fault', check.message);
    return check.value;
  };

  function take<F>(queue: Entry<F>[], applies: (f: F) => boolean): F | undefined {
    const head = queue[0];
    if (!head || !applies(head.fault)) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head.fault;
  }

  const snapshot = <F>(queue: Entry<F>[]): FaultQueueEntry<F>[] =>
    queue.map((e) => ({ fault: structuredClone(e.fault), remaining: Number.isFinite(e.remaining) ? e.remaining : null }));

  return {
    set(target, fault, options = {}) {
      const t = orThrow(checkTarget(target));
      const f = orThrow(checkFault(t, fault));
      const times = orThrow(checkTimes(options.times, '`times`'));
      (queues[t] as Entry<ApiFault | SdkFault>[]).splice(0, Infinity, { fault: f, remaining: times ?? Infinity });
    },
    sequence(target, steps) {
      const t = orThrow(checkTarget(target));
      const parsed = orThrow(checkSteps(t, steps));
      (queues[t] as Entry<ApiFault | SdkFault>[]).splice(0, Infinity, ...parsed.map((s) => ({ fault: s.fault, remaining: s.times ?? 1 })));
    },
    clear(target) {
      if (target === undefined || target === 'api') queues.api.length = 0;
      if (target === undefined || target === 'sdk') queues.sdk.length = 0;
    },
    state() {
      return { api: snapshot(queues.api), sdk: snapshot(queues.sdk) };
    },
    takeApi() {
      return take(queues.api, () => true);
    },
    takeSdk(site) {
      return take(queues.sdk, (f) => sdkFaultSite(f) === site);
    },
  };
}
