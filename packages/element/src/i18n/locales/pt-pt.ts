import type { TencentCaptchaStrings } from '../types.js';

/** Português (Portugal) (pt-pt). */
export default {
  trigger: 'Confirme que é humano',
  triggerVerified: 'Verificado',
  triggerRetry: 'Tentar novamente',
  required: 'Conclua o captcha.',
  loading: 'A carregar o captcha…',
  verifying: 'Resolva o desafio do captcha.',
  verified: 'Verificação concluída.',
  fallback: 'Não foi possível carregar o captcha. Pode continuar.',
  closed: 'O captcha foi fechado.',
  error: 'O captcha não está configurado.',
  expired: 'A verificação expirou. Volte a verificar.',
  fallbackUnavailable: 'Não foi possível carregar o captcha. Tente novamente mais tarde.',
} satisfies Required<TencentCaptchaStrings>;
