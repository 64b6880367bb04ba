/**
 * Turns credential events into log lines: the first failed refresh of a streak, then at most one
 * line every 5 minutes while it lasts (whatever logger is used, so a dead metadata service cannot
 * flood it), and one line when refreshing works again. Lines name the provider and the error (already
 * redacted), never a key.
 */
import type { CredentialEvent } from './credential-source.js';

/** How often a failing streak is logged again. */
export const CREDENTIAL_LOG_INTERVAL_MS = 5 * 60_000;

type Log = (level: 'info' | 'warn' | 'error', message: string, data: Record<string, unknown>, kind: string) => void;

/** Creates the event handler for one verifier. @internal */
export function createCredentialEventLog(log: Log, now: () => number = Date.now): (event: CredentialEvent) => void {
  let lastLogged = -Infinity;
  return (event) => {
    if (event.kind === 'refreshed') {
      log('info', 'captcha credentials refresh again', { provider: event.provider, afterFailures: event.afterFailures }, 'credential_refreshed');
      lastLogged = -Infinity;
      return;
    }
    const t = now();
    if (event.failures > 1 && t - lastLogged < CREDENTIAL_LOG_INTERVAL_MS) return;
    lastLogged = t;
    const usable = event.usableUntil !== null;
    log(
      usable ? 'warn' : 'error',
      usable ? 'captcha credential refresh failed: verification goes on with the current key' : 'captcha credential refresh failed: no usable key (verdicts are misconfigured)',
      {
        provider: event.provider,
        error: event.error,
        failures: event.failures,
        keyUsableUntil: usable ? new Date(event.usableUntil!).toISOString() : null,
      },
      'credential_refresh_failed',
    );
  };
}
