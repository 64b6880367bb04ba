import { describe, expect, it } from 'vitest';
import { EmulatorError } from './errors.js';
import { createFaultQueues, parseFaultCommand } from './faults.js';

describe('fault queues', () => {
  it('applies a fault to the next N calls, then stops', () => {
    const q = createFaultQueues();
    q.set('api', { kind: 'internal-error' }, { times: 2 });
    expect(q.state().api).toEqual([{ fault: { kind: 'internal-error' }, remaining: 2 }]);
    expect(q.takeApi()).toEqual({ kind: 'internal-error' });
    expect(q.takeApi()).toEqual({ kind: 'internal-error' });
    expect(q.takeApi()).toBeUndefined();
    expect(q.state().api).toEqual([]);
  });

  it('applies a fault until cleared when no count is given', () => {
    const q = createFaultQueues();
    q.set('api', { kind: 'hang' });
    for (let i = 0; i < 50; i++) expect(q.takeApi()).toEqual({ kind: 'hang' });
    expect(q.state().api).toEqual([{ fault: { kind: 'hang' }, remaining: null }]);
    q.clear('api');
    expect(q.takeApi()).toBeUndefined();
  });

  it('plays a sequence in order, each step once unless it says times', () => {
    const q = createFaultQueues();
    q.sequence('api', [{ kind: 'internal-error' }, { fault: { kind: 'captcha-code', code: 26 }, times: 2 }, { kind: 'pass' }]);
    expect([q.takeApi(), q.takeApi(), q.takeApi(), q.takeApi(), q.takeApi()]).toEqual([
      { kind: 'internal-error' },
      { kind: 'captcha-code', code: 26 },
      { kind: 'captcha-code', code: 26 },
      { kind: 'pass' },
      undefined,
    ]);
  });

  it('applies an SDK fault only at its own call site', () => {
    const q = createFaultQueues();
    q.sequence('sdk', [{ kind: 'script-404' }, { kind: 'error-code', errorCode: 1006 }]);
    expect(q.takeSdk('show')).toBeUndefined();
    expect(q.takeSdk('construct')).toBeUndefined();
    expect(q.takeSdk('script')).toEqual({ kind: 'script-404' });
    expect(q.takeSdk('script')).toBeUndefined();
    expect(q.takeSdk('show')).toEqual({ kind: 'error-code', errorCode: 1006 });
  });

  it('applies the legacy second-stage faults only to the legacy script\'s second stage', () => {
    const q = createFaultQueues();
    q.sequence('sdk', [{ kind: 'legacy-subscript-hang' }, { kind: 'legacy-subscript-error' }]);
    expect(q.takeSdk('script')).toBeUndefined();
    expect(q.takeSdk('show')).toBeUndefined();
    expect(q.takeSdk('subscript')).toEqual({ kind: 'legacy-subscript-hang' });
    expect(q.takeSdk('subscript')).toEqual({ kind: 'legacy-subscript-error' });
    expect(() => q.set('sdk', { kind: 'legacy-subscript-hang', ms: 1 } as never)).toThrow(/unknown field/);
  });

  it('keeps the api and sdk queues apart, and clear() empties both', () => {
    const q = createFaultQueues();
    q.set('api', { kind: 'latency', ms: 10 });
    q.set('sdk', { kind: 'user-close' });
    expect(q.takeSdk('script')).toBeUndefined();
    expect(q.takeApi()).toEqual({ kind: 'latency', ms: 10 });
    q.clear();
    expect(q.state()).toEqual({ api: [], sdk: [] });
  });

  it('returns copies from state(), so callers cannot change the queue', () => {
    const q = createFaultQueues();
    q.set('api', { kind: 'http-error', status: 503 }, { times: 1 });
    const snapshot = q.state();
    (snapshot.api[0]!.fault as { status: number }).status = 500;
    expect(q.takeApi()).toEqual({ kind: 'http-error', status: 503 });
  });

  it('throws an EmulatorError with code invalid_fault for malformed faults', () => {
    const q = createFaultQueues();
    const bad: Array<() => void> = [
      () => q.set('api', { kind: 'nope' } as never),
      () => q.set('api', { kind: 'latency' } as never),
      () => q.set('api', { kind: 'latency', ms: -1 }),
      () => q.set('api', { kind: 'http-error', status: 404 }),
      () => q.set('api', { kind: 'internal-error' }, { times: 0 }),
      () => q.set('sdk', { kind: 'error-code' } as never),
      () => q.set('sdk', { kind: 'internal-error' } as never),
      () => q.set('sdk', { kind: 'challenge-hang', timeScale: 0 }),
      () => q.set('sdk', { kind: 'challenge-hang', timeScale: 11 }),
      () => q.set('sdk', { kind: 'challenge-hang', timeScale: '0.1' } as never),
      () => q.set('sdk', { kind: 'challenge-hang', ms: 1 } as never),
      () => q.set('nope' as never, { kind: 'pass' } as never),
      () => q.sequence('api', []),
    ];
    for (const call of bad) {
      let error: unknown;
      try {
        call();
      } catch (e) {
        error = e;
      }
      expect(EmulatorError.is(error), String(call)).toBe(true);
      expect(error).toMatchObject({ code: 'invalid_fault' });
    }
    expect(q.state()).toEqual({ api: [], sdk: [] });
  });
});

describe('parseFaultCommand()', () => {
  it('accepts a single fault with times, and a sequence of bare and wrapped steps', () => {
    expect(parseFaultCommand({ target: 'api', fault: { kind: 'internal-error' }, times: 3 })).toEqual({
      ok: true,
      value: { target: 'api', fault: { kind: 'internal-error' }, times: 3 },
    });
    expect(parseFaultCommand({ target: 'sdk', sequence: [{ kind: 'user-close' }, { fault: { kind: 'pass' }, times: 2 }] })).toEqual({
      ok: true,
      value: { target: 'sdk', sequence: [{ fault: { kind: 'user-close' }, times: 1 }, { fault: { kind: 'pass' }, times: 2 }] },
    });
  });

  it.each([
    [null, /JSON object/],
    [[], /JSON object/],
    [{ fault: { kind: 'hang' } }, /target/],
    [{ target: 'api' }, /fault/],
    [{ target: 'api', fault: { kind: 'hang' }, extra: 1 }, /unknown field/],
    [{ target: 'api', fault: { kind: 'hang', ms: 5 } }, /unknown field/],
    [{ target: 'api', fault: { kind: 'api-error', code: 'not a code!' } }, /code/],
    [{ target: 'api', fault: { kind: 'captcha-code', code: 2.5 } }, /code/],
    [{ target: 'api', fault: { kind: 'internal-error', delayMs: 10_000_000 } }, /delayMs/],
    [{ target: 'api', fault: { kind: 'internal-error' }, times: '2' }, /times/],
    [{ target: 'sdk', sequence: [{ kind: 'script-404' }, { kind: 'bogus' }] }, /sequence\[1\]/],
    [{ target: 'sdk', fault: { kind: 'error-code', errorCode: 1001, errorMessage: 7 } }, /errorMessage/],
  ])('refuses %j', (body, message) => {
    const result = parseFaultCommand(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});
