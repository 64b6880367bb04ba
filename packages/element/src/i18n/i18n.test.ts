import { describe, expect, it } from 'vitest';
import { registerTranslation, stringsFor } from './index.js';
import { en } from './en.js';
import { zhCN } from './zh-cn.js';

describe('stringsFor()', () => {
  it('matches case-insensitively, then the base language, then English', () => {
    expect(stringsFor('zh-CN')).toBe(zhCN);
    expect(stringsFor('ZH-tw')).toBe(zhCN);
    expect(stringsFor('en-GB')).toBe(en);
    expect(stringsFor('sw')).toBe(en);
  });

  it('has every string in both shipped languages', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const value of [...Object.values(en), ...Object.values(zhCN)]) expect(value).not.toBe('');
  });

  it('uses registered translations', () => {
    const de = { ...en, trigger: 'Bestätigen Sie, dass Sie ein Mensch sind' };
    registerTranslation('de', de);
    expect(stringsFor('de-AT')).toEqual(de);
  });

  it('fills strings a registered translation lacks (added in later versions) from English', () => {
    const { expired: _expired, fallbackUnavailable: _unavailable, ...older } = { ...en, trigger: 'Vérifier' };
    registerTranslation('fr', older);
    expect(stringsFor('fr')).toMatchObject({ trigger: 'Vérifier', expired: en.expired, fallbackUnavailable: en.fallbackUnavailable });
  });
});
