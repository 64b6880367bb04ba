import type { TencentCaptchaStrings } from '../types.js';

/** Română (ro-ro). */
export default {
  trigger: 'Confirmați că sunteți om',
  triggerVerified: 'Verificat',
  triggerRetry: 'Încercați din nou',
  required: 'Completați verificarea CAPTCHA.',
  loading: 'Se încarcă CAPTCHA…',
  verifying: 'Rezolvați testul CAPTCHA.',
  verified: 'Verificare finalizată.',
  fallback: 'CAPTCHA nu a putut fi încărcat. Puteți continua.',
  closed: 'CAPTCHA a fost închis.',
  error: 'CAPTCHA nu este configurat.',
  expired: 'Verificarea a expirat. Verificați din nou.',
  fallbackUnavailable: 'CAPTCHA nu a putut fi încărcat. Încercați din nou mai târziu.',
} satisfies Required<TencentCaptchaStrings>;
