import { expect, fixture, html } from '@open-wc/testing';
import './define.js';
import type { TencentCaptchaElement } from './tencent-captcha.js';
import { loadTencentSdk } from './sdk-loader.js';
import { clearFaults, emulator, requestsFor, scriptsFor, setSdkFault, solve, type EmulatorInfo } from '../test/emulator.js';

// A fresh page: the first test is the page's first load of the SDK.
describe('loadTencentSdk() shared by many elements', () => {
  let e: EmulatorInfo;

  before(async () => {
    e = await emulator();
  });

  afterEach(() => clearFaults());

  it('many elements showing at once share one load (and its one retry after a 404)', async () => {
    expect((window as { TencentCaptcha?: unknown }).TencentCaptcha).to.equal(undefined);
    await setSdkFault({ kind: 'script-404' }, 1);
    const url = e.sdkUrl;
    const root = await fixture<HTMLDivElement>(html`<div>
      ${[1, 2, 3, 4, 5].map((i) => html`<tencent-captcha id=${`c${i}`} app-id=${e.appId} src=${url} load-timeout="3000"></tencent-captcha>`)}
    </div>`);
    const elements = [...root.querySelectorAll<TencentCaptchaElement>('tencent-captcha')];
    const direct = loadTencentSdk({ src: url });

    await Promise.all(elements.map((el) => el.show()));
    const Captcha = await direct;

    expect(Captcha).to.equal((window as { TencentCaptcha?: unknown }).TencentCaptcha);
    expect(elements.map((el) => el.status)).to.deep.equal(Array(5).fill('verifying'));
    expect(requestsFor(url), 'one 404 and one retry, for all five elements').to.equal(2);
    expect(scriptsFor(url)).to.equal(1);
  });

  it('later elements and calls reuse the loaded SDK without a request, whatever their src', async () => {
    const before = requestsFor(e.sdkUrl);
    const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha app-id=${e.appId} src=${e.sdkUrls.TJCaptcha}></tencent-captcha>`);
    await el.show();
    expect(el.status).to.equal('verifying');
    await loadTencentSdk({ src: e.sdkUrls.TJNCaptchaGlobal });
    expect(requestsFor(e.sdkUrl)).to.equal(before);
    expect(requestsFor(e.sdkUrls.TJCaptcha) + requestsFor(e.sdkUrls.TJNCaptchaGlobal)).to.equal(0);
    expect(document.querySelectorAll('script[src*="Captcha"]').length).to.equal(1);
    await solve();
    expect(el.status).to.equal('verified');
  });
});
