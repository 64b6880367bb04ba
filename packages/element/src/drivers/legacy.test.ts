import { describe, expect, it } from 'vitest';
import { LEGACY_LAYOUT } from '@tencent-captcha/protocol';
import { classifyLegacyResult, legacyLayout, toLegacyLang } from './legacy.js';

describe('legacyLayout()', () => {
  it('gives the PC trigger box at least 362×40, sized from the start', () => {
    expect(LEGACY_LAYOUT.pcTrigger).toEqual({ width: 362, height: 40 });
    expect(legacyLayout('popup', false)).toMatchObject({ width: '362px', height: '40px', minWidth: '362px', minHeight: '40px' });
  });

  it('gives the PC embed box at least 300×270', () => {
    expect(legacyLayout('embed', false)).toMatchObject({ width: '300px', height: '270px', minWidth: '300px', minHeight: '270px' });
  });

  it('goes full screen on mobile, whatever the type', () => {
    for (const type of ['popup', 'embed'] as const) {
      expect(legacyLayout(type, true)).toMatchObject({ position: 'fixed', inset: '0' });
    }
  });
});

describe('toLegacyLang()', () => {
  it.each([
    ['zh-CN', 2052], ['zh', 2052], ['zh-TW', 1028], ['zh-Hant-HK', 1028], ['en', 1033], ['fr', 1033],
  ] as const)('maps %s to %i', (tag, code) => {
    expect(toLegacyLang(tag)).toBe(code);
  });
});

describe('classifyLegacyResult()', () => {
  const config = { appId: '199999164', bizState: undefined };

  it('reads ret 0 with a ticket as verified, with an empty randstr', () => {
    expect(classifyLegacyResult({ ret: 0, ticket: 't03xyz' }, config)).toEqual({
      status: 'verified', ticket: 't03xyz', randstr: '', appId: '199999164', driver: 'legacy',
    });
  });

  it('reads ret 1 (no ticket) as closed', () => {
    expect(classifyLegacyResult({ ret: 1 }, config)).toEqual({ status: 'closed', ret: 1, appId: '199999164', driver: 'legacy' });
  });
});
