import type { TencentCaptchaStrings } from '../types.js';

/** اردو (ur). */
export default {
  trigger: 'تصدیق کریں کہ آپ انسان ہیں',
  triggerVerified: 'تصدیق ہو گئی',
  triggerRetry: 'دوبارہ کوشش کریں',
  required: 'براہِ کرم تصدیق مکمل کریں۔',
  loading: 'تصدیق لوڈ ہو رہی ہے…',
  verifying: 'تصدیقی چیلنج مکمل کریں۔',
  verified: 'تصدیق مکمل ہو گئی۔',
  fallback: 'تصدیق لوڈ نہیں ہو سکی۔ آپ جاری رکھ سکتے ہیں۔',
  closed: 'تصدیق بند کر دی گئی۔',
  error: 'تصدیق کنفیگر نہیں کی گئی۔',
  expired: 'تصدیق کی میعاد ختم ہو گئی۔ براہِ کرم دوبارہ تصدیق کریں۔',
  fallbackUnavailable: 'تصدیق لوڈ نہیں ہو سکی۔ براہِ کرم بعد میں دوبارہ کوشش کریں۔',
} satisfies Required<TencentCaptchaStrings>;
