import { describe, expect, it, vi } from 'vitest';
import { createBreaker } from './breaker.js';
import type { BreakerStrategy } from './breaker-strategy.js';
import { consecutiveBreaker } from './consecutive-breaker.js';

describe('breaker strategies', () => {
  it('opens when its strategy says so, whatever failureThreshold says', () => {
    const onOpen = vi.fn();
    const openAtOnce: BreakerStrategy = { success: () => undefined, failure: () => true, reset: () => undefined };
    const breaker = createBreaker({ failureThreshold: 5, halfOpenAfterMs: 1000, samplingDurationMs: 5000, failureRate: 0.5 }, { onOpen, onClose: vi.fn() }, () => 0, openAtOnce);
    breaker.failure(breaker.admit());
    expect(breaker.state).toBe('open');
    expect(onOpen).toHaveBeenCalledOnce();
  });

  const sampling = { failureThreshold: 5, halfOpenAfterMs: 15_000, samplingDurationMs: 5000, failureRate: 0.5 };

  it('by default never opens on one burst of failures, however large', () => {
    let t = 1_000_000;
    const breaker = createBreaker(sampling, { onOpen: vi.fn(), onClose: vi.fn() }, () => t);
    // 10,000 failures ending together (one event-loop stall), then another burst 1 s later.
    for (let i = 0; i < 10_000; i++) breaker.failure(breaker.admit());
    t += 1000;
    for (let i = 0; i < 10_000; i++) breaker.failure(breaker.admit());
    expect(breaker.state).toBe('closed');
  });

  it('by default opens on a real outage within 2 s of its first failure (fake clock, 10 failing requests a second)', () => {
    let t = 1_000_500;
    const onOpen = vi.fn();
    const breaker = createBreaker(sampling, { onOpen, onClose: vi.fn() }, () => t);
    const first = t;
    while (breaker.state === 'closed' && t - first < 10_000) {
      breaker.failure(breaker.admit());
      t += 100;
    }
    expect(breaker.state).toBe('open');
    expect(onOpen.mock.calls[0]![0] - first).toBeLessThanOrEqual(2000);
  });

  it('by default stays closed while most requests succeed, even with failures every second', () => {
    let t = 1_000_000;
    const breaker = createBreaker(sampling, { onOpen: vi.fn(), onClose: vi.fn() }, () => t);
    for (let s = 0; s < 30; s++) {
      for (let i = 0; i < 3; i++) breaker.failure(breaker.admit());
      for (let i = 0; i < 7; i++) breaker.success(breaker.admit());
      t += 1000;
    }
    expect(breaker.state).toBe('closed');
  });

  it('with failureThreshold 1 opens on the first failure', () => {
    const breaker = createBreaker({ ...sampling, failureThreshold: 1 }, { onOpen: vi.fn(), onClose: vi.fn() }, () => 0);
    breaker.failure(breaker.admit());
    expect(breaker.state).toBe('open');
  });

  it('consecutiveBreaker counts afresh after reset', () => {
    const strategy = consecutiveBreaker(2);
    expect(strategy.failure()).toBe(false);
    strategy.reset();
    expect(strategy.failure()).toBe(false);
    expect(strategy.failure()).toBe(true);
  });
});
