import type { TencentCaptchaStrings } from '../types.js';

/** العربية (ar). */
export default {
  trigger: 'تحقّق من أنك إنسان',
  triggerVerified: 'تم التحقق',
  triggerRetry: 'إعادة المحاولة',
  required: 'يُرجى إكمال اختبار التحقق.',
  loading: 'جارٍ تحميل اختبار التحقق…',
  verifying: 'أكمل اختبار التحقق.',
  verified: 'اكتمل التحقق.',
  fallback: 'تعذّر تحميل اختبار التحقق. يمكنك المتابعة.',
  closed: 'تم إغلاق اختبار التحقق.',
  error: 'لم يتم إعداد اختبار التحقق.',
  expired: 'انتهت صلاحية التحقق. يُرجى التحقق مرة أخرى.',
  fallbackUnavailable: 'تعذّر تحميل اختبار التحقق. يُرجى المحاولة لاحقًا.',
} satisfies Required<TencentCaptchaStrings>;
