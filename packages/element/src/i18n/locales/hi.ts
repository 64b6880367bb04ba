import type { TencentCaptchaStrings } from '../types.js';

/** हिन्दी (hi). */
export default {
  trigger: 'पुष्टि करें कि आप इंसान हैं',
  triggerVerified: 'सत्यापित',
  triggerRetry: 'फिर से कोशिश करें',
  required: 'कृपया कैप्चा पूरा करें।',
  loading: 'कैप्चा लोड हो रहा है…',
  verifying: 'कैप्चा चुनौती पूरी करें।',
  verified: 'सत्यापन पूरा हुआ।',
  fallback: 'कैप्चा लोड नहीं हो सका। आप जारी रख सकते हैं।',
  closed: 'कैप्चा बंद कर दिया गया।',
  error: 'कैप्चा कॉन्फ़िगर नहीं है।',
  expired: 'सत्यापन की अवधि समाप्त हो गई। कृपया फिर से सत्यापित करें।',
  fallbackUnavailable: 'कैप्चा लोड नहीं हो सका। कृपया बाद में फिर से कोशिश करें।',
} satisfies Required<TencentCaptchaStrings>;
