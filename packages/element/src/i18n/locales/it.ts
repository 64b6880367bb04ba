import type { TencentCaptchaStrings } from '../types.js';

/** Italiano (it). */
export default {
  trigger: 'Verifica di essere umano',
  triggerVerified: 'Verificato',
  triggerRetry: 'Riprova',
  required: 'Completa il captcha.',
  loading: 'Caricamento del captcha…',
  verifying: 'Risolvi la verifica captcha.',
  verified: 'Verifica completata.',
  fallback: 'Impossibile caricare il captcha. Puoi continuare.',
  closed: 'Il captcha è stato chiuso.',
  error: 'Il captcha non è configurato.',
  expired: 'La verifica è scaduta. Verifica di nuovo.',
  fallbackUnavailable: 'Impossibile caricare il captcha. Riprova più tardi.',
} satisfies Required<TencentCaptchaStrings>;
