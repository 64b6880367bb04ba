import { describe, expect, it } from 'vitest';
import { USER_LANGUAGES } from '@tencent-captcha/protocol';
import { en } from './en.js';
import type { TencentCaptchaStrings } from './types.js';

type Strings = Required<TencentCaptchaStrings>;
/** Tencent's languages that have a module of their own: all but English (built in; `en-in` uses it). */
const TAGS = USER_LANGUAGES.filter((tag) => !tag.startsWith('en'));
const tables = new Map<string, Strings>();
for (const tag of TAGS) tables.set(tag, ((await import(`./locales/${tag}.ts`)) as { default: Strings }).default);
const table = (tag: string): Strings => tables.get(tag)!;

const words = (text: string) => text.toLowerCase().match(/[a-z]+/g) ?? [];
/** Consecutive words: "could not", "try again", … ("captcha", a name, pairs with anything: Dutch "captcha is"). */
const pairs = (text: string) => words(text).slice(1).map((word, i) => `${words(text)[i]} ${word}`).filter((pair) => !pair.includes('captcha'));
/** Pairs of consecutive English words in the English strings. */
const englishPairs = new Set(Object.values(en).flatMap(pairs));
/** Languages in a non-Latin script: no Latin letters at all, except the name CAPTCHA. */
const NON_LATIN = ['zh-cn', 'zh-tw', 'zh-hk', 'ja', 'ko', 'ar', 'he', 'ur', 'hi', 'th', 'lo', 'my', 'ru', 'uk-ua'];

describe('the shipped languages', () => {
  it('cover all 32 of Tencent\'s userLanguage values (English built in)', () => {
    expect(USER_LANGUAGES).toHaveLength(32);
    expect(TAGS).toHaveLength(30);
  });

  it.each(TAGS)('%s has every key, each a non-empty string', (tag) => {
    expect(Object.keys(table(tag)).sort()).toEqual(Object.keys(en).sort());
    for (const value of Object.values(table(tag))) {
      expect(value).toBeTypeOf('string');
      expect(value.trim()).toBe(value);
      expect(value).not.toBe('');
    }
  });

  it.each(TAGS)('%s has no English left (proper names aside)', (tag) => {
    for (const [key, value] of Object.entries(table(tag))) {
      expect(value, key).not.toBe(en[key as keyof Strings]);
      expect(pairs(value).filter((pair) => englishPairs.has(pair)), `${tag}.${key}: ${value}`).toEqual([]);
      if (NON_LATIN.includes(tag)) expect(value.replaceAll('CAPTCHA', ''), `${tag}.${key}`).not.toMatch(/[A-Za-z]/);
    }
  });

  it.each(TAGS)('%s: the idle trigger is the longest button label (the layout check measures it)', (tag) => {
    const { trigger, triggerVerified, triggerRetry } = table(tag);
    expect(trigger.length).toBeGreaterThanOrEqual(Math.max(triggerVerified.length, triggerRetry.length));
  });

  it('zh-tw and zh-hk are Traditional Chinese: they differ from zh-cn and use no Simplified-only characters', () => {
    const simplified = /[验证码载请关闭过败后试击进机时这您户页]/;
    for (const tag of ['zh-tw', 'zh-hk']) {
      for (const [key, value] of Object.entries(table(tag))) {
        expect(value, `${tag}.${key}`).not.toMatch(/[验证码载请关过败后试击进机时这户页]/);
        expect(value, `${tag}.${key}`).not.toBe(table('zh-cn')[key as keyof Strings]);
      }
    }
    expect(Object.values(table('zh-cn')).join('')).toMatch(simplified);
    // Taiwan and Hong Kong word things their own way.
    expect(table('zh-hk').trigger).not.toBe(table('zh-tw').trigger);
  });
});
