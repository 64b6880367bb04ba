import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseDisasterTicket, type TencentCaptchaResult } from '@tencent-captcha/protocol';
import { classifyModernResult, createModernDriver, toModernOptions, toUserLanguage } from './modern.js';
import { createFallback, disasterTicketPrefixFor, type DriverConfig } from './driver.js';

const config = { appId: '199999164', bizState: undefined };

describe('classifyModernResult()', () => {
  it('reads a ticket without errorCode as verified, keeping the 2.0 fields', () => {
    const outcome = classifyModernResult(
      { ret: 0, ticket: 'tr03abc', randstr: '@EcL', appid: '199999164', bizState: 'b', sid: 's1', verifyDuration: 12, actionDuration: 900 },
      config,
    );
    expect(outcome).toEqual({
      status: 'verified', ticket: 'tr03abc', randstr: '@EcL', appId: '199999164', bizState: 'b',
      sid: 's1', verifyDuration: 12, actionDuration: 900, driver: 'modern',
    });
  });

  it('reads an errorCode as fallback and passes the SDK own ticket and randstr through, although ret is 0', () => {
    const ticket = 'trerror_1006_199999164_1649302812';
    const outcome = classifyModernResult(
      { ret: 0, ticket, randstr: '@bwvwg7d4e3q', errorCode: 1006, errorMessage: 'get_captcha_config_request_error' },
      config,
    );
    expect(outcome).toMatchObject({
      status: 'fallback', ticket, randstr: '@bwvwg7d4e3q', errorCode: 1006,
      errorMessage: 'get_captcha_config_request_error', reason: 'sdk_error_code', appId: '199999164',
    });
  });

  it('builds a well-formed disaster ticket when the SDK reports an errorCode without a ticket', () => {
    const outcome = classifyModernResult({ ret: 0, ticket: null, errorCode: 1002 }, config);
    expect(outcome.status).toBe('fallback');
    if (outcome.status !== 'fallback') return;
    const parsed = parseDisasterTicket(outcome.ticket);
    expect(parsed).toMatchObject({ ok: true, ticket: { errorCode: 1002, appId: '199999164' } });
    expect(outcome.randstr).toMatch(/^@[0-9a-z]{11}$/);
  });

  it('reads a disaster ticket without errorCode as fallback with the code from the ticket', () => {
    const outcome = classifyModernResult({ ret: 0, ticket: 'terror_1003_199999164_1649302812', randstr: '@x' }, config);
    expect(outcome).toMatchObject({ status: 'fallback', errorCode: 1003, reason: 'sdk_error_code' });
  });

  it('reads no ticket and no errorCode as closed, whatever ret says', () => {
    expect(classifyModernResult({ ret: 2, ticket: null }, config)).toEqual({ status: 'closed', ret: 2, appId: '199999164', driver: 'modern' });
    expect(classifyModernResult({ ret: 0, ticket: '' }, config)).toMatchObject({ status: 'closed', ret: 0 });
  });

  it('uses the configured bizState when the SDK does not echo it', () => {
    expect(classifyModernResult({ ret: 2, ticket: null }, { ...config, bizState: { a: 1 } })).toMatchObject({ bizState: { a: 1 } });
  });
});

describe('toUserLanguage()', () => {
  it.each([
    ['zh-CN', 'zh-cn'], ['zh', 'zh-cn'], ['zh-Hans-CN', 'zh-cn'], ['zh-TW', 'zh-tw'], ['zh-Hant', 'zh-tw'],
    ['zh-HK', 'zh-hk'], ['en', 'en'], ['en-GB', 'en'], ['en-IN', 'en-in'], ['es-419', 'es-la'], ['pt-BR', 'pt'],
    ['pt-PT', 'pt-pt'], ['cs', 'cs-cz'], ['uk', 'uk-ua'], ['ja-JP', 'ja'], ['de_AT', 'de'],
  ])('maps %s to %s', (tag, expected) => {
    expect(toUserLanguage(tag)).toBe(expected);
  });

  it('returns undefined for languages Tencent does not offer', () => {
    expect(toUserLanguage('sw')).toBeUndefined();
    expect(toUserLanguage('')).toBeUndefined();
  });
});

describe('toModernOptions()', () => {
  const base: DriverConfig = {
    appId: '199999164', src: 'x', nonce: undefined, loadTimeout: 1, showTimeout: 1, type: 'popup', lang: undefined, darkMode: false,
    bizState: undefined, aidEncrypted: undefined, options: {}, container: undefined, mobile: false,
  };

  it('passes only what is set', () => {
    expect(toModernOptions(base)).toEqual({ type: 'popup' });
  });

  it('maps the attributes, which win over the options property', () => {
    expect(
      toModernOptions({ ...base, type: 'embed', lang: 'zh-CN', darkMode: 'force', bizState: 'b', aidEncrypted: 'aid', options: { needFeedBack: false, userLanguage: 'ja', type: 'popup' } }),
    ).toEqual({ type: 'embed', userLanguage: 'zh-cn', enableDarkMode: 'force', bizState: 'b', aidEncrypted: 'aid', needFeedBack: false });
  });

  it('keeps options.userLanguage when the page declares no language', () => {
    expect(toModernOptions({ ...base, options: { userLanguage: 'ja' } })).toMatchObject({ userLanguage: 'ja' });
  });
});

