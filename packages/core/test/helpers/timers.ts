/**
 * Fake-timer helpers. WebCrypto (TC3 signing) normally completes on libuv's thread pool, outside fake
 * time, which would make fake-timer tests racy on a busy machine. While fake timers are on, WebCrypto
 * is replaced by a synchronous stand-in over node:crypto (same algorithms, promises that resolve at
 * once), so every step of `verify` is driven by fake time alone.
 */
import { createHash, createHmac } from 'node:crypto';
import { vi } from 'vitest';

interface SyncKey {
  syncKey: Uint8Array;
}

const bytesOf = (data: BufferSource | SyncKey): Uint8Array => {
  if ('syncKey' in (data as object)) return (data as SyncKey).syncKey;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data as ArrayBuffer);
};
const toArrayBuffer = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

const realCrypto = globalThis.crypto;

const syncSubtle = {
  async digest(_algorithm: unknown, data: BufferSource): Promise<ArrayBuffer> {
    return toArrayBuffer(createHash('sha256').update(bytesOf(data)).digest());
  },
  async importKey(_format: string, raw: BufferSource | SyncKey): Promise<SyncKey> {
    return { syncKey: Uint8Array.from(bytesOf(raw)) };
  },
  async sign(_algorithm: unknown, key: SyncKey, data: BufferSource): Promise<ArrayBuffer> {
    return toArrayBuffer(createHmac('sha256', key.syncKey).update(bytesOf(data)).digest());
  },
};

/** Fake timers (Date and performance too), with synchronous WebCrypto. Undo with {@link useRealTimers}. */
export function useFakeTimers(now: number): void {
  vi.useFakeTimers({ now, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] });
  vi.stubGlobal('crypto', { subtle: syncSubtle, getRandomValues: (a: Uint8Array<ArrayBuffer>) => realCrypto.getRandomValues(a) });
}

/** Back to real timers and the real WebCrypto. */
export function useRealTimers(): void {
  vi.useRealTimers();
  vi.unstubAllGlobals();
}

/** Lets pending promise callbacks run. */
export async function flushIo(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0);
}

/** Advances fake time by `ms`, running promise callbacks between timers. */
export async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

/**
 * Advances fake time until `promise` settles (or `maxMs` passed) and says at which fake time it
 * settled, measured from the call.
 */
export async function advanceUntilSettled<T>(promise: Promise<T>, maxMs: number, stepMs = 1): Promise<{ settled: boolean; elapsedMs: number }> {
  let settledAt: number | undefined;
  const start = Date.now();
  const mark = (): void => {
    settledAt = Date.now();
  };
  promise.then(mark, mark);
  await flushIo();
  while (settledAt === undefined && Date.now() - start < maxMs) await vi.advanceTimersByTimeAsync(stepMs);
  return { settled: settledAt !== undefined, elapsedMs: (settledAt ?? Date.now()) - start };
}
