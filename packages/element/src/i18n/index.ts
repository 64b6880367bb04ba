/**
 * Localized strings and language resolution. The element's language comes from its own `lang`
 * attribute, else the nearest ancestor's (across shadow roots), else `<html lang>`, else the browser.
 */
import { en } from './en.js';
import { zhCN } from './zh-cn.js';
import type { TencentCaptchaStrings } from './types.js';

export type { TencentCaptchaStrings } from './types.js';

const translations = new Map<string, Required<TencentCaptchaStrings>>([
  ['en', en],
  ['zh', zhCN],
  ['zh-cn', zhCN],
]);

/**
 * Adds (or replaces) the strings for a language tag, e.g. `registerTranslation('ja', {...})`. Tags
 * match case-insensitively, falling back to the base language (`de-AT` → `de`), then to English.
 */
export function registerTranslation(lang: string, strings: TencentCaptchaStrings): void {
  translations.set(lang.toLowerCase(), { ...en, ...strings });
}

/** The strings for a language tag. */
export function stringsFor(lang: string): Required<TencentCaptchaStrings> {
  const tag = lang.toLowerCase();
  return translations.get(tag) ?? translations.get(tag.split('-')[0] ?? '') ?? en;
}

/** A resolved language: `page` says whether the page declared it (then it is passed on to the SDK). */
export interface ResolvedLang {
  lang: string;
  page: boolean;
}

/** The language of `element`: its `lang`, an ancestor's (across shadow roots), the document's, the browser's. */
export function resolveLang(element: Element): ResolvedLang {
  for (let node: Node | null = element; node; node = node.parentNode ?? (node as ShadowRoot).host ?? null) {
    const lang = (node as Element).getAttribute?.('lang');
    if (lang) return { lang, page: true };
  }
  return { lang: globalThis.navigator?.language || 'en', page: false };
}

// One observer for the page, created on first use: a change of `<html lang>` re-renders every
// connected element. (An ancestor's `lang` is read at each render; changes to it are not watched.)
const listeners = new Set<() => void>();
let observer: MutationObserver | undefined;

/** Calls `listener` when `<html lang>` changes; returns the unsubscribe. */
export function observeLang(listener: () => void): () => void {
  if (!observer) {
    observer = new MutationObserver(() => {
      for (const l of listeners) l();
    });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}