describe('disasterTicketPrefixFor()', () => {
  it('uses the prefix of the script loaded: terror_ for TCaptcha.js, trerror_ for TJCaptcha.js, TJNCaptcha-global.js and others', () => {
    expect(disasterTicketPrefixFor('https://turing.captcha.qcloud.com/TCaptcha.js')).toBe('terror_');
    expect(disasterTicketPrefixFor('http://127.0.0.1:1/TCaptcha.js?case=2#x')).toBe('terror_');
    expect(disasterTicketPrefixFor('https://ca.turing.captcha.qcloud.com/TCaptcha-global.js')).toBe('terror_');
    expect(disasterTicketPrefixFor('https://turing.captcha.qcloud.com/TJCaptcha.js')).toBe('trerror_');
    expect(disasterTicketPrefixFor('https://ca.turing.captcha.qcloud.com/TJNCaptcha-global.js')).toBe('trerror_');
    expect(disasterTicketPrefixFor('/captcha-proxy/sdk.js')).toBe('trerror_');
    expect(disasterTicketPrefixFor(undefined)).toBe('trerror_');
  });

  it('is what the element builds its own tickets with', () => {
    const detail = createFallback('modern', { appId: '199999164', bizState: undefined, src: '/TCaptcha.js' }, 'sdk_show_timeout', 1002, 'captcha_show_timeout');
    expect(detail.ticket).toMatch(/^terror_1002_199999164_\d{10}$/);
  });
});

describe('createModernDriver(): the show watchdog and the page-wide SDK object', () => {
  type Callback = (r: TencentCaptchaResult) => void;
  interface Fake {
    callback: Callback;
    options: { ready?: (info: unknown) => void };
    destroyed: number;
    refreshed: number;
  }
  let made: Fake[];

  beforeEach(() => {
    vi.useFakeTimers();
    made = [];
    class TencentCaptcha {
      readonly fake: Fake;
      constructor(_appId: string, callback: Callback, options: Fake['options']) {
        this.fake = { callback, options, destroyed: 0, refreshed: 0 };
        made.push(this.fake);
      }
      show() {}
      destroy() {
        this.fake.destroyed++;
      }
      refresh() {
        this.fake.refreshed++;
      }
    }
    vi.stubGlobal('TencentCaptcha', TencentCaptcha);
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  const config: DriverConfig = {
    appId: '199999164', src: 'https://turing.captcha.qcloud.com/TCaptcha.js', nonce: undefined, loadTimeout: 1, showTimeout: 5000,
    type: 'popup', lang: undefined, darkMode: false, bizState: undefined, aidEncrypted: undefined, options: {}, container: undefined, mobile: false,
  };

  function started(driver = createModernDriver(), options: Partial<DriverConfig> = {}) {
    const outcomes: unknown[] = [];
    expect(driver.load({ ...config, ...options })).toBeUndefined();
    expect(driver.show({ ...config, ...options }, (o) => outcomes.push(o))).toBeUndefined();
    return { driver, outcomes, fake: made[made.length - 1]! };
  }

  it('falls back with 1002 and its own terror_ ticket after showTimeout, once, ignoring the SDK’s late callback', () => {
    const { outcomes, fake } = started();
    vi.advanceTimersByTime(4999);
    expect(outcomes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(outcomes).toEqual([expect.objectContaining({ status: 'fallback', reason: 'sdk_show_timeout', errorCode: 1002, errorMessage: 'captcha_show_timeout' })]);
    expect((outcomes[0] as { ticket: string }).ticket).toMatch(/^terror_1002_199999164_\d{10}$/);
    // It takes down what the SDK shows meanwhile (its own instance, the last shown).
    expect(fake.destroyed).toBe(1);
    fake.callback({ ret: 0, ticket: 'terror_1002_199999164_1700000000', randstr: '@x', errorCode: 1002 });
    expect(outcomes).toHaveLength(1);
  });

  it('stands down when the SDK’s ready says the challenge appeared, and still runs your own ready', () => {
    const ready = vi.fn();
    const { outcomes, fake } = started(undefined, { options: { ready } });
    fake.options.ready?.({ sdkView: { width: 360, height: 360 } });
    expect(ready).toHaveBeenCalledWith({ sdkView: { width: 360, height: 360 } });
    vi.advanceTimersByTime(60_000);
    expect(outcomes).toEqual([]);
    fake.callback({ ret: 0, ticket: 'tr03abc', randstr: '@EcL' });
    fake.callback({ ret: 0, ticket: 'tr03def', randstr: '@EcL' });
    expect(outcomes).toEqual([expect.objectContaining({ status: 'verified', ticket: 'tr03abc' })]);
  });

  it('destroys and refreshes the SDK object only while its own instance showed last', () => {
    const a = started();
    const b = started();
    expect(a.driver.refresh()).toBe(false);
    a.driver.destroy();
    expect(b.fake.destroyed).toBe(0);
    expect(a.fake.destroyed).toBe(0);
    expect(b.driver.refresh()).toBe(true);
    expect(b.fake.refreshed).toBe(1);
    b.driver.destroy();
    expect(b.fake.destroyed).toBe(1);
    // Destroyed shows report nothing more, and their watchdogs are off.
    vi.advanceTimersByTime(10_000);
    expect([a.outcomes, b.outcomes]).toEqual([[], []]);
  });
});
