import type { TencentCaptchaStrings } from '../types.js';

/** Polski (pl). */
export default {
  trigger: 'Potwierdź, że jesteś człowiekiem',
  triggerVerified: 'Zweryfikowano',
  triggerRetry: 'Spróbuj ponownie',
  required: 'Przejdź weryfikację CAPTCHA.',
  loading: 'Ładowanie CAPTCHA…',
  verifying: 'Rozwiąż zadanie CAPTCHA.',
  verified: 'Weryfikacja zakończona.',
  fallback: 'Nie udało się załadować CAPTCHA. Możesz kontynuować.',
  closed: 'Okno CAPTCHA zostało zamknięte.',
  error: 'CAPTCHA nie jest skonfigurowana.',
  expired: 'Weryfikacja wygasła. Zweryfikuj się ponownie.',
  fallbackUnavailable: 'Nie udało się załadować CAPTCHA. Spróbuj ponownie później.',
} satisfies Required<TencentCaptchaStrings>;
