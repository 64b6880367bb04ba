import type { TencentCaptchaStrings } from '../types.js';

/** 繁體中文（香港） (zh-hk). */
export default {
  trigger: '按此進行人機驗證',
  triggerVerified: '已通過驗證',
  triggerRetry: '重新驗證',
  required: '請先完成人機驗證。',
  loading: '正在載入驗證碼…',
  verifying: '請完成驗證。',
  verified: '驗證已通過。',
  fallback: '驗證碼暫時未能載入，你可繼續操作。',
  closed: '驗證已關閉。',
  error: '驗證碼設定錯誤。',
  expired: '驗證已過期，請重新驗證。',
  fallbackUnavailable: '驗證碼未能載入，請稍後再試。',
} satisfies Required<TencentCaptchaStrings>;
