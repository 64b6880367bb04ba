import type { TencentCaptchaStrings } from '../types.js';

/** မြန်မာ (my). */
export default {
  trigger: 'လူသားဖြစ်ကြောင်း အတည်ပြုပါ',
  triggerVerified: 'အတည်ပြုပြီး',
  triggerRetry: 'ထပ်ကြိုးစားပါ',
  required: 'အတည်ပြုခြင်းကို ပြီးအောင်လုပ်ပါ။',
  loading: 'အတည်ပြုချက်ကို ဖွင့်နေသည်…',
  verifying: 'အတည်ပြုစစ်ဆေးမှုကို ဖြေဆိုပါ။',
  verified: 'အတည်ပြုခြင်း ပြီးပါပြီ။',
  fallback: 'အတည်ပြုချက်ကို ဖွင့်၍မရပါ။ ဆက်လုပ်နိုင်ပါသည်။',
  closed: 'အတည်ပြုချက်ကို ပိတ်လိုက်ပါပြီ။',
  error: 'အတည်ပြုချက်ကို စနစ်ထည့်သွင်းမထားပါ။',
  expired: 'အတည်ပြုချက် သက်တမ်းကုန်သွားပါပြီ။ ထပ်မံအတည်ပြုပါ။',
  fallbackUnavailable: 'အတည်ပြုချက်ကို ဖွင့်၍မရပါ။ နောက်မှ ထပ်ကြိုးစားပါ။',
} satisfies Required<TencentCaptchaStrings>;
