// What every route of one emulator shares. @internal
import type { FaultQueues } from './faults.js';
import type { ResolvedEmulatorOptions } from './options.js';
import type { TemporaryKeyStore } from './temporary-keys.js';
import type { TicketStore } from './tickets.js';

/** Shared state of one emulator, handed to every route. @internal */
export interface EmulatorContext {
  options: ResolvedEmulatorOptions;
  faults: FaultQueues;
  tickets: TicketStore;
  /** Temporary keys (STS, metadata service) and their tokens. */
  temporaryKeys: TemporaryKeyStore;
  /** The emulator's origin, e.g. `http://127.0.0.1:4321`. */
  url(): string;
  /** Waits `ms`; resolves `false` instead if the emulator closes first. Timers never outlive `close()`. */
  delay(ms: number): Promise<boolean>;
  /**
   * Keeps a browser request unanswered for an SDK hang fault (the script, the legacy second stage,
   * the `challenge-hang` frame script) until SDK faults are cleared, which answers it 503: a browser allows
   * six connections per host, so hangs left from earlier pages must not starve later ones.
   */
  hold(res: import('node:http').ServerResponse): void;
  /** Answers 503 to every request kept by {@link EmulatorContext.hold}. */
  releaseHeld(): void;
}
