import type { TencentCaptchaStrings } from '../types.js';

/** Čeština (cs-cz). */
export default {
  trigger: 'Ověřte, že jste člověk',
  triggerVerified: 'Ověřeno',
  triggerRetry: 'Zkusit znovu',
  required: 'Dokončete ověření CAPTCHA.',
  loading: 'Načítání CAPTCHA…',
  verifying: 'Vyřešte úlohu CAPTCHA.',
  verified: 'Ověření dokončeno.',
  fallback: 'CAPTCHA se nepodařilo načíst. Můžete pokračovat.',
  closed: 'CAPTCHA byla zavřena.',
  error: 'CAPTCHA není nakonfigurována.',
  expired: 'Platnost ověření vypršela. Ověřte se znovu.',
  fallbackUnavailable: 'CAPTCHA se nepodařilo načíst. Zkuste to prosím později.',
} satisfies Required<TencentCaptchaStrings>;
