import type { TencentCaptchaStrings } from '../types.js';

/** 简体中文 (zh-cn). */
export default {
  trigger: '点击进行人机验证',
  triggerVerified: '验证通过',
  triggerRetry: '重新验证',
  required: '请先完成人机验证。',
  loading: '正在加载验证码…',
  verifying: '请完成验证。',
  verified: '验证已通过。',
  fallback: '验证码暂时无法加载，您可以继续操作。',
  closed: '验证已关闭。',
  error: '验证码配置有误。',
  expired: '验证已过期，请重新验证。',
  fallbackUnavailable: '验证码加载失败，请稍后再试。',
} satisfies Required<TencentCaptchaStrings>;
