/**
 * Budget scopes for adapters: which degraded-acceptance budgets a request spends (`verify`'s
 * `budgetScope`). A route's scope comes from its route *pattern* and declared method, never from the
 * raw request path or method, so an attacker cannot multiply budgets by varying the path
 * (`/login/`, `/LOGIN`, `/login?x=1`, random paths under a wildcard route) or the method.
 */

const SCOPE = /^[\x21-\x7e]{1,128}$/;

/** Whether `value` is a valid `budgetScope`: 1–128 printable ASCII characters, no spaces. */
export function isValidBudgetScope(value: unknown): value is string {
  return typeof value === 'string' && SCOPE.test(value);
}

/**
 * Turns any text into a valid budget scope: spaces and other characters outside printable ASCII
 * become `_`, the result is cut to 128 characters; empty text becomes `_`.
 */
export function sanitizeBudgetScope(text: string): string {
  const cleaned = String(text).replace(/[^\x21-\x7e]/g, '_').slice(0, 128);
  return cleaned === '' ? '_' : cleaned;
}

/**
 * The scope of a route: `METHOD pattern`, sanitised (`POST /login` → `POST_/login`). Pass the
 * route's declared method (`*` when it takes several) and its pattern (`/users/:id`), not the
 * request's.
 */
export function routeBudgetScope(method: string, pattern: string): string {
  return sanitizeBudgetScope(`${method.toUpperCase()} ${pattern}`);
}

/**
 * The method part of a route scope from the methods a route declares: the one method when it
 * declares exactly one (HEAD, which routers add to GET routes, is ignored), else `*`. The request's
 * own method is never used, so `.all()` routes cannot be split into a budget per method.
 */
export function declaredMethod(methods: Iterable<string>): string {
  const set = new Set<string>();
  for (const m of methods) {
    const upper = String(m).toUpperCase();
    if (upper !== 'HEAD' && upper !== '_ALL') set.add(upper);
    if (upper === '_ALL') return '*';
  }
  return set.size === 1 ? [...set][0]! : '*';
}
