import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import './define.js';
import type { TencentCaptchaElement } from './tencent-captcha.js';
import { TencentCaptchaClosedEvent, TencentCaptchaFallbackEvent, TencentCaptchaVerifiedEvent } from './events.js';
import { TencentCaptchaError } from './errors.js';
import { clearFaults, closeChallenge, emulator, expectDisasterTicket, hook, setSdkFault, solve, until, type EmulatorInfo } from '../test/emulator.js';

// One page: the emulator's SDK is loaded by the first test and stays (as on a real page).
describe('<tencent-captcha> against the emulator', () => {
  let e: EmulatorInfo;

  before(async () => {
    e = await emulator();
  });

  afterEach(() => clearFaults());

  const popup = () => fixture<TencentCaptchaElement>(html`<tencent-captcha app-id=${e.appId} src=${e.sdkUrl} load-timeout="3000"></tencent-captcha>`);
  const button = (el: TencentCaptchaElement) => el.shadowRoot!.querySelector<HTMLButtonElement>('[part="button"]')!;
  const statusText = (el: TencentCaptchaElement) => el.shadowRoot!.querySelector('[role="status"]')!.textContent;

  describe('popup', () => {
    it('starts idle with an accessible, named trigger button and an empty live region', async () => {
      const el = await popup();
      expect(el.status).to.equal('idle');
      expect(button(el).type).to.equal('button');
      expect(button(el).textContent).to.equal('Verify you are human');
      expect(el.shadowRoot!.querySelector('[role="status"]')).to.exist;
      expect(el.getTicket()).to.equal(null);
      await expect(el).to.be.accessible();
    });

    it('solve → verified: a real ticket in the event, status, getTicket() and the custom state', async () => {
      const el = await popup();
      const verified = oneEvent(el, 'verified');
      button(el).click();
      await solve();
      const event = await verified;

      expect(event).to.be.instanceOf(TencentCaptchaVerifiedEvent);
      expect(event.bubbles && event.composed).to.equal(true);
      expect(event.detail).to.include({ status: 'verified', appId: e.appId, driver: 'modern' });
      expect(event.detail.ticket).to.match(/^tr03/);
      expect(event.detail.randstr).to.match(/^@/);
      expect(Object.isFrozen(event.detail)).to.equal(true);
      expect(el.status).to.equal('verified');
      expect(el.matches(':state(verified)')).to.equal(true);
      expect(el.getTicket()).to.deep.equal({ ticket: event.detail.ticket, randstr: event.detail.randstr });
      await el.updateComplete;
      expect(button(el).textContent).to.equal('Verified');
      expect(button(el).getAttribute('aria-disabled')).to.equal('true');
      expect(statusText(el)).to.equal('Verification complete.');
      await expect(el).to.be.accessible();
    });

    it('shows "loading" then "verifying" states that are accessible', async () => {
      const el = await popup();
      const shown = el.show();
      await el.updateComplete;
      // The SDK is already loaded in this page, so the element goes straight to verifying.
      await shown;
      expect(el.status).to.equal('verifying');
      await el.updateComplete;
      // Until the SDK says the challenge is on screen, the element says it is still loading.
      expect(statusText(el)).to.equal('Loading the captcha…');
      await expect(el).to.be.accessible();
      await until(() => statusText(el) === 'Complete the captcha challenge.', 'the challenge on screen');
      await expect(el).to.be.accessible();
      await closeChallenge();
    });

    it('close → closed (ret 2), no ticket, and the button offers to try again', async () => {
      const el = await popup();
      const closed = oneEvent(el, 'closed');
      await el.show();
      await closeChallenge();
      const event = await closed;
      expect(event).to.be.instanceOf(TencentCaptchaClosedEvent);
      expect(event.detail).to.include({ status: 'closed', ret: 2, appId: e.appId });
      expect(el.status).to.equal('closed');
      expect(el.getTicket()).to.equal(null);
      await el.updateComplete;
      expect(button(el).textContent).to.equal('Try again');
      expect(statusText(el)).to.equal('The captcha was closed.');
      await expect(el).to.be.accessible();
    });

    it('the user-close fault → closed', async () => {
      await setSdkFault({ kind: 'user-close' }, 1);
      const el = await popup();
      const closed = oneEvent(el, 'closed');
      await el.show();
      expect((await closed).detail.ret).to.equal(2);
    });

    it('an SDK errorCode → fallback with the SDK own disaster ticket, although ret is 0', async () => {
      await setSdkFault({ kind: 'error-code', errorCode: 1006 }, 1);
      const el = await popup();
      const fallback = oneEvent(el, 'fallback');
      await el.show();
      const event = await fallback;
      expect(event).to.be.instanceOf(TencentCaptchaFallbackEvent);
      expect(event.detail).to.include({ status: 'fallback', errorCode: 1006, errorMessage: 'get_captcha_config_request_error', reason: 'sdk_error_code' });
      // TCaptcha.js (1.0) makes `terror_` tickets; the element passes it through untouched.
      expect(event.detail.ticket).to.match(/^terror_1006_/);
      expectDisasterTicket(event.detail.ticket, e.appId, 1006);
      expect(event.detail.randstr).to.match(/^@/);
      expect(el.status).to.equal('fallback');
      await el.updateComplete;
      // 1006: Tencent could not load the app's configuration; no promise that the form goes through.
      expect(statusText(el)).to.equal('The captcha could not load. Please try again later.');
      await expect(el).to.be.accessible();
    });

    it('the constructor throwing → fallback 1001 with a ticket built by the element', async () => {
      await setSdkFault({ kind: 'constructor-throw' }, 1);
      const el = await popup();
      const fallback = oneEvent(el, 'fallback');
      await el.show();
      const { detail } = await fallback;
      expect(detail).to.include({ errorCode: 1001, errorMessage: 'jsload_error', reason: 'sdk_init_error' });
      expectDisasterTicket(detail.ticket, e.appId, 1001);
      expect(detail.randstr).to.match(/^@[0-9a-z]{11}$/);
    });

    it('show() throwing → fallback 1001', async () => {
      await setSdkFault({ kind: 'show-throw' }, 1);
      const el = await popup();
      const fallback = oneEvent(el, 'fallback');
      await el.show();
      const { detail } = await fallback;
      expect(detail).to.include({ errorCode: 1001, reason: 'sdk_show_error' });
      expectDisasterTicket(detail.ticket, e.appId, 1001);
    });

    it('passes bizState, dark mode and language to the SDK and gets bizState back', async () => {
      const el = await fixture<TencentCaptchaElement>(
        html`<tencent-captcha app-id=${e.appId} src=${e.sdkUrl} biz-state="order-42" dark-mode="force" lang="zh-CN"></tencent-captcha>`,
      );
      const verified = oneEvent(el, 'verified');
      await el.show();
      await solve();
      expect((await verified).detail.bizState).to.equal('order-42');
      await el.updateComplete;
      expect(button(el).textContent).to.equal('验证通过');
      await expect(el).to.be.accessible();
    });

    it('verify() resolves with the result, and rejects with TencentCaptchaError closed', async () => {
      const el = await popup();
      const result = el.verify();
      await solve();
      expect((await result).status).to.equal('verified');
      // Already verified: resolves at once with the same result.
      expect((await el.verify()).ticket).to.equal((await result).ticket);

      el.reset();
      const closed = el.verify();
      await closeChallenge();
      const error = await closed.then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(TencentCaptchaError.is(error)).to.equal(true);
      expect((error as TencentCaptchaError).code).to.equal('closed');
    });

    it('verify() rejects with the abort reason and when reset', async () => {
      const el = await popup();
      const controller = new AbortController();
      const aborted = el.verify({ signal: controller.signal });
      controller.abort(new Error('gone'));
      const reason = await aborted.then(() => undefined, (err: unknown) => err);
      expect((reason as Error).message).to.equal('gone');

      const cancelled = el.verify();
      el.reset();
      const error = await cancelled.then(() => undefined, (err: unknown) => err);
      expect((error as TencentCaptchaError).code).to.equal('cancelled');
      expect(el.status).to.equal('idle');
    });

    it('reset() and destroy() return to idle and tear the challenge down', async () => {
      const el = await popup();
      await el.show();
      expect(hook()?.active).to.equal(true);
      el.destroy();
      expect(el.status).to.equal('idle');
      expect(hook()?.active).to.equal(false);

      const verified = oneEvent(el, 'verified');
      await el.show();
      await solve();
      await verified;
      el.reset();
      expect(el.status).to.equal('idle');
      expect(el.getTicket()).to.equal(null);
    });

    it('refresh() after a verification discards the ticket and shows a new challenge', async () => {
      const el = await popup();
      const first = oneEvent(el, 'verified');
      await el.show();
      await solve();
      const a = (await first).detail.ticket;
      await el.refresh();
      expect(el.status).to.equal('verifying');
      expect(el.getTicket()).to.equal(null);
      const second = oneEvent(el, 'verified');
      await solve();
      expect((await second).detail.ticket).to.not.equal(a);
    });

    it('is misconfigured without a numeric app-id: error state, verify() rejects, nothing loads', async () => {
      const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha app-id="abc" src=${e.sdkUrl}></tencent-captcha>`);
      const error = await el.verify().then(() => undefined, (err: unknown) => err);
      expect((error as TencentCaptchaError).code).to.equal('misconfigured');
      expect(el.status).to.equal('error');
      await el.updateComplete;
      expect(statusText(el)).to.equal('The captcha is not configured.');
      await expect(el).to.be.accessible();
    });

    it('a slotted trigger replaces the default button and opens the challenge', async () => {
      const el = await fixture<TencentCaptchaElement>(
        html`<tencent-captcha app-id=${e.appId} src=${e.sdkUrl}><button slot="trigger" type="button">Log in safely</button></tencent-captcha>`,
      );
      expect(button(el).checkVisibility()).to.equal(false);
      const verified = oneEvent(el, 'verified');
      el.querySelector('button')!.click();
      await solve();
      await verified;
      expect(el.status).to.equal('verified');
      await expect(el).to.be.accessible();
    });

    it('does not move focus when the status changes', async () => {
      const el = await popup();
      const outside = document.createElement('input');
      outside.setAttribute('aria-label', 'outside');
      document.body.append(outside);
      outside.focus();
      const fallback = oneEvent(el, 'fallback');
      await setSdkFault({ kind: 'error-code', errorCode: 1002 }, 1);
      await el.show();
      await fallback;
      await el.updateComplete;
      expect(document.activeElement).to.equal(outside);
      outside.remove();
    });
  });

  describe('embed', () => {
    it('renders the challenge inline at once, into a light-DOM box, and verifies', async () => {
      const verified = new Promise<TencentCaptchaVerifiedEvent>((resolve) => document.addEventListener('verified', resolve, { once: true }));
      const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha type="embed" app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
      await solve();
      const event = await verified;
      expect(event.target).to.equal(el);
      const box = el.querySelector('[slot="captcha"]');
      expect(box).to.exist;
      expect(el.shadowRoot!.querySelector('[part="button"]') === null).to.equal(true);
      expect(el.status).to.equal('verified');
      await expect(el).to.be.accessible();
    });

    it('shows a retry button after a fallback', async () => {
      await setSdkFault({ kind: 'error-code', errorCode: 1007 }, 1);
      const fallback = new Promise<Event>((resolve) => document.addEventListener('fallback', resolve, { once: true }));
      const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha type="embed" app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
      await fallback;
      await el.updateComplete;
      expect(button(el).textContent).to.equal('Try again');
      await expect(el).to.be.accessible();
    });
  });
});
