import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import './define.js';
import type { TencentCaptchaElement } from './tencent-captcha.js';
import { LOAD_RETRY_DELAY } from './sdk-loader.js';
import {
  clearFaults,
  emulator,
  expectDisasterTicket,
  ignoreScriptErrors,
  requestsFor,
  scriptsFor,
  setSdkFault,
  solve,
  type EmulatorInfo,
} from '../test/emulator.js';

// Tencent's script failing to load. This page must not have loaded the SDK before each test (the
// SDK, once loaded, stays for the page's life), so every test checks that first; the last test is
// the first successful load. Each test uses its own URL (same script, a different query) so that
// the page's fetches can be counted per test and a hung request does not hold up the next one.
describe('<tencent-captcha> when Tencent\'s script fails', () => {
  let e: EmulatorInfo;
  let n = 0;
  const src = () => `${e.sdkUrl}?case=${++n}`;

  before(async () => {
    e = await emulator();
  });

  beforeEach(() => {
    expect((window as { TencentCaptcha?: unknown }).TencentCaptcha, 'no SDK in the page yet').to.equal(undefined);
  });

  afterEach(() => clearFaults());

  const element = (url: string, timeout = 3000) =>
    fixture<TencentCaptchaElement>(html`<tencent-captcha app-id=${e.appId} src=${url} load-timeout=${timeout}></tencent-captcha>`);

  it('a hanging script → loading (accessible, busy), then fallback 1001 after load-timeout', async () => {
    await setSdkFault({ kind: 'script-hang' });
    const url = src();
    const el = await element(url, 400);
    const fallback = oneEvent(el, 'fallback');
    const started = performance.now();
    void el.show();
    await el.updateComplete;
    expect(el.status).to.equal('loading');
    const button = el.shadowRoot!.querySelector('[part="button"]')!;
    expect(button.getAttribute('aria-busy')).to.equal('true');
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.equal('Loading the captcha…');
    await expect(el).to.be.accessible();

    const { detail } = await fallback;
    const elapsed = performance.now() - started;
    expect(elapsed).to.be.within(400, 2500);
    expect(detail).to.include({ status: 'fallback', errorCode: 1001, errorMessage: 'jsload_error', reason: 'sdk_load_timeout', appId: e.appId });
    expectDisasterTicket(detail.ticket, e.appId, 1001);
    // The prefix TCaptcha.js itself uses (seed 000): `terror_`.
    expect(detail.ticket.startsWith('terror_1001_')).to.equal(true);
    expect(scriptsFor(url)).to.equal(0);
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('show-timeout is a ceiling over the load too: a hanging script falls back within it, long before load-timeout', async () => {
    await setSdkFault({ kind: 'script-hang' });
    const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha app-id=${e.appId} src=${src()} load-timeout="6000" show-timeout="700"></tencent-captcha>`);
    const fallback = oneEvent(el, 'fallback');
    const started = performance.now();
    void el.show();
    const { detail } = await fallback;
    // Late timers (Firefox under load) may add up to ~0.7 s; the load-timeout would be 6 s.
    expect(performance.now() - started).to.be.within(650, 3000);
    expect(detail).to.include({ errorCode: 1001, reason: 'sdk_load_timeout' });
  });

  it('a script that throws → fallback 1001 at once, without a second evaluation', async () => {
    await setSdkFault({ kind: 'script-throw' });
    const stop = ignoreScriptErrors(/injected fault script-throw|^Script error\.$/);
    try {
      const url = src();
      const el = await element(url);
      const fallback = oneEvent(el, 'fallback');
      const started = performance.now();
      await el.show();
      const { detail } = await fallback;
      expect(performance.now() - started).to.be.below(1500);
      expect(detail).to.include({ errorCode: 1001, reason: 'sdk_load_error' });
      expectDisasterTicket(detail.ticket, e.appId, 1001);
      expect(requestsFor(url)).to.equal(1);
    } finally {
      stop();
    }
  });

  it('a 404 → one retry, then fallback 1001 at once; the next show() loads again and the user can verify', async () => {
    await setSdkFault({ kind: 'script-404' });
    const url = src();
    const el = await element(url);
    const fallback = oneEvent(el, 'fallback');
    const started = performance.now();
    await el.show();
    const { detail } = await fallback;
    expect(performance.now() - started).to.be.below(LOAD_RETRY_DELAY + 1500);
    expect(detail).to.include({ errorCode: 1001, reason: 'sdk_load_error' });
    expectDisasterTicket(detail.ticket, e.appId, 1001);
    expect(requestsFor(url), 'one attempt and one retry').to.equal(2);
    expect(scriptsFor(url), 'failed <script> elements are removed').to.equal(0);

    // The failed load was evicted: the next show() tries again, under a cache-busting URL of its own, and now the script is there.
    await clearFaults();
    const verified = oneEvent(el, 'verified');
    await el.show();
    expect(el.status).to.equal('verifying');
    expect(requestsFor(url)).to.equal(2);
    expect(scriptsFor(url)).to.equal(0);
    expect([...document.scripts].filter((s) => s.src.startsWith(`${url}&_tcr=`))).to.have.length(1);
    await solve();
    expect((await verified).detail.ticket).to.match(/^tr03/);
  });
});
