import type { TencentCaptchaStrings } from '../types.js';

/** Bahasa Melayu (ms). */
export default {
  trigger: 'Sahkan bahawa anda manusia',
  triggerVerified: 'Disahkan',
  triggerRetry: 'Cuba lagi',
  required: 'Sila lengkapkan captcha.',
  loading: 'Memuatkan captcha…',
  verifying: 'Selesaikan cabaran captcha.',
  verified: 'Pengesahan selesai.',
  fallback: 'Captcha tidak dapat dimuatkan. Anda boleh teruskan.',
  closed: 'Captcha telah ditutup.',
  error: 'Captcha belum dikonfigurasikan.',
  expired: 'Pengesahan telah tamat tempoh. Sila sahkan semula.',
  fallbackUnavailable: 'Captcha tidak dapat dimuatkan. Sila cuba lagi kemudian.',
} satisfies Required<TencentCaptchaStrings>;
