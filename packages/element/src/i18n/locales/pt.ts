import type { TencentCaptchaStrings } from '../types.js';

/** Português (Brasil) (pt). */
export default {
  trigger: 'Confirme que você é humano',
  triggerVerified: 'Verificado',
  triggerRetry: 'Tentar novamente',
  required: 'Conclua o captcha.',
  loading: 'Carregando o captcha…',
  verifying: 'Resolva o desafio do captcha.',
  verified: 'Verificação concluída.',
  fallback: 'Não foi possível carregar o captcha. Você pode continuar.',
  closed: 'O captcha foi fechado.',
  error: 'O captcha não está configurado.',
  expired: 'A verificação expirou. Verifique novamente.',
  fallbackUnavailable: 'Não foi possível carregar o captcha. Tente novamente mais tarde.',
} satisfies Required<TencentCaptchaStrings>;
