/**
 * The verifier's log: a passed logger gets every line; the default (no `logger`) prints info, warn and
 * error to `console` (or to the target of `rateLimitedLogger`), each kind of line at most once a
 * minute, so an outage or an attacker cannot flood the log; `logger: false` prints nothing. A logger
 * or console that throws never breaks verification. Also the redaction of secrets from outside text.
 */
import { rateLimitedTarget } from '../config/options.js';
import type { CaptchaLogger } from '../types/options.js';

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
