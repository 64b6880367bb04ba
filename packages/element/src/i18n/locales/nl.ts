import type { TencentCaptchaStrings } from '../types.js';

/** Nederlands (nl). */
export default {
  trigger: 'Bevestig dat je een mens bent',
  triggerVerified: 'Geverifieerd',
  triggerRetry: 'Opnieuw proberen',
  required: 'Voltooi de captcha.',
  loading: 'Captcha laden…',
  verifying: 'Los de captcha-uitdaging op.',
  verified: 'Verificatie voltooid.',
  fallback: 'De captcha kon niet worden geladen. Je kunt doorgaan.',
  closed: 'De captcha is gesloten.',
  error: 'De captcha is niet geconfigureerd.',
  expired: 'De verificatie is verlopen. Verifieer opnieuw.',
  fallbackUnavailable: 'De captcha kon niet worden geladen. Probeer het later opnieuw.',
} satisfies Required<TencentCaptchaStrings>;
