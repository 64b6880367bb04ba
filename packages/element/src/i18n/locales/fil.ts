import type { TencentCaptchaStrings } from '../types.js';

/** Filipino (fil). */
export default {
  trigger: 'Patunayang tao ka',
  triggerVerified: 'Napatunayan na',
  triggerRetry: 'Subukang muli',
  required: 'Pakikumpleto ang captcha.',
  loading: 'Naglo-load ang captcha…',
  verifying: 'Kumpletuhin ang hamon ng captcha.',
  verified: 'Tapos na ang pagpapatunay.',
  fallback: 'Hindi ma-load ang captcha. Maaari kang magpatuloy.',
  closed: 'Isinara ang captcha.',
  error: 'Hindi naka-configure ang captcha.',
  expired: 'Nag-expire na ang pagpapatunay. Pakipatunayang muli.',
  fallbackUnavailable: 'Hindi ma-load ang captcha. Pakisubukang muli mamaya.',
} satisfies Required<TencentCaptchaStrings>;
