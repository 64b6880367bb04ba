import type { VerifyRequestFields } from '../types/verdict.js';
import { CaptchaConfigError } from './errors.js';
import { group, integer } from './validate.js';
/**
 * The optional `DescribeCaptchaResult` fields (`requestFields`), verifier-wide or per call.
 */

export const DEVICE_ID = /^[\x21-\x7e]{1,128}$/;
/**
 * Validates optional `DescribeCaptchaResult` fields (verifier options or per call). Throws
 * {@link CaptchaConfigError} naming the field; never echoes the value.
 */
export function normaliseRequestFields(value: unknown, option: string): VerifyRequestFields {
  const g = group(value, option);
  const known = ['businessId', 'sceneId', 'macAddress', 'imei', 'needGetCaptchaTime'];
  for (const key of Object.keys(g)) {
    if (!known.includes(key)) throw new CaptchaConfigError('invalid_option', `${option}.${key}`, `${option}.${key} is not a DescribeCaptchaResult field (${known.join(', ')}).`);
  }
  const out: VerifyRequestFields = {};
  if (g.businessId !== undefined) out.businessId = integer(g.businessId, `${option}.businessId`, 0, 0, 4_294_967_295);
  if (g.sceneId !== undefined) out.sceneId = integer(g.sceneId, `${option}.sceneId`, 0, 0, 4_294_967_295);
  for (const key of ['macAddress', 'imei'] as const) {
    const v = g[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !DEVICE_ID.test(v)) {
      throw new CaptchaConfigError('invalid_option', `${option}.${key}`, `${option}.${key} must be 1 to 128 printable ASCII characters without spaces.`);
    }
    out[key] = v;
  }
  if (g.needGetCaptchaTime !== undefined) {
    if (typeof g.needGetCaptchaTime !== 'boolean') {
      throw new CaptchaConfigError('invalid_option', `${option}.needGetCaptchaTime`, `${option}.needGetCaptchaTime must be a boolean.`);
    }
    out.needGetCaptchaTime = g.needGetCaptchaTime;
  }
  return out;
}
