// Localized strings of the emulated challenge (Simplified Chinese, Traditional Chinese, English).

/** Every string the challenge shows or announces. */
export interface ChallengeStrings {
  title: string;
  instruction: string;
  slider: string;
  target: (position: number) => string;
  verify: string;
  close: string;
  refresh: string;
  help: string;
  loading: string;
  verifying: string;
  success: string;
  failure: string;
  networkError: string;
  trigger: string;
}

const zhCn: ChallengeStrings = {
  title: '安全验证',
  instruction: '拖动下方滑块，使拼图块对准缺口',
  slider: '滑块位置',
  target: (n) => `缺口位置：${n}`,
  verify: '验证',
  close: '关闭验证',
  refresh: '换一张',
  help: '帮助反馈',
  loading: '加载中…',
  verifying: '验证中…',
  success: '验证成功',
  failure: '验证未通过，请重试',
  networkError: '网络错误，请重试',
  trigger: '点击完成验证',
};

const zhTw: ChallengeStrings = {
  title: '安全驗證',
  instruction: '拖動下方滑塊，使拼圖塊對準缺口',
  slider: '滑塊位置',
  target: (n) => `缺口位置：${n}`,
  verify: '驗證',
  close: '關閉驗證',
  refresh: '換一張',
  help: '幫助回饋',
  loading: '載入中…',
  verifying: '驗證中…',
  success: '驗證成功',
  failure: '驗證未通過，請重試',
  networkError: '網路錯誤，請重試',
  trigger: '點擊完成驗證',
};

const en: ChallengeStrings = {
  title: 'Security check',
  instruction: 'Move the slider so the piece fills the gap',
  slider: 'Slider position',
  target: (n) => `Gap position: ${n}`,
  verify: 'Verify',
  close: 'Close verification',
  refresh: 'New puzzle',
  help: 'Help',
  loading: 'Loading…',
  verifying: 'Verifying…',
  success: 'Verified',
  failure: 'Not quite, try again',
  networkError: 'Network error, try again',
  trigger: 'Click to verify',
};

/** Picks strings and a `lang` tag: `userLanguage` first, else the browser's language. */
export function pickStrings(userLanguage: string | undefined): { lang: string; strings: ChallengeStrings } {
  const tag = (userLanguage || (typeof navigator === 'undefined' ? '' : navigator.language) || 'zh-cn').toLowerCase();
  if (tag.startsWith('zh')) {
    return /-(tw|hk|mo|hant)/.test(tag) ? { lang: 'zh-Hant', strings: zhTw } : { lang: 'zh-CN', strings: zhCn };
  }
  return { lang: 'en', strings: en };
}
