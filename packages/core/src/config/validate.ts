import type { CaptchaMode } from '../types/verdict.js';
import { CaptchaConfigError } from './errors.js';
/**
 * The validation helpers every options object uses: plain objects, bounded integers, option groups,
 * unknown keys (with a "did you mean"), modes and risk limits.
 */

export const MODES: readonly string[] = ['adaptive', 'open', 'closed'];
/** Validates a mode (options or per call). */
export function assertMode(value: unknown, option: string): asserts value is CaptchaMode {
  if (typeof value !== 'string' || !MODES.includes(value)) {
    throw new CaptchaConfigError('invalid_option', option, `${option} must be 'adaptive', 'open' or 'closed'.`);
  }
}
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
export function integer(value: unknown, option: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new CaptchaConfigError('invalid_option', option, `${option} must be an integer from ${min} to ${max}.`);
  }
  return value;
}
export function group(value: unknown, option: string, known?: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw new CaptchaConfigError('invalid_option', option, `${option} must be an object.`);
  if (known) assertKnownKeys(value, known, `${option}.`);
  return value;
}
/** Edit distance, case-insensitive (option names are short). */
export function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let row = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[y.length]!;
}
/**
 * Refuses an option this version does not know (a typo such as `deadlineMS` would otherwise be
 * ignored silently and leave the default in force), naming the nearest known option.
 */
export function assertKnownKeys(value: Record<string, unknown>, known: readonly string[], prefix = ''): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const k of known) {
      const d = distance(key, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    if (bestDistance > Math.max(2, Math.floor(key.length / 3))) {
      // `threshold` for `failureThreshold`, `timeoutMs` for `attemptTimeoutMs`: a part of the name.
      const lower = key.toLowerCase();
      best = lower.length >= 4 ? known.find((k) => k.toLowerCase().includes(lower) || lower.includes(k.toLowerCase())) : undefined;
    }
    const hint = best !== undefined ? ` Did you mean \`${prefix}${best}\`?` : '';
    throw new CaptchaConfigError('invalid_option', `${prefix}${key}`, `\`${prefix}${key}\` is not an option.${hint}`);
  }
}
/** Validates a per-call risk limit (0–100). */
export function assertRiskLimit(value: unknown, option: 'maxEvilLevel' | 'maxScore'): asserts value is number {
  integer(value, option, 0, 0, 100);
}
