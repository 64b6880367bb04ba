import type { TencentCaptchaStrings } from '../types.js';

/** Bahasa Indonesia (id). */
export default {
  trigger: 'Verifikasi bahwa Anda manusia',
  triggerVerified: 'Terverifikasi',
  triggerRetry: 'Coba lagi',
  required: 'Selesaikan captcha terlebih dahulu.',
  loading: 'Memuat captcha…',
  verifying: 'Selesaikan tantangan captcha.',
  verified: 'Verifikasi selesai.',
  fallback: 'Captcha tidak dapat dimuat. Anda dapat melanjutkan.',
  closed: 'Captcha ditutup.',
  error: 'Captcha belum dikonfigurasi.',
  expired: 'Verifikasi telah kedaluwarsa. Silakan verifikasi ulang.',
  fallbackUnavailable: 'Captcha tidak dapat dimuat. Silakan coba lagi nanti.',
} satisfies Required<TencentCaptchaStrings>;
