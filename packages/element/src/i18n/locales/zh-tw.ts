import type { TencentCaptchaStrings } from '../types.js';

/** 繁體中文（台灣） (zh-tw). */
export default {
  trigger: '點選進行人機驗證',
  triggerVerified: '驗證成功',
  triggerRetry: '重新驗證',
  required: '請先完成人機驗證。',
  loading: '正在載入驗證碼…',
  verifying: '請完成驗證。',
  verified: '已通過驗證。',
  fallback: '驗證碼暫時無法載入，您仍可繼續操作。',
  closed: '驗證已關閉。',
  error: '驗證碼設定有誤。',
  expired: '驗證已失效，請重新驗證。',
  fallbackUnavailable: '驗證碼載入失敗，請稍後再試。',
} satisfies Required<TencentCaptchaStrings>;
