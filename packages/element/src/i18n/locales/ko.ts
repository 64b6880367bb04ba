import type { TencentCaptchaStrings } from '../types.js';

/** 한국어 (ko). */
export default {
  trigger: '사람인지 확인',
  triggerVerified: '확인됨',
  triggerRetry: '다시 시도',
  required: '보안 인증을 완료해 주세요.',
  loading: '보안 인증을 불러오는 중…',
  verifying: '화면의 보안 인증을 완료해 주세요.',
  verified: '인증이 완료되었습니다.',
  fallback: '보안 인증을 불러올 수 없습니다. 계속 진행할 수 있습니다.',
  closed: '보안 인증 창을 닫았습니다.',
  error: '보안 인증이 올바르게 설정되지 않았습니다.',
  expired: '인증이 만료되었습니다. 다시 인증해 주세요.',
  fallbackUnavailable: '보안 인증을 불러올 수 없습니다. 잠시 후 다시 시도해 주세요.',
} satisfies Required<TencentCaptchaStrings>;
