import type { TencentCaptchaStrings } from '../types.js';

/** Русский (ru). */
export default {
  trigger: 'Подтвердите, что вы человек',
  triggerVerified: 'Проверка пройдена',
  triggerRetry: 'Повторить',
  required: 'Пройдите проверку CAPTCHA.',
  loading: 'Загрузка проверки…',
  verifying: 'Выполните задание проверки.',
  verified: 'Проверка пройдена.',
  fallback: 'Не удалось загрузить проверку. Можно продолжить.',
  closed: 'Проверка закрыта.',
  error: 'Проверка не настроена.',
  expired: 'Срок проверки истёк. Пройдите её снова.',
  fallbackUnavailable: 'Не удалось загрузить проверку. Повторите попытку позже.',
} satisfies Required<TencentCaptchaStrings>;
