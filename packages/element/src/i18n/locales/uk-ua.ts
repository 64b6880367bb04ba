import type { TencentCaptchaStrings } from '../types.js';

/** Українська (uk-ua). */
export default {
  trigger: 'Підтвердьте, що ви людина',
  triggerVerified: 'Перевірку пройдено',
  triggerRetry: 'Спробувати ще раз',
  required: 'Пройдіть перевірку CAPTCHA.',
  loading: 'Завантаження перевірки…',
  verifying: 'Виконайте завдання перевірки.',
  verified: 'Перевірку пройдено.',
  fallback: 'Не вдалося завантажити перевірку. Можна продовжити.',
  closed: 'Перевірку закрито.',
  error: 'Перевірку не налаштовано.',
  expired: 'Термін дії перевірки минув. Пройдіть її знову.',
  fallbackUnavailable: 'Не вдалося завантажити перевірку. Спробуйте пізніше.',
} satisfies Required<TencentCaptchaStrings>;
