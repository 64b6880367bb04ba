import type { TencentCaptchaStrings } from '../types.js';

/** Español (España) (es). */
export default {
  trigger: 'Verifica que eres humano',
  triggerVerified: 'Verificado',
  triggerRetry: 'Volver a intentarlo',
  required: 'Completa el captcha.',
  loading: 'Cargando el captcha…',
  verifying: 'Resuelve el reto del captcha.',
  verified: 'Verificación completada.',
  fallback: 'No se ha podido cargar el captcha. Puedes continuar.',
  closed: 'Se ha cerrado el captcha.',
  error: 'El captcha no está configurado.',
  expired: 'La verificación ha caducado. Vuelve a verificar.',
  fallbackUnavailable: 'No se ha podido cargar el captcha. Inténtalo de nuevo más tarde.',
} satisfies Required<TencentCaptchaStrings>;
