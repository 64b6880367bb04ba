import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import './define.js';
import type { TencentCaptchaElement } from './tencent-captcha.js';
import { registerTranslation } from './i18n/index.js';
import { en } from './i18n/en.js';
import ar from './i18n/locales/ar.js';
import ja from './i18n/locales/ja.js';
import zhCN from './i18n/locales/zh-cn.js';
import zhTW from './i18n/locales/zh-tw.js';
import { emulator, type EmulatorInfo } from '../test/emulator.js';

// The element's words in Tencent's languages (loaded on demand from src/i18n/locales through the
// dev server) and its right-to-left layout. The packed bundle is driven by apps/e2e (locales.e2e.test.ts).
describe('<tencent-captcha> languages and direction', () => {
  let e: EmulatorInfo;
  before(async () => {
    e = await emulator();
  });

  const part = (el: TencentCaptchaElement, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part="${name}"]`)!;
  const label = (el: TencentCaptchaElement) => part(el, 'label').textContent;
  const make = (lang: string) => fixture<TencentCaptchaElement>(html`<tencent-captcha lang=${lang} app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);

  it('shows English at once (never an empty button), then its own language when the module arrived', async () => {
    const el = await make('ja-JP');
    expect(label(el)).to.equal(en.trigger);
    await waitUntil(() => label(el) === ja.trigger, 'the ja strings arrive');
    expect(part(el, 'button').getAttribute('aria-busy')).to.equal(null);
  });

  it('zh-TW and zh-HK read Traditional Chinese, not the Simplified of zh-CN', async () => {
    const [cn, tw, hk] = await Promise.all(['zh-CN', 'zh-TW', 'zh-Hant-HK'].map(make));
    await waitUntil(() => label(cn!) === zhCN.trigger && label(tw!) === zhTW.trigger && label(hk!) !== en.trigger, 'the Chinese strings arrive');
    expect(label(tw!)).to.not.equal(label(cn!));
    expect(label(hk!)).to.not.equal(label(cn!));
  });

  it('lays itself out right to left in Arabic: direction on the trigger, icon at the right and mirrored', async () => {
    const el = await make('ar');
    await waitUntil(() => label(el) === ar.trigger, 'the ar strings arrive');
    const button = part(el, 'button');
    expect(getComputedStyle(button).direction).to.equal('rtl');
    expect(part(el, 'icon').getBoundingClientRect().left).to.be.greaterThan(part(el, 'label').getBoundingClientRect().right);
    expect(getComputedStyle(part(el, 'icon')).scale).to.equal('-1 1');
    await expect(el).to.be.accessible();
  });

  it('follows an inherited dir="rtl" whatever its language, and keeps left to right otherwise', async () => {
    const host = await fixture<HTMLDivElement>(html`<div dir="rtl"><tencent-captcha lang="en" app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha></div>`);
    const rtl = host.querySelector('tencent-captcha')!;
    await rtl.updateComplete;
    expect(getComputedStyle(part(rtl, 'button')).direction).to.equal('rtl');
    expect(part(rtl, 'icon').getBoundingClientRect().left).to.be.greaterThan(part(rtl, 'label').getBoundingClientRect().right);
    expect(getComputedStyle(part(rtl, 'icon')).scale).to.equal('-1 1');

    const ltr = await make('en');
    expect(getComputedStyle(part(ltr, 'button')).direction).to.equal('ltr');
    expect(part(ltr, 'icon').getBoundingClientRect().right).to.be.lessThan(part(ltr, 'label').getBoundingClientRect().left);
    expect(getComputedStyle(part(ltr, 'icon')).scale).to.equal('none');
  });

  it('an explicit dir on the element wins over its language', async () => {
    const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha lang="he" dir="ltr" app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
    await el.updateComplete;
    expect(getComputedStyle(part(el, 'button')).direction).to.equal('ltr');
    el.removeAttribute('dir');
    await el.updateComplete;
    expect(getComputedStyle(part(el, 'button')).direction).to.equal('rtl');
  });

  it('re-renders connected elements when a translation is registered', async () => {
    const el = await make('sw');
    expect(label(el)).to.equal(en.trigger);
    registerTranslation('sw', { trigger: 'Thibitisha kuwa wewe ni binadamu' });
    await el.updateComplete;
    expect(label(el)).to.equal('Thibitisha kuwa wewe ni binadamu');
  });
});
