/**
 * Per-call settings: what `verify(input, options)` may override (mode, budget scope, risk limits,
 * request fields), validated per call; a wrong value throws `CaptchaConfigError` (the call itself is
 * wrong, not the ticket).
 */
import { requestFieldsJson } from '../network/describe-captcha-result.js';
import type { ResolvedCaptchaVerifierOptions } from '../types/options.js';
import type { CaptchaMode, VerifyOptions } from '../types/verdict.js';
import { CaptchaConfigError } from './errors.js';
import { assertMode, assertRiskLimit } from './validate.js';
import { normaliseRequestFields } from './request-fields.js';

/** What a call may override, validated. */
export interface CallSettings {
  mode: CaptchaMode;
  budgetScope: string;
  maxEvilLevel: number;
  maxScore: number;
  /** The optional request fields as JSON for the body. */
  extra: string;
}

/** Returns the settings of a call: the verifier's own when it passes no options. */
export function createCallSettings(resolved: ResolvedCaptchaVerifierOptions): (options: VerifyOptions | undefined) => CallSettings {
  const defaultExtra = requestFieldsJson(resolved.requestFields);
  const defaults: CallSettings = {
    mode: resolved.mode,
    budgetScope: 'default',
    maxEvilLevel: resolved.maxEvilLevel,
    maxScore: resolved.maxScore,
    extra: defaultExtra,
  };
  return (o) => {
    if (!o) return defaults;
    const mode = o.mode ?? resolved.mode;
    if (mode !== resolved.mode) assertMode(mode, 'mode');
    const budgetScope = o.budgetScope ?? 'default';
    if (budgetScope !== 'default') assertBudgetScope(budgetScope);
    if (o.maxEvilLevel !== undefined) assertRiskLimit(o.maxEvilLevel, 'maxEvilLevel');
    if (o.maxScore !== undefined) assertRiskLimit(o.maxScore, 'maxScore');
    const extra = o.requestFields === undefined ? defaultExtra : requestFieldsJson({ ...resolved.requestFields, ...normaliseRequestFields(o.requestFields, 'requestFields') });
    return { mode, budgetScope, maxEvilLevel: o.maxEvilLevel ?? resolved.maxEvilLevel, maxScore: o.maxScore ?? resolved.maxScore, extra };
  };
}

const BUDGET_SCOPE = /^[\x21-\x7e]{1,128}$/;

/** Validates a per-call budget scope (it becomes part of store keys). */
function assertBudgetScope(value: unknown): asserts value is string {
  if (typeof value !== 'string' || !BUDGET_SCOPE.test(value)) {
    throw new CaptchaConfigError('invalid_option', 'budgetScope', 'budgetScope must be 1 to 128 printable ASCII characters without spaces.');
  }
}
