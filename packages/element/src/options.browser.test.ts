import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import './define.js';
import type { TencentCaptchaElement } from './tencent-captcha.js';
import { loadTencentSdk } from './sdk-loader.js';
import { registerTranslation } from './i18n/index.js';
import { en } from './i18n/en.js';
import { closeChallenge, emulator, solve, type EmulatorInfo } from '../test/emulator.js';

type Win = Window & { TencentCaptcha?: unknown };

// What the element hands to Tencent's SDK, and how it picks its language and theme. The real
// emulator SDK runs; a transparent proxy around its class records the constructor arguments.
describe('<tencent-captcha> options, language and theme', () => {
  let e: EmulatorInfo;
  let calls: unknown[][];
  let original: unknown;
  let htmlLang: string | null;

  before(async () => {
    e = await emulator();
    original = await loadTencentSdk({ src: e.sdkUrl });
  });

  beforeEach(() => {
    calls = [];
    htmlLang = document.documentElement.getAttribute('lang');
    document.documentElement.removeAttribute('lang');
    (window as Win).TencentCaptcha = new Proxy(original as new (...args: unknown[]) => object, {
      construct(target, args) {
        calls.push(args);
        return Reflect.construct(target, args);
      },
    });
  });

  afterEach(async () => {
    (window as Win).TencentCaptcha = original;
    if (htmlLang === null) document.documentElement.removeAttribute('lang');
    else document.documentElement.setAttribute('lang', htmlLang);
    if ((window as { __tencentCaptchaEmulator?: { active: boolean } }).__tencentCaptchaEmulator?.active) await closeChallenge();
  });

  const withoutReady = (options: unknown) => {
    const { ready, ...rest } = options as { ready?: unknown };
    expect(ready).to.be.a('function');
    return rest;
  };
  const label = (el: TencentCaptchaElement) => el.shadowRoot!.querySelector('[part="label"]')!.textContent;

  it('popup: new TencentCaptcha(appId, callback, options) with only what is set', async () => {
    const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
    await el.show();
    expect(calls).to.have.length(1);
    const [appId, callback, options] = calls[0]!;
    expect(appId).to.equal(e.appId);
    expect(callback).to.be.a('function');
    // `ready` is the element's own (its show watchdog), wrapping any of yours.
    expect(withoutReady(options)).to.deep.equal({ type: 'popup' });
  });

  it('embed: new TencentCaptcha(container, appId, callback, options) with the light-DOM box', async () => {
    const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha type="embed" app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
    await new Promise<void>((resolve) => {
      const check = () => (el.status === 'verifying' ? resolve() : setTimeout(check, 10));
      check();
    });
    const [container, appId, , options] = calls[0]!;
    expect(container).to.equal(el.querySelector('[slot="captcha"]'));
    expect(appId).to.equal(e.appId);
    expect(withoutReady(options)).to.deep.equal({ type: 'embed' });
  });

  it('maps lang, dark-mode, biz-state, aid-encrypted and merges the options property (attributes win)', async () => {
    const el = await fixture<TencentCaptchaElement>(
      html`<tencent-captcha app-id=${e.appId} src=${e.sdkUrl} lang="zh-Hant-TW" dark-mode biz-state="order-42" .options=${{ needFeedBack: false, type: 'embed' }}></tencent-captcha>`,
    );
    await el.show();
    expect(withoutReady(calls[0]![2])).to.deep.equal({ needFeedBack: false, type: 'popup', userLanguage: 'zh-tw', enableDarkMode: true, bizState: 'order-42' });
    const verified = new Promise<CustomEvent>((resolve) => el.addEventListener('verified', (ev) => resolve(ev as CustomEvent), { once: true }));
    await solve();
    expect((await verified).detail.bizState).to.equal('order-42');

    el.darkMode = 'force';
    el.aidEncrypted = 'AAECAwQF';
    el.bizState = { cart: 7 };
    // The emulator rejects this made-up aidEncrypted like Tencent would (errorCode 1006): a fallback.
    await el.show();
    expect(calls[1]![2]).to.include({ enableDarkMode: 'force', aidEncrypted: 'AAECAwQF' });
    expect(calls[1]![2]).to.have.deep.property('bizState', { cart: 7 });
  });

  it('takes its language from itself, then an ancestor (across shadow roots), then <html>, then the browser', async () => {
    const host = await fixture<HTMLDivElement>(html`<div lang="zh-CN"><section></section></div>`);
    const shadow = host.querySelector('section')!.attachShadow({ mode: 'open' });
    const el = document.createElement('tencent-captcha');
    el.appId = e.appId;
    el.src = e.sdkUrl;
    shadow.append(el);
    await el.updateComplete;
    // English first, then Simplified Chinese once its module arrived.
    await waitUntil(() => label(el) === '点击进行人机验证', 'the zh-cn strings arrive');
    await el.show();
    expect(calls[0]![2]).to.include({ userLanguage: 'zh-cn' });

    el.setAttribute('lang', 'en');
    await el.updateComplete;
    expect(label(el)).to.equal('Verify you are human');

    const plain = await fixture<TencentCaptchaElement>(html`<tencent-captcha app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
    document.documentElement.setAttribute('lang', 'zh-CN');
    await waitUntil(() => label(plain) === '点击进行人机验证', 'follows <html lang> changes');

    document.documentElement.removeAttribute('lang');
    const browser = navigator.language.toLowerCase().startsWith('zh') ? '点击进行人机验证' : 'Verify you are human';
    await waitUntil(() => label(plain) === browser, 'follows the browser once <html lang> is gone');
    await plain.show();
    // The browser's language is not the page's: the SDK keeps the console's setting.
    expect(calls.at(-1)![2]).to.not.have.property('userLanguage');
  });

  it('uses registered translations', async () => {
    registerTranslation('fr', { ...en, trigger: 'Vérifier que vous êtes humain' });
    const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha lang="fr-CA" app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
    expect(label(el)).to.equal('Vérifier que vous êtes humain');
    await expect(el).to.be.accessible();
  });

  it('themes itself dark with dark-mode="force", and with dark-mode when the system is dark', async () => {
    const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
    const button = el.shadowRoot!.querySelector('[part="button"]')!;
    const light = getComputedStyle(button).backgroundColor;
    expect(light).to.equal('rgb(255, 255, 255)');
    el.darkMode = 'force';
    await el.updateComplete;
    expect(el.getAttribute('dark-mode')).to.equal('force');
    expect(getComputedStyle(button).backgroundColor).to.equal('rgb(31, 31, 31)');
    await expect(el).to.be.accessible();
    el.darkMode = true;
    await el.updateComplete;
    const systemDark = matchMedia('(prefers-color-scheme: dark)').matches;
    expect(getComputedStyle(button).backgroundColor).to.equal(systemDark ? 'rgb(31, 31, 31)' : 'rgb(255, 255, 255)');
    el.darkMode = false;
    await el.updateComplete;
    expect(el.hasAttribute('dark-mode')).to.equal(false);
  });

  it('can be themed through custom properties and parts', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div>
      <style>
        .themed { --tencent-captcha-background: rgb(1, 2, 3); --tencent-captcha-color: rgb(250, 250, 250); }
        .themed::part(status) { font-weight: 700; }
      </style>
      <tencent-captcha class="themed" app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>
    </div>`);
    const el = wrapper.querySelector('tencent-captcha')!;
    await el.updateComplete;
    const button = el.shadowRoot!.querySelector('[part="button"]')!;
    expect(getComputedStyle(button).backgroundColor).to.equal('rgb(1, 2, 3)');
    expect(getComputedStyle(button).color).to.equal('rgb(250, 250, 250)');
    expect(getComputedStyle(el.shadowRoot!.querySelector('[part="status"]')!).fontWeight).to.equal('700');
  });

  it('respects prefers-reduced-motion: the spinner is still', async () => {
    const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
    const icon = el.shadowRoot!.querySelector('[part="icon"]')!;
    icon.classList.add('busy');
    const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
    expect(getComputedStyle(icon).animationName).to.equal(reduced ? 'none' : 'spin');
    const sheet = (el.shadowRoot!.adoptedStyleSheets[0] ?? null) as CSSStyleSheet | null;
    const rules = [...(sheet?.cssRules ?? [])].map((r) => r.cssText).join('\n');
    expect(rules).to.match(/@media \(prefers-reduced-motion: reduce\) \{\s*\[part="icon"\]\.busy \{ animation: [^;]* none;/);
  });
});
