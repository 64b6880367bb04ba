import { describe, expect, it, vi } from 'vitest';
import { isRtl, observeLang, registerTranslation, stringsFor } from './index.js';
import { importLocale } from './load-locale.js';
import { en } from './en.js';
import { toUserLanguage } from './user-language.js';
import zhCN from './locales/zh-cn.js';

vi.mock('./load-locale.js', async (actual) => ({ importLocale: vi.fn((await actual<typeof import('./load-locale.js')>()).importLocale) }));

/** Resolves after the next notification (a table arrived). */
const arrival = () => new Promise<void>((resolve) => {
  const stop = observeLang(() => {
    stop();
    resolve();
  });
});

// observeLang() watches <html lang> through a MutationObserver; Node has neither.
vi.stubGlobal('MutationObserver', class { observe() {} });
vi.stubGlobal('document', { documentElement: {} });

describe('stringsFor()', () => {
  it('answers English at once, then the shipped table once its module arrived', async () => {
    const arrived = arrival();
    expect(stringsFor('zh-CN')).toEqual(en);
    expect(stringsFor('zh-Hans')).toEqual(en);
    await arrived;
    expect(importLocale).toHaveBeenCalledOnce();
    expect(importLocale).toHaveBeenCalledWith('zh-cn');
    expect(stringsFor('zh-CN')).toEqual(zhCN);
    expect(stringsFor('zh')).toEqual(zhCN);
    expect(stringsFor('zh-Hans-SG')).toEqual(zhCN);
  });

  it('is English for English and for languages Tencent does not offer', () => {
    expect(stringsFor('en-GB')).toEqual(en);
    expect(stringsFor('en-IN')).toEqual(en);
    expect(stringsFor('sw')).toEqual(en);
  });

  it('uses registered translations, by exact tag, Tencent tag or base language', () => {
    const de = { ...en, trigger: 'Prüfen' };
    registerTranslation('de', de);
    expect(stringsFor('de-AT')).toEqual(de);
    registerTranslation('sw', { trigger: 'Thibitisha' });
    expect(stringsFor('sw-KE')).toEqual({ ...en, trigger: 'Thibitisha' });
  });

  it('a partial registration overrides the shipped table, which fills the rest', async () => {
    registerTranslation('zh-cn', { trigger: '开始验证' });
    expect(stringsFor('zh-CN')).toEqual({ ...zhCN, trigger: '开始验证' });
  });

  it('needs no download for a complete registration', () => {
    registerTranslation('lo', { ...en, trigger: 'ຢືນຢັນ' });
    expect(stringsFor('lo-LA').trigger).toBe('ຢືນຢັນ');
    expect(importLocale).not.toHaveBeenCalledWith('lo');
  });
});

describe('a module that does not load', () => {
  it('leaves English, warns once and does not ask again', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.mocked(importLocale).mockRejectedValueOnce(new TypeError('Failed to fetch dynamically imported module'));
    expect(stringsFor('vi')).toEqual(en);
    await vi.waitFor(() => expect(warn).toHaveBeenCalledOnce());
    expect(stringsFor('vi-VN')).toEqual(en);
    expect(vi.mocked(importLocale).mock.calls.filter(([tag]) => tag === 'vi')).toHaveLength(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('"vi"');
    warn.mockRestore();
  });
});

describe('isRtl()', () => {
  it('is true for scripts written right to left', () => {
    for (const lang of ['ar', 'ar-EG', 'he', 'HE-il', 'ur', 'ur-PK', 'fa']) expect(isRtl(lang), lang).toBe(true);
    for (const lang of ['en', 'arn', 'zh-tw', 'hi', 'my']) expect(isRtl(lang), lang).toBe(false);
  });
});

describe('toUserLanguage()', () => {
  it('maps Spanish outside Spain to Tencent\'s Latin American Spanish', () => {
    expect(toUserLanguage('es-MX')).toBe('es-la');
    expect(toUserLanguage('es-419')).toBe('es-la');
    expect(toUserLanguage('es-ES')).toBe('es');
    expect(toUserLanguage('es')).toBe('es');
  });
});
