// The refresh policy of credential-source.ts, on fake timers: background refresh half-way, single
// flight, failures keep the key until it is no longer usable, backoff, and no usable key → rejection.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCredentialSource, CREDENTIAL_TIMING, type CredentialEvent } from './credential-source.js';
import { CredentialProviderError, type ProvidedCredential } from './types.js';

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 11, 6, 3, 0, 0) });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A provider handing out numbered keys living `lifetimeMs`, with a switch to fail and a gate to hold answers. */
function rotatingProvider(lifetimeMs: number) {
  const state = { calls: 0, failing: false, gate: undefined as Promise<void> | undefined };
  const provider = {
    providerName: 'test-role',
    async getCredential(): Promise<ProvidedCredential> {
      state.calls += 1;
      const n = state.calls;
      if (state.gate) await state.gate;
      if (state.failing) throw new Error(`metadata down (call ${n}); secret tmpKey-${n - 1}`);
      return { secretId: `AKIDtmp${n}`, secretKey: `tmpKey-${n}`, token: `token-${n}`, expiresAt: Date.now() + lifetimeMs };
    },
  };
  return { provider, state };
}

const sync = (value: unknown) => {
  expect(value).not.toBeInstanceOf(Promise);
  return value as { secretId: string; token?: string };
};

describe('createCredentialSource()', () => {
  it('waits only for the first key, then answers synchronously; refreshes in the background half-way', async () => {
    const { provider, state } = rotatingProvider(60_000);
    const source = createCredentialSource(provider, { now: Date.now });
    const first = await source.get();
    expect(first).toMatchObject({ secretId: 'AKIDtmp1', token: 'token-1' });
    // usable until 60 s − 15 s (a quarter) = 45 s; refresh due at 22.5 s.
    expect(source.status()).toMatchObject({ provider: 'test-role', temporary: true, usableUntil: Date.now() + 45_000, refreshAt: Date.now() + 22_500 });
    vi.advanceTimersByTime(22_000);
    expect(sync(source.get()).secretId).toBe('AKIDtmp1');
    expect(state.calls).toBe(1);
    vi.advanceTimersByTime(1000);
    // Due: the hot path still gets the current key at once, and one refresh starts.
    expect(sync(source.get()).secretId).toBe('AKIDtmp1');
    expect(sync(source.get()).secretId).toBe('AKIDtmp1');
    await vi.advanceTimersByTimeAsync(0);
    expect(state.calls).toBe(2);
    expect(sync(source.get()).secretId).toBe('AKIDtmp2');
  });

  it('runs one provider call for any number of concurrent waiters (single flight)', async () => {
    const { provider, state } = rotatingProvider(60_000);
    let open!: () => void;
    state.gate = new Promise((r) => (open = r));
    const source = createCredentialSource(provider, { now: Date.now });
    const waiting = Array.from({ length: 50 }, () => source.get());
    open();
    const keys = await Promise.all(waiting);
    expect(new Set(keys.map((k) => k.secretId))).toEqual(new Set(['AKIDtmp1']));
    expect(state.calls).toBe(1);
  });

  it('keeps the current key through failed refreshes, backs off, reports each failure without a secret, then rejects once none is usable', async () => {
    const { provider, state } = rotatingProvider(40_000);
    const events: CredentialEvent[] = [];
    const source = createCredentialSource(provider, { now: Date.now, onEvent: (e) => events.push(e) });
    await source.get();
    state.failing = true;
    const usableUntil = source.status().usableUntil!; // 30 s from now
    vi.advanceTimersByTime(15_000); // refresh due
    for (let t = Date.now(); t < usableUntil; t = Date.now()) {
      expect(sync(source.get()).secretId).toBe('AKIDtmp1');
      await vi.advanceTimersByTimeAsync(250);
    }
    // 15 s of failing with 1, 2, 4, 8 s backoff: 4 attempts, not one per call (60 calls were made).
    expect(state.calls - 1).toBeLessThanOrEqual(5);
    expect(state.calls - 1).toBeGreaterThanOrEqual(3);
    expect(events[0]).toMatchObject({ kind: 'refresh_failed', provider: 'test-role', failures: 1, usableUntil });
    expect(JSON.stringify(events)).not.toContain('tmpKey-1');
    expect(JSON.stringify(events)).toContain('[redacted]');
    // No usable key left: rejected, immediately while backing off.
    const calls = state.calls;
    await expect(source.get()).rejects.toBeInstanceOf(CredentialProviderError);
    await expect(source.get()).rejects.toThrow(/^test-role: metadata down/);
    expect(state.calls).toBeLessThanOrEqual(calls + 1);
    // The provider heals: the next attempt after the backoff gets a key, and says so once.
    state.failing = false;
    await vi.advanceTimersByTimeAsync(CREDENTIAL_TIMING.maxBackoffMs);
    await expect(source.get()).resolves.toMatchObject({ token: expect.stringMatching(/^token-/) });
    expect(events.at(-1)).toMatchObject({ kind: 'refreshed', provider: 'test-role' });
  });

  it('over many rotations, hands out every key at least a quarter of its life before it expires, asking twice per key', async () => {
    const { provider, state } = rotatingProvider(8000);
    const expiry = new Map<string, number>();
    const wrapped = { providerName: 'test-role', getCredential: async () => { const c = await provider.getCredential(); expiry.set(c.secretId!, c.expiresAt as number); return c; } };
    const source = createCredentialSource(wrapped, { now: Date.now });
    const used = new Set<string>();
    for (let i = 0; i < 800; i++) {
      const key = await source.get();
      used.add(key.secretId);
      expect(expiry.get(key.secretId)! - Date.now()).toBeGreaterThanOrEqual(2000);
      await vi.advanceTimersByTimeAsync(50);
    }
    // 40 s of traffic, 8 s keys refreshed half-way through their 6 s of use: about 3 s per key.
    expect(used.size).toBeGreaterThanOrEqual(10);
    expect(state.calls).toBeLessThanOrEqual(used.size + 1);
  });

  it('asks a provider without expiresAt again every 10 s and uses an answer at most 25 s', async () => {
    let calls = 0;
    let failing = false;
    const source = createCredentialSource(
      { getCredential: async () => { calls += 1; if (failing) throw new Error('gone'); return { secretId: 'AKIDsdk', secretKey: 'sdkKey', token: 'sdkToken' }; } },
      { now: Date.now },
    );
    await source.get();
    expect(source.status()).toMatchObject({ provider: 'custom', expiresAt: null });
    vi.advanceTimersByTime(10_000);
    source.get();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(2);
    failing = true;
    await vi.advanceTimersByTimeAsync(24_000);
    source.get();
    await vi.advanceTimersByTimeAsync(0);
    expect(sync(source.get()).secretId).toBe('AKIDsdk');
    await vi.advanceTimersByTimeAsync(1500);
    await expect(source.get()).rejects.toThrow(/gone/);
  });

  it('treats a provider that never answers as failed after the provider timeout, freeing the single flight', async () => {
    const source = createCredentialSource({ providerName: 'stuck', getCredential: () => new Promise<never>(() => {}) }, { now: Date.now });
    const waiting = expect(source.get()).rejects.toThrow(/^stuck: no answer within 10000 ms/);
    await vi.advanceTimersByTimeAsync(CREDENTIAL_TIMING.providerTimeoutMs);
    await waiting;
  });

  it.each([
    [{ secretId: '', secretKey: 'k' }, /secretId is missing/],
    [{ secretId: 'AKID/x', secretKey: 'k' }, /secretId is missing/],
    [{ secretId: 'AKIDx', secretKey: 'k', token: 'a\r\nb' }, /token is not printable/],
    [{ secretId: 'AKIDx', secretKey: 'k', expiresAt: 1_900_000_000 }, /looks like Unix seconds/],
    [{ secretId: 'AKIDx', secretKey: 'k', expiresAt: new Date(0) }, /looks like Unix seconds|already expired/],
    [{ secretId: 'AKIDx', secretKey: 'k', expiresAt: Date.UTC(2026, 0, 1) }, /already expired/],
    [null, /no credential object/],
  ])('refuses a bad answer %j with a clear error', async (answer, message) => {
    const source = createCredentialSource({ providerName: 'bad', getCredential: async () => answer as ProvidedCredential }, { now: Date.now });
    await expect(source.get()).rejects.toThrow(message);
  });

  it('a static key is used as is, with no provider and no refresh', () => {
    const source = createCredentialSource({ secretId: 'AKIDstatic', secretKey: 'staticKey', token: 'tok' }, { now: Date.now });
    expect(sync(source.get())).toMatchObject({ secretId: 'AKIDstatic', token: 'tok' });
    expect(source.status()).toMatchObject({ provider: 'static', temporary: true, refreshAt: null });
  });
});
