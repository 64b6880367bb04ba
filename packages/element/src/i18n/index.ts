/**
 * Localized strings and language resolution. The element's language comes from its own `lang`
 * attribute, else the nearest ancestor's (across shadow roots), else `<html lang>`, else the browser.
 * English is built in; each of Tencent's other languages is a module of its own (`./locales/<tag>.js`),
 * imported the first time an element needs it. Until it arrives the element shows English, then
 * re-renders.
 */
import { en } from './en.js';
import { importLocale } from './load-locale.js';
import { toUserLanguage } from './user-language.js';
import type { TencentCaptchaStrings } from './types.js';

export type { TencentCaptchaStrings } from './types.js';

type Strings = Required<TencentCaptchaStrings>;

/** Shipped tables by Tencent tag: the strings, or `null` while loading (and after a failed load). */
const shipped = new Map<string, Strings | null>();
/** `registerTranslation()` calls by lower-case tag. */
const registered = new Map<string, Partial<TencentCaptchaStrings>>();
const listeners = new Set<() => void>();
const notify = (): void => {
  for (const listener of listeners) listener();
};

/**
 * Adds strings for a language tag, or overrides some of a shipped language's:
 * `registerTranslation('ja', { trigger: '…' })`. Tags match case-insensitively: the exact tag, then
 * Tencent's tag for it (`zh-Hant-TW` → `zh-tw`), then the base language (`de-AT` → `de`). Strings a
 * registration lacks come from the shipped language, else English. Connected elements re-render.
 */
export function registerTranslation(lang: string, strings: Partial<TencentCaptchaStrings>): void {
  registered.set(lang.toLowerCase(), strings);
  notify();
}

/** The strings for a language tag; starts loading the shipped table the first time it is needed. */
export function stringsFor(lang: string): Strings {
  const tag = lang.toLowerCase();
  const code = toUserLanguage(tag) ?? '';
  const own = registered.get(tag) ?? registered.get(code) ?? registered.get(tag.split('-')[0] ?? '');
  let table: Strings | null | undefined;
  // English is built in; a registration with every string needs no download.
  if (code && !code.startsWith('en') && !(own && Object.keys(en).every((key) => key in own))) {
    table = shipped.get(code);
    if (table === undefined) {
      shipped.set(code, null);
      importLocale(code).then(
        (module) => {
          shipped.set(code, module.default);
          notify();
        },
        (error: unknown) => console.warn(`<tencent-captcha>: the "${code}" strings did not load, English stays.`, error),
      );
    }
  }
  return { ...en, ...table, ...own };
}

/** Whether `lang` is written right to left (Arabic, Hebrew, Urdu, Persian, …). */
export const isRtl = (lang: string): boolean => /^(ar|he|iw|fa|ur|ps|yi|ckb|dv|sd|ug)\b/i.test(lang);

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
let observer: MutationObserver | undefined;

/** Calls `listener` when `<html lang>` changes, a language's strings arrive or are registered; returns the unsubscribe. */
export function observeLang(listener: () => void): () => void {
  if (!observer) {
    observer = new MutationObserver(notify);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}
