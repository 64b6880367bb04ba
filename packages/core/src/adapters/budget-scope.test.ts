import { describe, expect, it } from 'vitest';
import { declaredMethod, isValidBudgetScope, routeBudgetScope, sanitizeBudgetScope } from './budget-scope.js';

describe('budget scopes', () => {
  it('sanitises any text into a valid scope', () => {
    expect(sanitizeBudgetScope('POST /login')).toBe('POST_/login');
    expect(sanitizeBudgetScope('/café\u0000\n')).toBe('/caf___');
    expect(sanitizeBudgetScope('')).toBe('_');
    expect(sanitizeBudgetScope('x'.repeat(300))).toHaveLength(128);
    for (const text of ['POST /login', '', 'é'.repeat(200), '\t']) expect(isValidBudgetScope(sanitizeBudgetScope(text))).toBe(true);
  });

  it('validates scopes like the verifier does', () => {
    expect(isValidBudgetScope('POST_/login')).toBe(true);
    expect(isValidBudgetScope('a b')).toBe(false);
    expect(isValidBudgetScope('')).toBe(false);
    expect(isValidBudgetScope('x'.repeat(129))).toBe(false);
    expect(isValidBudgetScope(7)).toBe(false);
  });

  it('takes the route’s declared method, never the request’s', () => {
    expect(declaredMethod(['GET', 'HEAD'])).toBe('GET');
    expect(declaredMethod(['post'])).toBe('POST');
    expect(declaredMethod(['GET', 'POST'])).toBe('*');
    expect(declaredMethod(['_all'])).toBe('*');
    expect(declaredMethod([])).toBe('*');
    expect(routeBudgetScope('post', '/users/:id')).toBe('POST_/users/:id');
  });
});
