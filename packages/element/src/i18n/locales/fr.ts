import type { TencentCaptchaStrings } from '../types.js';

/** Français (fr). */
export default {
  trigger: 'Vérifiez que vous êtes humain',
  triggerVerified: 'Vérifié',
  triggerRetry: 'Réessayer',
  required: 'Veuillez compléter le captcha.',
  loading: 'Chargement du captcha…',
  verifying: 'Résolvez le défi du captcha.',
  verified: 'Vérification terminée.',
  fallback: 'Le captcha n’a pas pu être chargé. Vous pouvez continuer.',
  closed: 'Le captcha a été fermé.',
  error: 'Le captcha n’est pas configuré.',
  expired: 'La vérification a expiré. Veuillez vérifier à nouveau.',
  fallbackUnavailable: 'Le captcha n’a pas pu être chargé. Veuillez réessayer plus tard.',
} satisfies Required<TencentCaptchaStrings>;
