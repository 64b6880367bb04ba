import type { TencentCaptchaStrings } from '../types.js';

/** Español (Latinoamérica) (es-la). */
export default {
  trigger: 'Verifica que eres humano',
  triggerVerified: 'Verificado',
  triggerRetry: 'Intentar de nuevo',
  required: 'Completa el captcha.',
  loading: 'Cargando el captcha…',
  verifying: 'Resuelve el desafío del captcha.',
  verified: 'Verificación completa.',
  fallback: 'No se pudo cargar el captcha. Puedes continuar.',
  closed: 'Se cerró el captcha.',
  error: 'El captcha no está configurado.',
  expired: 'La verificación expiró. Verifica de nuevo.',
  fallbackUnavailable: 'No se pudo cargar el captcha. Vuelve a intentarlo más tarde.',
} satisfies Required<TencentCaptchaStrings>;
