/**
 * The one error class of the emulator. It is thrown only when a call itself is wrong (bad options,
 * a malformed fault); everything a client does wrong over HTTP is answered, never thrown.
 */

/** Why an {@link EmulatorError} was thrown. */
export const EmulatorErrorCode = {
  /** `createEmulator` got an option it cannot use. */
  InvalidOptions: 'invalid_options',
  /** A fault or fault sequence is malformed. */
  InvalidFault: 'invalid_fault',
  /** `issueTicket` got input it cannot use. */
  InvalidTicketRequest: 'invalid_ticket_request',
  /** The emulator is closed. */
  Closed: 'closed',
} as const;
/** One of {@link EmulatorErrorCode}'s values. */
export type EmulatorErrorCode = (typeof EmulatorErrorCode)[keyof typeof EmulatorErrorCode];

const BRAND = Symbol.for('@tencent-captcha/emulator/EmulatorError');

/** Thrown for wrong calls. `EmulatorError.is(e)` works across two copies of the package. */
export class EmulatorError extends Error {
  /** Stable machine-readable reason. */
  readonly code: EmulatorErrorCode;

  constructor(code: EmulatorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmulatorError';
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** Brand check that survives duplicate installs (unlike `instanceof`). */
  static is(value: unknown): value is EmulatorError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}
