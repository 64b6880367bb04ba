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
}
