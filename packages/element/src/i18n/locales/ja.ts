import type { TencentCaptchaStrings } from '../types.js';

/** 日本語 (ja). */
export default {
  trigger: 'ロボットでないことを確認',
  triggerVerified: '確認済み',
  triggerRetry: 'もう一度試す',
  required: '認証を完了してください。',
  loading: '認証を読み込んでいます…',
  verifying: '表示された認証を完了してください。',
  verified: '認証が完了しました。',
  fallback: '認証を読み込めませんでした。このまま続行できます。',
  closed: '認証が閉じられました。',
  error: '認証が正しく設定されていません。',
  expired: '認証の有効期限が切れました。もう一度認証してください。',
  fallbackUnavailable: '認証を読み込めませんでした。しばらくしてからもう一度お試しください。',
} satisfies Required<TencentCaptchaStrings>;
