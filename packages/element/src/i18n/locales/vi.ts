import type { TencentCaptchaStrings } from '../types.js';

/** Tiếng Việt (vi). */
export default {
  trigger: 'Xác minh bạn là con người',
  triggerVerified: 'Đã xác minh',
  triggerRetry: 'Thử lại',
  required: 'Vui lòng hoàn tất bước xác minh.',
  loading: 'Đang tải mã xác minh…',
  verifying: 'Hãy hoàn tất thử thách xác minh.',
  verified: 'Xác minh hoàn tất.',
  fallback: 'Không tải được mã xác minh. Bạn có thể tiếp tục.',
  closed: 'Đã đóng mã xác minh.',
  error: 'Mã xác minh chưa được cấu hình.',
  expired: 'Xác minh đã hết hạn. Vui lòng xác minh lại.',
  fallbackUnavailable: 'Không tải được mã xác minh. Vui lòng thử lại sau.',
} satisfies Required<TencentCaptchaStrings>;
