import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import './define.js';
import type { TencentCaptchaElement } from './tencent-captcha.js';
import type { ClosedDetail, FallbackDetail, VerifiedDetail } from './events.js';
import {
  clearFaults,
  closeChallenge,
  collect,
  emulator,
  expectDisasterTicket,
  legacyScriptUrl,
  setSdkFault,
  sleep,
  solve,
  until,
  type EmulatorInfo,
} from '../test/emulator.js';

// The legacy driver against a script that fails the way Tencent's loader (TCapIframeApi.js) does:
// globals at once, set-up only once its second stage loaded, no onerror, no timer, errors uncaught.
// The element must never stay `verifying` with an empty form.
const LEGACY_GLOBALS = ['capInit', 'capGetTicket', 'capRefresh', 'capDestroy'] as const;

describe('<tencent-captcha driver="legacy"> and Tencent\'s loader', () => {
  let e: EmulatorInfo;

  before(async () => {
    e = await emulator();
  });

  beforeEach(() => {
    // Each test loads its own script (the globals are page-wide, and the element reuses them).
    for (const name of LEGACY_GLOBALS) delete (window as unknown as Record<string, unknown>)[name];
  });

  afterEach(async () => {
    await clearFaults();
    for (const layer of document.querySelectorAll('[data-testid="tcaptcha-fullscreen"]')) layer.remove();
  });

  const legacy = (src: string, showTimeout = 10_000) =>
    fixture<TencentCaptchaElement>(
      html`<form><tencent-captcha driver="legacy" app-id=${e.appId} src=${src} load-timeout="3000" show-timeout=${showTimeout}></tencent-captcha></form>`,
    ).then((form) => form.querySelector('tencent-captcha')!);
  const box = (el: TencentCaptchaElement) => el.querySelector<HTMLElement>(':scope > [slot="captcha"]')!;
  const sdkTrigger = (el: TencentCaptchaElement) => box(el).querySelector<HTMLButtonElement>('[data-testid="tcaptcha-trigger"]');
  const ownTrigger = (el: TencentCaptchaElement) => el.shadowRoot!.querySelector<HTMLButtonElement>('[part="button"]');
  const statusText = (el: TencentCaptchaElement) => el.shadowRoot!.querySelector('[part="status"]')!.textContent;
  /** Loads the second stage again, as a late answer to the hung request would arrive. */
  const lateSecondStage = () => {
    const hung = [...document.scripts].reverse().find((s) => s.src.includes('/legacy/TCapIframe.js?'))!;
    const again = document.createElement('script');
    again.src = `${hung.src}?late`;
    again.onload = hung.onload;
    document.head.append(again);
  };

  for (const kind of ['legacy-subscript-hang', 'legacy-subscript-error'] as const) {
    it(`desktop: ${kind} → one fallback with errorCode 1002 within show-timeout`, async () => {
      await setSdkFault({ kind }, 1);
      const started = performance.now();
      const el = await legacy(await legacyScriptUrl(), 800);
      const fallbacks = collect<CustomEvent<FallbackDetail>>(el, 'fallback');
      await until(() => el.status !== 'idle', 'the element to start');
      await until(() => el.status === 'fallback', 'the fallback', 6000);
      // 800 ms after capInit; generous for a loaded 2-core machine, far below "never".
      expect(performance.now() - started).to.be.below(5000);
      expect(fallbacks).to.have.length(1);
      const { detail } = fallbacks[0]!;
      expect(detail).to.include({ driver: 'legacy', errorCode: 1002, errorMessage: 'captcha_show_timeout', reason: 'sdk_show_timeout' });
      expectDisasterTicket(detail.ticket, e.appId, 1002);
      expect(new FormData(el.form!).get('tencent-captcha-ticket')).to.equal(detail.ticket);
      await el.updateComplete;
      expect(ownTrigger(el)!.textContent).to.equal('Try again');
      await expect(el).to.be.accessible();
    });
  }

  it('desktop: a callback after the fallback is ignored', async () => {
    await setSdkFault({ kind: 'legacy-subscript-hang' }, 1);
    const el = await legacy(await legacyScriptUrl(), 500);
    await until(() => el.status === 'fallback', 'the fallback', 6000);
    const ticket = el.value;
    const events = [...['verified', 'fallback', 'closed'].map((type) => collect(el, type))];
    // The stuck set-up finally runs with the element's arguments: the SDK's trigger appears, and a solve calls back.
    lateSecondStage();
    await until(() => sdkTrigger(el) !== null, 'the late SDK trigger');
    sdkTrigger(el)!.click();
    await solve();
    await sleep(50);
    expect(el.status).to.equal('fallback');
    expect(el.value).to.equal(ticket);
    expect(events.flat()).to.have.length(0);
  });

  it('desktop: once set up, the SDK\'s trigger waits for the user beyond show-timeout, and says nothing before a click', async () => {
    const started = performance.now();
    const el = await legacy(await legacyScriptUrl(), 1500);
    await until(() => sdkTrigger(el) !== null, 'the SDK trigger');
    await el.updateComplete;
    expect(statusText(el)).to.equal('');
    // Past the ceiling (counted from later than `started`): the SDK is set up, so no fallback.
    await sleep(Math.max(0, started + 1500 + 300 - performance.now()));
    expect(el.status).to.equal('verifying');
    const verified = oneEvent(el, 'verified');
    sdkTrigger(el)!.click();
    await solve();
    expect(((await verified) as CustomEvent<VerifiedDetail>).detail.driver).to.equal('legacy');
  });

  it('desktop: closing the popup calls back nothing; the element says closed and offers "Try again"; the SDK trigger still works', async () => {
    const el = await legacy(await legacyScriptUrl());
    await until(() => sdkTrigger(el) !== null, 'the SDK trigger');
    sdkTrigger(el)!.click();
    const closed = oneEvent(el, 'closed');
    expect(await closeChallenge(), 'Tencent\'s PC SDK calls back nothing').to.equal(null);
    expect(((await closed) as CustomEvent<ClosedDetail>).detail).to.include({ status: 'closed', ret: 1, driver: 'legacy' });
    await el.updateComplete;
    expect(statusText(el)).to.equal('The captcha was closed.');
    expect(ownTrigger(el)!.textContent).to.equal('Try again');
    await expect(el).to.be.accessible();
    const verified = oneEvent(el, 'verified');
    sdkTrigger(el)!.click();
    await solve();
    await verified;
    expect(el.status).to.equal('verified');
  });

  it('mobile script (clientype=1): capInit(document) whatever the screen; a hung set-up falls back in time', async () => {
    await setSdkFault({ kind: 'legacy-subscript-hang' }, 1);
    const el = await legacy(await legacyScriptUrl(1), 800);
    expect(window.matchMedia('(max-width: 767px)').matches, 'a desktop-sized test window').to.equal(false);
    await el.updateComplete;
    expect(el.status, 'a mobile script waits for the element\'s button').to.equal('idle');
    const fallback = oneEvent(el, 'fallback');
    ownTrigger(el)!.click();
    const { detail } = (await fallback) as CustomEvent<FallbackDetail>;
    expect(detail).to.include({ errorCode: 1002, reason: 'sdk_show_timeout' });
    expect(document.querySelector('[data-testid="tcaptcha-fullscreen"]')).to.equal(null);
  });

  it('mobile script: the full-screen layer is a modal dialog that takes focus, passes axe, and gives focus back on close', async () => {
    const el = await legacy(await legacyScriptUrl(1));
    await el.updateComplete;
    ownTrigger(el)!.focus();
    ownTrigger(el)!.click();
    await until(() => document.querySelector('[data-testid="tcaptcha-fullscreen"] input') !== null, 'the full-screen challenge');
    const layer = document.querySelector<HTMLElement>('[data-testid="tcaptcha-fullscreen"]')!;
    expect(layer.getAttribute('role')).to.equal('dialog');
    expect(layer.getAttribute('aria-modal')).to.equal('true');
    expect(layer.contains(document.activeElement), 'focus is in the dialog').to.equal(true);
    await expect(layer).to.be.accessible();
    const closed = oneEvent(el, 'closed');
    await closeChallenge();
    await closed;
    expect(document.querySelector('[data-testid="tcaptcha-fullscreen"]')).to.equal(null);
    expect(el.shadowRoot!.activeElement).to.equal(ownTrigger(el));
  });

  it('an uncaught error inside the SDK after capInit (a PC script given the H5 call, its URL stripped of clientype) ends in fallback', async () => {
    const src = (await legacyScriptUrl(2)).replace(/clientype=2&?/, '');
    const frame = document.createElement('iframe');
    frame.title = 'phone';
    frame.style.cssText = 'width: 375px; height: 640px; border: 0';
    const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    frame.srcdoc = `<!doctype html><html lang="en"><body style="margin:0">
      <tencent-captcha driver="legacy" app-id="${attr(e.appId)}" src="${attr(src)}" show-timeout="800"></tencent-captcha>
      <script>window.errors = []; addEventListener('error', (ev) => window.errors.push(ev.message));</script>
      <script type="module">import '/src/define.ts'; window.ready = true;</script></body></html>`;
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    try {
      await loaded;
      const win = frame.contentWindow as Window & { ready?: boolean; errors: string[] };
      await until(() => win.ready === true, 'the element in the frame');
      const el = win.document.querySelector('tencent-captcha') as TencentCaptchaElement;
      await el.updateComplete;
      const fallback = new Promise<FallbackDetail>((resolve) => el.addEventListener('fallback', (ev) => resolve((ev as CustomEvent<FallbackDetail>).detail), { once: true }));
      ownTrigger(el)!.click();
      const detail = await fallback;
      await until(() => win.errors.length > 0, 'the SDK\'s uncaught error');
      expect(win.errors, 'the SDK threw, uncaught, once').to.have.length(1);
      expect(detail).to.include({ errorCode: 1002, reason: 'sdk_show_timeout' });
      expect(el.status).to.equal('fallback');
    } finally {
      frame.remove();
    }
  });
});
