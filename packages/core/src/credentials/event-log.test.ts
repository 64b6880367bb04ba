import { describe, expect, it } from 'vitest';
import { createCredentialEventLog } from './event-log.js';

describe('createCredentialEventLog()', () => {
  it('logs the first failure of a streak, then at most every 5 minutes, and the recovery', () => {
    const lines: [string, string, Record<string, unknown>][] = [];
    const clock = { t: 0 };
    const onEvent = createCredentialEventLog((level, message, data) => lines.push([level, message, data]), () => clock.t);
    const fail = (failures: number, usableUntil: number | null) => onEvent({ kind: 'refresh_failed', provider: 'cvm-role', error: 'cannot reach metadata', failures, usableUntil });
    fail(1, 60_000);
    for (let i = 2; i < 50; i++) {
      clock.t += 1000;
      fail(i, 60_000);
    }
    expect(lines).toEqual([['warn', expect.stringContaining('current key'), { provider: 'cvm-role', error: 'cannot reach metadata', failures: 1, keyUsableUntil: new Date(60_000).toISOString() }]]);
    clock.t += 5 * 60_000;
    fail(50, null);
    expect(lines[1]).toEqual(['error', expect.stringContaining('no usable key'), expect.objectContaining({ failures: 50, keyUsableUntil: null })]);
    onEvent({ kind: 'refreshed', provider: 'cvm-role', expiresAt: null, afterFailures: 50 });
    fail(1, 1000);
    expect(lines.map((l) => l[0])).toEqual(['warn', 'error', 'info', 'warn']);
  });
});
