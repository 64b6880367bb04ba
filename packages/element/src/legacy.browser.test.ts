import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import './define.js';
import type { TencentCaptchaElement } from './tencent-captcha.js';
import type { VerifiedDetail } from './events.js';
import {
  clearFaults,
  closeChallenge,
  emulator,
  expectDisasterTicket,
  legacyScriptUrl,
  setSdkFault,
  solve,
  until,
  type EmulatorInfo,
} from '../test/emulator.js';

// The legacy 天御 SDK (capInit & co.) behind the same element, states and events. Its script URL is
// single use and comes from the server (CaptchaIframeQuery); the tests get one from the emulator.
describe('<tencent-captcha driver="legacy">', () => {
  let e: EmulatorInfo;

  before(async () => {
    e = await emulator();
  });

  afterEach(() => clearFaults());

  const legacy = (src: string, type: 'popup' | 'embed' = 'popup') =>
    fixture<TencentCaptchaElement>(html`<form><tencent-captcha driver="legacy" type=${type} app-id=${e.appId} src=${src} load-timeout="3000"></tencent-captcha></form>`).then(
      (form) => form.querySelector('tencent-captcha')!,
    );
  const box = (el: TencentCaptchaElement) => el.querySelector<HTMLElement>(':scope > [slot="captcha"]')!;
  const sdkTrigger = (el: TencentCaptchaElement) => box(el).querySelector<HTMLButtonElement>('[data-testid="tcaptcha-trigger"]');

  it('falls back when its script fails to load; the URL then still works on the next show()', async () => {
    expect((window as { capInit?: unknown }).capInit).to.equal(undefined);
    await setSdkFault({ kind: 'script-404' });
    const src = await legacyScriptUrl();
    const fallback = new Promise<CustomEvent>((resolve) => document.addEventListener('fallback', (ev) => resolve(ev as CustomEvent), { once: true }));
    const el = await legacy(src);
    const { detail } = await fallback;
    expect(detail).to.include({ driver: 'legacy', errorCode: 1001, reason: 'sdk_load_error' });
    expect(box(el).style.length, 'the reserved box is given back').to.equal(0);
    expectDisasterTicket(detail.ticket, e.appId, 1001);
    await el.updateComplete;
    // Auto-started (PC): no button of its own until something went wrong; now one to try again.
    expect(el.shadowRoot!.querySelector('[part="button"]')!.textContent).to.equal('Try again');

    await clearFaults();
    await el.show();
    expect(el.status).to.equal('verifying');
    expect((window as { capInit?: unknown }).capInit).to.be.a('function');
  });

  it('PC popup: the SDK trigger in a box of at least 362×40, sized from the start; solve → verified (ret 0)', async () => {
    const el = await legacy(await legacyScriptUrl());
    // Sized while the script loads, before the SDK renders anything: the driver (a module loaded on
    // demand, so not at once on a loaded machine) reserves 362×40 before it asks for Tencent's script.
    await until(() => el.status !== 'idle' && box(el).getBoundingClientRect().width > 0, 'the element to start and size its box');
    expect(box(el).getBoundingClientRect().width).to.equal(362);
    expect(box(el).getBoundingClientRect().height).to.equal(40);
    await until(() => el.status === 'verifying', 'the legacy SDK to start');
    const rect = box(el).getBoundingClientRect();
    expect(rect.width).to.be.at.least(362);
    expect(rect.height).to.be.at.least(40);
    expect(box(el).style.minWidth).to.equal('362px');
    expect(el.shadowRoot!.querySelector('[part="button"]')).to.equal(null);
    await until(() => sdkTrigger(el) !== null, 'the SDK trigger');
    await expect(el).to.be.accessible();

    const verified = oneEvent(el, 'verified');
    sdkTrigger(el)!.click();
    await solve();
    const { detail } = (await verified) as CustomEvent<VerifiedDetail>;
    expect(detail).to.include({ status: 'verified', driver: 'legacy', appId: e.appId });
    // Seed 003's callback carries a randstr: passed through, and submitted with the form.
    expect(detail.randstr).to.match(/^@[A-Za-z0-9]{6}$/);
    expect(detail.ticket.length).to.be.above(8);
    expect(new FormData(el.form!).get('tencent-captcha-ticket')).to.equal(detail.ticket);
    expect(new FormData(el.form!).get('tencent-captcha-randstr')).to.equal(detail.randstr);
    expect(el.getTicket()).to.deep.equal({ ticket: detail.ticket, randstr: detail.randstr });
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('refresh() asks the SDK for a new challenge (capRefresh); giving up → closed (ret 1)', async () => {
    const el = await legacy(await legacyScriptUrl());
    await until(() => sdkTrigger(el) !== null, 'the SDK trigger');
    sdkTrigger(el)!.click();
    await solve();
    expect(el.status).to.equal('verified');
    expect(sdkTrigger(el)!.disabled).to.equal(true);

    await el.refresh();
    expect(el.status).to.equal('verifying');
    expect(el.getTicket()).to.equal(null);
    expect(sdkTrigger(el)!.disabled).to.equal(false);

    const closed = oneEvent(el, 'closed');
    sdkTrigger(el)!.click();
    await closeChallenge();
    expect((await closed).detail).to.include({ status: 'closed', ret: 1, driver: 'legacy' });
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('PC embed: a box of at least 300×270 with the challenge in it', async () => {
    const el = await legacy(await legacyScriptUrl(), 'embed');
    await until(() => el.status === 'verifying', 'the legacy SDK to start');
    expect(box(el).getBoundingClientRect().width).to.be.at.least(300);
    expect(box(el).getBoundingClientRect().height).to.be.at.least(270);
    const verified = oneEvent(el, 'verified');
    await solve();
    expect((await verified).detail.driver).to.equal('legacy');
  });

  it('mobile: the element trigger calls capInit(document, { showHeader: true }): the SDK covers the screen, and gives it back when done', async () => {
    const src = await legacyScriptUrl(1);
    const frame = document.createElement('iframe');
    frame.title = 'phone';
    frame.style.cssText = 'width: 375px; height: 640px; border: 0';
    const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    frame.srcdoc = `<!doctype html><html lang="en"><body style="margin:0">
      <tencent-captcha driver="legacy" app-id="${attr(e.appId)}" src="${attr(src)}"></tencent-captcha>
      <script type="module">import '/src/define.ts'; window.ready = true;</script></body></html>`;
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    try {
      await loaded;
      const win = frame.contentWindow as Window & { ready?: boolean; __tencentCaptchaEmulator?: { solve(): Promise<unknown> } };
      await until(() => win.ready === true, 'the element in the frame');
      const el = win.document.querySelector('tencent-captcha') as TencentCaptchaElement;
      await el.updateComplete;
      expect(win.matchMedia('(max-width: 767px)').matches).to.equal(true);
      // Not started by itself on mobile: the element's own trigger.
      expect(el.status).to.equal('idle');
      const trigger = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="button"]')!;
      const verified = new Promise((resolve) => el.addEventListener('verified', resolve, { once: true }));
      trigger.click();
      await until(() => el.status === 'verifying', 'the legacy SDK to start');
      // Only capInit(document, …) makes the SDK add its full-screen layer to the page's body.
      await until(() => win.document.querySelector('[data-testid="tcaptcha-fullscreen"]') !== null, 'the SDK full screen');
      const layer = win.document.querySelector<HTMLElement>('[data-testid="tcaptcha-fullscreen"]');
      expect(layer, 'the SDK\'s full-screen layer').to.not.equal(null);
      expect(win.document.querySelector('[data-testid="tcaptcha-header"]'), 'showHeader: true').to.not.equal(null);
      const rect = layer!.getBoundingClientRect();
      expect([rect.left, rect.top, rect.width, rect.height]).to.deep.equal([0, 0, 375, 640]);
      // The element's own box is not styled: the SDK owns the screen.
      expect(box(el).style.length).to.equal(0);
      await until(() => win.__tencentCaptchaEmulator !== undefined, 'the legacy SDK hook');
      await win.__tencentCaptchaEmulator!.solve();
      const { detail } = (await verified) as CustomEvent<VerifiedDetail>;
      expect(detail.randstr).to.match(/^@/);
      expect(win.document.querySelector('[data-testid="tcaptcha-fullscreen"]'), 'the screen is given back').to.equal(null);
      expect(el.status).to.equal('verified');
    } finally {
      frame.remove();
    }
  });

  it('a narrow desktop window with a PC script (clientype=2) keeps the PC form: capInit(box), the SDK trigger, no full screen', async () => {
    const src = await legacyScriptUrl(2);
    const frame = document.createElement('iframe');
    frame.title = 'narrow window';
    frame.style.cssText = 'width: 375px; height: 640px; border: 0';
    const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    frame.srcdoc = `<!doctype html><html lang="en"><body style="margin:0">
      <tencent-captcha driver="legacy" app-id="${attr(e.appId)}" src="${attr(src)}"></tencent-captcha>
      <script type="module">import '/src/define.ts'; window.ready = true;</script></body></html>`;
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    try {
      await loaded;
      const win = frame.contentWindow as Window & { ready?: boolean };
      await until(() => win.ready === true, 'the element in the frame');
      const el = win.document.querySelector('tencent-captcha') as TencentCaptchaElement;
      expect(win.matchMedia('(max-width: 767px)').matches).to.equal(true);
      await until(() => sdkTrigger(el) !== null, 'the SDK trigger in the box');
      expect(el.status).to.equal('verifying');
      expect(win.document.querySelector('[data-testid="tcaptcha-fullscreen"]')).to.equal(null);
    } finally {
      frame.remove();
    }
  });
});
