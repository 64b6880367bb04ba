import type { TencentCaptchaStrings } from '../types.js';

/** עברית (he). */
export default {
  trigger: 'אימות שאינך רובוט',
  triggerVerified: 'אומת',
  triggerRetry: 'ניסיון חוזר',
  required: 'יש להשלים את בדיקת האימות.',
  loading: 'בדיקת האימות נטענת…',
  verifying: 'יש לפתור את בדיקת האימות.',
  verified: 'האימות הושלם.',
  fallback: 'לא ניתן היה לטעון את בדיקת האימות. אפשר להמשיך.',
  closed: 'בדיקת האימות נסגרה.',
  error: 'בדיקת האימות לא הוגדרה.',
  expired: 'תוקף האימות פג. יש לאמת שוב.',
  fallbackUnavailable: 'לא ניתן היה לטעון את בדיקת האימות. יש לנסות שוב מאוחר יותר.',
} satisfies Required<TencentCaptchaStrings>;
