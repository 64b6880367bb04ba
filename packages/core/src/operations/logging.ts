/**
 * The verifier's log: a passed logger gets every line; the default (no `logger`) prints info, warn and
 * error to `console` (or to the target of `rateLimitedLogger`), each kind of line at most once a
 * minute, so an outage or an attacker cannot flood the log; `logger: false` prints nothing. A logger
 * or console that throws never breaks verification. Also the redaction of secrets from outside text.
 */

import type { CaptchaLogger, CaptchaLogTarget } from '../types/options.js';

const REDACTED = '[redacted]';
/** Prefix of the default console logger's lines. */
const CONSOLE_PREFIX = '[tencent-captcha]';
/** Each kind of console line at most this often. */
export const REPORT_INTERVAL_MS = 60_000;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One verifier's log. */
export interface VerifierLog {
  /** One line; `kind` groups the console lines that are rate-limited together (default: the message). */
  (level: LogLevel, message: string, data?: Record<string, unknown>, kind?: string): void;
  /** Whether a warn line reaches anyone. */
  warns(): boolean;
  /** Whether debug lines reach a logger. */
  debugs(): boolean;
}

/** Returns a function that removes `secrets` (those of 4 characters or more) from text that came from outside. */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  const kept = secrets.filter((s) => s.length >= 4);
  return (text) => kept.reduce((t, s) => t.split(s).join(REDACTED), text);
}

/** The log of one verifier, from its `logger` option. */
export function createVerifierLog(logger: CaptchaLogger | false | undefined): VerifierLog {
  // The default logger (rate-limited, to console) or its twin writing elsewhere (rateLimitedLogger).
  const defaultTarget = logger === undefined ? console : rateLimitedTarget(logger);
  const userLogger = defaultTarget ? null : logger || null;
  const consoleLast = new Map<string, number>();
  const log = (level: LogLevel, message: string, data?: Record<string, unknown>, kind?: string): void => {
    if (userLogger) {
      const fn = userLogger[level];
      if (!fn) return;
      try {
        fn.call(userLogger, message, data);
      } catch {
        // A broken logger must not break verification.
      }
      return;
    }
    if (!defaultTarget || level === 'debug') return;
    const write = defaultTarget[level];
    if (!write) return;
    const key = kind ?? message;
    const t = Date.now();
    const last = consoleLast.get(key);
    if (last !== undefined && t - last < REPORT_INTERVAL_MS) return;
    if (consoleLast.size > 256) consoleLast.clear();
    consoleLast.set(key, t);
    try {
      write.call(defaultTarget, `${CONSOLE_PREFIX} ${message}${data && Object.keys(data).length > 0 ? ` ${JSON.stringify(data)}` : ''}`);
    } catch {
      // A console that throws (closed stream) must not break verification.
    }
  };
  return Object.assign(log, {
    warns: () => (userLogger ? Boolean(userLogger.warn) : Boolean(defaultTarget)),
    debugs: () => Boolean(userLogger?.debug),
  });
}


const RATE_LIMITED = Symbol.for('@tencent-captcha/core.rateLimitedLogger');
/**
 * A logger that behaves like the default one — info, warn and error only, each kind of line at most
 * once a minute, one line each (`[tencent-captcha] message {"data":…}`) — but writes to `target`
 * instead of `console` (Nest's `Logger`, pino, …). The Nest module uses it with Nest's `Logger`.
 *
 * @example
 * ```ts
 * const logger = new Logger('TencentCaptcha');
 * createCaptchaVerifier({ logger: rateLimitedLogger({ info: (l) => logger.log(l), warn: (l) => logger.warn(l), error: (l) => logger.error(l) }) });
 * ```
 */
export function rateLimitedLogger(target: CaptchaLogTarget): CaptchaLogger {
  const logger: CaptchaLogger = {};
  Object.defineProperty(logger, RATE_LIMITED, { value: target });
  return logger;
}
/** @internal The target of a {@link rateLimitedLogger}, if `logger` is one. */
export function rateLimitedTarget(logger: unknown): CaptchaLogTarget | undefined {
  return typeof logger === 'object' && logger !== null ? ((logger as Record<symbol, CaptchaLogTarget | undefined>)[RATE_LIMITED] ?? undefined) : undefined;
}
