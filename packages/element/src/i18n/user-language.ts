import { USER_LANGUAGES } from '@tencent-captcha/protocol';

const languages: readonly string[] = USER_LANGUAGES;

/**
 * Maps a BCP 47 language tag to one of Tencent's `userLanguage` values (protocol.md §1.5), or
 * `undefined` when Tencent has no such language (the SDK then uses the console's setting). The same
 * value names the element's own strings (`dist/locales/<value>.js`).
 */
export function toUserLanguage(lang: string): string | undefined {
  const tag = lang.trim().toLowerCase().replaceAll('_', '-');
  if (!tag) return undefined;
  if (languages.includes(tag)) return tag;
  const [base = ''] = tag.split('-');
  if (base === 'zh') return /-(hk|mo)\b/.test(tag) ? 'zh-hk' : /-(tw|hant)\b/.test(tag) ? 'zh-tw' : 'zh-cn';
  // Spanish outside Spain (es-419, es-MX, es-AR, es-US, …) is Tencent's Latin American Spanish.
  if (base === 'es') return tag === 'es-es' ? 'es' : 'es-la';
  if (languages.includes(base)) return base;
  return languages.find((l) => l.startsWith(`${base}-`));
}
