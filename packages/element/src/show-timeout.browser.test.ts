import { expect, fixture, html } from '@open-wc/testing';
import './define.js';
import { DEFAULT_SHOW_TIMEOUT, type TencentCaptchaElement } from './tencent-captcha.js';
import type { TencentCaptchaFallbackEvent } from './events.js';
import { loadTencentSdk } from './sdk-loader.js';
import { clearFaults, collect, emulator, expectDisasterTicket, setSdkFault, sleep, solve, until, type EmulatorInfo } from '../test/emulator.js';

// Tencent's script loads but its second stage (the challenge frame) never arrives: the emulator's
// `challenge-hang` fault with Tencent's timings scaled by 1/100 (the SDK calls back 1002 after
// 200 ms to the first waiting captcha, 1004 after 900 ms to the others, then 1004 at once). The SDK
// keeps that state for the page's life, so the tests of this file run in order.
describe('<tencent-captcha> when the challenge never appears', () => {
  let e: EmulatorInfo;
  const SDK_SHOW_TIMEOUT = 200;
  const SDK_GIVES_UP = 900;

  before(async () => {
    e = await emulator();
    await loadTencentSdk({ src: e.sdkUrl });
  });

  afterEach(() => clearFaults());

  const statusText = (el: TencentCaptchaElement) => el.shadowRoot!.querySelector('[role="status"]')!.textContent;

  it('has a show-timeout well under the SDK’s own 20 s', async () => {
    const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
    expect(el.showTimeout).to.equal(DEFAULT_SHOW_TIMEOUT);
    expect(DEFAULT_SHOW_TIMEOUT).to.be.at.most(10_000);
  });

  it('two elements on one page: each falls back by itself within its show-timeout (1002, own ticket), exactly once, ignoring the SDK’s late 1002/1004', async () => {
    await setSdkFault({ kind: 'challenge-hang', timeScale: 0.01 });
    const form = await fixture<HTMLFormElement>(html`<form>
      <tencent-captcha id="a" app-id=${e.appId} src=${e.sdkUrl} show-timeout="60"></tencent-captcha>
      <tencent-captcha id="b" app-id=${e.appId} src=${e.sdkUrl} show-timeout="100" name="second"></tencent-captcha>
    </form>`);
    const [a, b] = [form.querySelector<TencentCaptchaElement>('#a')!, form.querySelector<TencentCaptchaElement>('#b')!];
    const fallbacksA = collect<TencentCaptchaFallbackEvent>(a, 'fallback');
    const fallbacksB = collect<TencentCaptchaFallbackEvent>(b, 'fallback');
    const t0 = performance.now();
    await a.show();
    await b.show();
    expect([a.status, b.status]).to.deep.equal(['verifying', 'verifying']);
    await until(() => fallbacksA.length > 0 && fallbacksB.length > 0, 'both fallbacks', 2000);
    for (const events of [fallbacksA, fallbacksB]) expect(events[0]!.timeStamp - t0, 'before the SDK said anything').to.be.below(SDK_SHOW_TIMEOUT);
    for (const [el, events] of [[a, fallbacksA], [b, fallbacksB]] as const) {
      const { detail } = events[0]!;
      expect(detail).to.include({ status: 'fallback', reason: 'sdk_show_timeout', errorCode: 1002, errorMessage: 'captcha_show_timeout', appId: e.appId });
      // TCaptcha.js makes `terror_` tickets, and so does the element for it.
      expect(detail.ticket).to.match(/^terror_1002_/);
      expectDisasterTicket(detail.ticket, e.appId, 1002);
      expect(el.status).to.equal('fallback');
      expect(el.getTicket()).to.deep.equal({ ticket: detail.ticket, randstr: detail.randstr });
    }
    expect(fallbacksA[0]!.detail.ticket === fallbacksB[0]!.detail.ticket && fallbacksA[0]!.detail.randstr === fallbacksB[0]!.detail.randstr).to.equal(false);
    await a.updateComplete;
    expect(statusText(a)).to.equal('The captcha could not load. You can continue.');
    await expect(a).to.be.accessible();

    // The SDK's own 1002 (to a) and 1004 (to b) arrive later and change nothing.
    await sleep(SDK_GIVES_UP + 150 - (performance.now() - t0));
    expect([fallbacksA.length, fallbacksB.length]).to.deep.equal([1, 1]);
    expect([a.status, b.status]).to.deep.equal(['fallback', 'fallback']);
    const data = new FormData(form);
    expect(data.get('tencent-captcha-ticket')).to.equal(fallbacksA[0]!.detail.ticket);
    expect(data.get('second-ticket')).to.equal(fallbacksB[0]!.detail.ticket);
  });

  it('once the SDK gave up for the page, its synchronous 1004 is passed through: one fallback', async () => {
    await setSdkFault({ kind: 'challenge-hang', timeScale: 0.01 });
    const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha app-id=${e.appId} src=${e.sdkUrl} show-timeout="60"></tencent-captcha>`);
    const fallbacks = collect<TencentCaptchaFallbackEvent>(el, 'fallback');
    await el.show();
    expect(el.status).to.equal('fallback');
    await sleep(100);
    expect(fallbacks).to.have.length(1);
    expect(fallbacks[0]!.detail).to.include({ reason: 'sdk_error_code', errorCode: 1004 });
  });

  it('a challenge that appears disarms the watchdog, and a ready option of your own still runs', async () => {
    let ready = 0;
    const el = await fixture<TencentCaptchaElement>(
      html`<tencent-captcha app-id=${e.appId} src=${e.sdkUrl} show-timeout="50" .options=${{ ready: () => ready++ }}></tencent-captcha>`,
    );
    const fallbacks = collect(el, 'fallback');
    await el.show();
    await until(() => ready === 1, 'the SDK’s ready callback');
    await sleep(120);
    expect(el.status).to.equal('verifying');
    const verified = collect(el, 'verified');
    await solve();
    await until(() => verified.length === 1, 'verified');
    expect(fallbacks).to.have.length(0);
    expect(ready).to.equal(1);
  });
});
