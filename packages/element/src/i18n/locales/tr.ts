import type { TencentCaptchaStrings } from '../types.js';

/** Türkçe (tr). */
export default {
  trigger: 'İnsan olduğunuzu doğrulayın',
  triggerVerified: 'Doğrulandı',
  triggerRetry: 'Tekrar dene',
  required: 'Lütfen doğrulamayı tamamlayın.',
  loading: 'Doğrulama yükleniyor…',
  verifying: 'Doğrulama görevini tamamlayın.',
  verified: 'Doğrulama tamamlandı.',
  fallback: 'Doğrulama yüklenemedi. Devam edebilirsiniz.',
  closed: 'Doğrulama kapatıldı.',
  error: 'Doğrulama yapılandırılmamış.',
  expired: 'Doğrulamanın süresi doldu. Lütfen tekrar doğrulayın.',
  fallbackUnavailable: 'Doğrulama yüklenemedi. Lütfen daha sonra tekrar deneyin.',
} satisfies Required<TencentCaptchaStrings>;
