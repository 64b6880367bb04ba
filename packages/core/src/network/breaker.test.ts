import { describe, expect, it, vi } from 'vitest';
import { createBreaker } from './breaker.js';
import type { BreakerStrategy } from './breaker-strategy.js';
import { consecutiveBreaker } from './consecutive-breaker.js';

describe('breaker strategies', () => {
  it('opens when its strategy says so, whatever failureThreshold says', () => {
    const onOpen = vi.fn();
    const openAtOnce: BreakerStrategy = { success: () => undefined, failure: () => true, reset: () => undefined };
    const breaker = createBreaker({ failureThreshold: 5, halfOpenAfterMs: 1000 }, { onOpen, onClose: vi.fn() }, () => 0, openAtOnce);
    breaker.failure(breaker.admit());
    expect(breaker.state).toBe('open');
    expect(onOpen).toHaveBeenCalledOnce();
  });

  it('by default opens after failureThreshold consecutive failures; a success starts the count again', () => {
    const breaker = createBreaker({ failureThreshold: 3, halfOpenAfterMs: 1000 }, { onOpen: vi.fn(), onClose: vi.fn() }, () => 0);
    breaker.failure(breaker.admit());
    breaker.failure(breaker.admit());
    breaker.success(breaker.admit());
    breaker.failure(breaker.admit());
    breaker.failure(breaker.admit());
    expect(breaker.state).toBe('closed');
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
