/**
 * The per-route risk limits every plain adapter takes (`maxEvilLevel`, `maxScore`): validated when the
 * middleware is created, passed to `verify` per call.
 */
import { CaptchaConfigError } from '../config/errors.js';

/** The route's risk limits for `verify` (only those that are set). */
export function riskLimits(options: { maxEvilLevel?: number | undefined; maxScore?: number | undefined }): { maxEvilLevel?: number; maxScore?: number } {
  const out: { maxEvilLevel?: number; maxScore?: number } = {};
  if (options.maxEvilLevel !== undefined) out.maxEvilLevel = options.maxEvilLevel;
  if (options.maxScore !== undefined) out.maxScore = options.maxScore;
  return out;
}

/** Refuses a risk limit that is not an integer from 0 to 100. */
export function assertRiskLimits(options: Record<string, unknown>): void {
  for (const name of ['maxEvilLevel', 'maxScore'] as const) {
    const v = options[name];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100)) {
      throw new CaptchaConfigError('invalid_option', name, `${name} must be an integer from 0 to 100.`);
    }
  }
}
