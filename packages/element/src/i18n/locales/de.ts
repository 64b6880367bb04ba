import type { TencentCaptchaStrings } from '../types.js';

/** Deutsch (de). */
export default {
  trigger: 'Bestätigen Sie, dass Sie ein Mensch sind',
  triggerVerified: 'Bestätigt',
  triggerRetry: 'Erneut versuchen',
  required: 'Bitte lösen Sie das Captcha.',
  loading: 'Captcha wird geladen…',
  verifying: 'Bitte lösen Sie die Captcha-Aufgabe.',
  verified: 'Bestätigung abgeschlossen.',
  fallback: 'Das Captcha konnte nicht geladen werden. Sie können fortfahren.',
  closed: 'Das Captcha wurde geschlossen.',
  error: 'Das Captcha ist nicht konfiguriert.',
  expired: 'Die Bestätigung ist abgelaufen. Bitte bestätigen Sie erneut.',
  fallbackUnavailable: 'Das Captcha konnte nicht geladen werden. Bitte versuchen Sie es später erneut.',
} satisfies Required<TencentCaptchaStrings>;
