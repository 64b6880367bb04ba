import type { TencentCaptchaStrings } from './types.js';

/** English. */
export const en: TencentCaptchaStrings = {
  verify: 'Verify you are human',
  verified: 'Verified',
  retry: 'Try again',
  loading: 'Loading the captcha…',
  verifying: 'Complete the captcha challenge.',
  verifiedStatus: 'Verification complete.',
  fallback: 'The captcha could not load. You can continue.',
  closed: 'The captcha was closed.',
  error: 'The captcha is not configured.',
  required: 'Please complete the captcha.',
};
