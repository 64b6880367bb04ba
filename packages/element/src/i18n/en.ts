import type { TencentCaptchaStrings } from './types.js';

/** English. */
export const en: Required<TencentCaptchaStrings> = {
  trigger: 'Verify you are human',
  triggerVerified: 'Verified',
  triggerRetry: 'Try again',
  required: 'Please complete the captcha.',
  loading: 'Loading the captcha…',
  verifying: 'Complete the captcha challenge.',
  verified: 'Verification complete.',
  fallback: 'The captcha could not load. You can continue.',
  closed: 'The captcha was closed.',
  error: 'The captcha is not configured.',
  expired: 'The verification expired. Please verify again.',
  fallbackUnavailable: 'The captcha could not load. Please try again later.',
};
