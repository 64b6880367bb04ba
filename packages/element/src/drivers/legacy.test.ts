import { describe, expect, it } from 'vitest';
import { LEGACY_LAYOUT } from '@tencent-captcha/protocol';
import { classifyLegacyResult, toLegacyLang } from './legacy.js';
import { legacyLayout } from './legacy-layout.js';

describe('legacyLayout()', () => {
  it('gives the PC trigger box at least 362×40, sized from the start', () => {
    expect(LEGACY_LAYOUT.pcTrigger).toEqual({ width: 362, height: 40 });
    expect(legacyLayout('popup')).toMatchObject({ width: '362px', height: '40px', minWidth: '362px', minHeight: '40px' });
  });

  it('gives the PC embed box at least 300×270', () => {
    expect(legacyLayout('embed')).toMatchObject({ width: '300px', height: '270px', minWidth: '300px', minHeight: '270px' });
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

  it('passes the callback\'s randstr through (seed 003: { ret, ticket, randstr })', () => {
    expect(classifyLegacyResult({ ret: 0, ticket: 't03xyz', randstr: '@AbC123' }, config)).toEqual({
      status: 'verified', ticket: 't03xyz', randstr: '@AbC123', appId: '199999164', driver: 'legacy',
    });
  });

  it('takes capGetTicket()\'s randstr when the callback has none, but only for the same ticket', () => {
    expect(classifyLegacyResult({ ret: 0, ticket: 't03xyz' }, config, { ret: 0, ticket: 't03xyz', randstr: '@fromGet' })).toMatchObject({ randstr: '@fromGet' });
    expect(classifyLegacyResult({ ret: 0, ticket: 't03xyz' }, config, { ret: 0, randstr: '@noTicket' })).toMatchObject({ randstr: '@noTicket' });
    expect(classifyLegacyResult({ ret: 0, ticket: 't03xyz' }, config, { ret: 0, ticket: 't03other', randstr: '@other' })).toMatchObject({ randstr: '' });
    // The callback's own randstr wins.
    expect(classifyLegacyResult({ ret: 0, ticket: 't03xyz', randstr: '@cb' }, config, { ret: 0, ticket: 't03xyz', randstr: '@get' })).toMatchObject({ randstr: '@cb' });
  });

  it('takes capGetTicket()\'s ticket when a ret 0 callback carries none', () => {
    expect(classifyLegacyResult({ ret: 0 }, config, { ret: 0, ticket: 't03get', randstr: '@g' })).toMatchObject({ status: 'verified', ticket: 't03get', randstr: '@g' });
    expect(classifyLegacyResult({ ret: 1 }, config, { ret: 0, ticket: 't03stale' })).toMatchObject({ status: 'closed' });
  });

  it('leaves randstr empty when the legacy SDK gives none (the legacy verifier does not require it)', () => {
    expect(classifyLegacyResult({ ret: 0, ticket: 't03xyz' }, config)).toEqual({
      status: 'verified', ticket: 't03xyz', randstr: '', appId: '199999164', driver: 'legacy',
    });
    expect(classifyLegacyResult({ ret: 0, ticket: 't03xyz', randstr: 42 as never }, config, { ret: 1 })).toMatchObject({ randstr: '' });
  });

  it('reads ret 1 (no ticket) as closed', () => {
    expect(classifyLegacyResult({ ret: 1 }, config)).toEqual({ status: 'closed', ret: 1, appId: '199999164', driver: 'legacy' });
  });
});
