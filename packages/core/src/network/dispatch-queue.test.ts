import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDispatchQueue } from './dispatch-queue.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('dispatch queue', () => {
  it('gives freed slots to waiting clients in turn, not first come first served', async () => {
    vi.useFakeTimers();
    const queue = createDispatchQueue(1, 100);
    expect(queue.acquire(1000, 'a')).toBe(true);
    const order: string[] = [];
    const wait = (client: string, i: number) => (queue.acquire(1000, client) as Promise<boolean>).then((g) => g && order.push(`${client}${i}`));
    const all = [...[0, 1, 2, 3, 4].map((i) => wait('flood', i)), wait('b', 0), wait('c', 0), wait('b', 1)];
    for (let i = 0; i < 8; i++) {
      queue.release();
      await Promise.resolve();
    }
    await Promise.all(all);
    expect(order).toEqual(['flood0', 'b0', 'c0', 'flood1', 'b1', 'flood2', 'flood3', 'flood4']);
    expect(queue.waiting).toBe(0);
  });

  it('passes over timed-out waiters and keeps its bound', async () => {
    vi.useFakeTimers();
    const queue = createDispatchQueue(1, 2);
    expect(queue.acquire(1000, 'a')).toBe(true);
    const first = queue.acquire(10, 'x') as Promise<boolean>;
    const second = queue.acquire(1000, 'y') as Promise<boolean>;
    expect(queue.acquire(1000, 'z')).toBe('queue_full');
    await vi.advanceTimersByTimeAsync(20);
    await expect(first).resolves.toBe(false);
    queue.release();
    await expect(second).resolves.toBe(true);
    queue.release();
    expect(queue.active).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
