import { expect, fixture, html } from '@open-wc/testing';
import './define.js';
import type { TencentCaptchaElement } from './tencent-captcha.js';
import type { TencentCaptchaExpiredEvent, TencentCaptchaFallbackEvent, TencentCaptchaVerifiedEvent } from './events.js';
import { loadTencentSdk } from './sdk-loader.js';
import { captureWarnings, clearFaults, collect, emulator, setSdkFault, sleep, solve, until, type EmulatorInfo } from '../test/emulator.js';

// What Tencent's real TCaptcha.js does that the element must cope with (besides a challenge that
// never appears, in show-timeout.browser.test.ts): the SDK's click binding on an embed container,
// the ticket prefix of the script loaded, ticket expiry, and misconfiguration.
describe('<tencent-captcha> and the real SDK’s behaviour', () => {
  let e: EmulatorInfo;

  before(async () => {
    e = await emulator();
    await loadTencentSdk({ src: e.sdkUrl });
  });

  afterEach(() => clearFaults());

  const statusText = (el: TencentCaptchaElement) => el.shadowRoot!.querySelector('[role="status"]')!.textContent;
  const box = (el: TencentCaptchaElement) => el.querySelector<HTMLElement>('[slot="captcha"]')!;
  const dialog = (el: TencentCaptchaElement) => box(el).querySelector('[data-testid="tcaptcha-dialog"]');

  describe('embed: the SDK binds click → show() on the container', () => {
    it('one failure → one fallback: clicking the box afterwards restarts nothing', async () => {
      await setSdkFault({ kind: 'error-code', errorCode: 1007 });
      const fallbacks = collect<TencentCaptchaFallbackEvent>(document, 'fallback');
      const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha type="embed" app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
      await until(() => fallbacks.length > 0, 'the fallback');
      const { ticket } = el.getTicket()!;
      box(el).click();
      box(el).click();
      await sleep(80);
      expect(fallbacks).to.have.length(1, 'one fallback');
      expect(el.getTicket()!.ticket).to.equal(ticket);
    });

    it('clicking the box around a challenge on screen does not restart it', async () => {
      const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha type="embed" app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
      await until(() => el.status === 'verifying' && dialog(el) !== null, 'the embedded challenge');
      const shown = dialog(el);
      box(el).click();
      await sleep(50);
      expect(dialog(el)).to.equal(shown);
      const verified = collect<TencentCaptchaVerifiedEvent>(el, 'verified');
      await solve();
      await until(() => verified.length === 1, 'verified');
      await sleep(30);
      expect(verified).to.have.length(1);
    });
  });

  describe('two elements and the SDK’s one captcha object per page', () => {
    it('resetting one leaves the other’s challenge on screen, and the other still verifies', async () => {
      const form = await fixture<HTMLFormElement>(html`<form>
        <tencent-captcha id="a" type="embed" app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>
        <tencent-captcha id="b" type="embed" app-id=${e.appId} src=${e.sdkUrl} name="b"></tencent-captcha>
      </form>`);
      const [a, b] = [form.querySelector<TencentCaptchaElement>('#a')!, form.querySelector<TencentCaptchaElement>('#b')!];
      await until(() => dialog(a) !== null && dialog(b) !== null, 'both embedded challenges');
      // b showed last: it is the SDK's current object, which a's destroy() must not take down (the
      // SDK's destroy() acts on it whoever calls it). a's own box is emptied.
      const shown = dialog(b);
      a.destroy();
      expect(a.status).to.equal('idle');
      expect(dialog(a)).to.equal(null);
      expect(dialog(b)).to.equal(shown);
      expect(b.status).to.equal('verifying');
      const verified = collect<TencentCaptchaVerifiedEvent>(b, 'verified');
      await solve();
      await until(() => verified.length === 1, 'verified');
    });
  });

  describe('ticket prefix of the script loaded', () => {
    it('terror_ for TCaptcha.js, trerror_ for TJCaptcha.js and TJNCaptcha-global.js', async () => {
      const prefixes: string[] = [];
      for (const src of [e.sdkUrl, e.sdkUrls.TJCaptcha, e.sdkUrls.TJNCaptchaGlobal]) {
        await setSdkFault({ kind: 'constructor-throw' }, 1);
        const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha app-id=${e.appId} src=${src}></tencent-captcha>`);
        await el.show();
        expect(el.status).to.equal('fallback');
        prefixes.push(el.getTicket()!.ticket.replace(/\d.*$/, ''));
      }
      expect(prefixes).to.deep.equal(['terror_', 'trerror_', 'trerror_']);
    });
  });

  describe('expiry', () => {
    it('drops a verified ticket after ticket-lifetime, fires expired and blocks a required form again', async () => {
      const form = await fixture<HTMLFormElement>(
        html`<form><tencent-captcha app-id=${e.appId} src=${e.sdkUrl} ticket-lifetime="0.8" required></tencent-captcha></form>`,
      );
      const el = form.querySelector('tencent-captcha')!;
      expect(el.ticketLifetime).to.equal(0.8);
      const expired = collect<TencentCaptchaExpiredEvent>(el, 'expired');
      const verified = collect<TencentCaptchaVerifiedEvent>(el, 'verified');
      await el.show();
      await solve();
      await until(() => verified.length === 1, 'verified');
      const { ticket } = verified[0]!.detail;
      expect(new FormData(form).get('tencent-captcha-ticket')).to.equal(ticket);
      expect(form.checkValidity()).to.equal(true);

      await until(() => expired.length === 1, 'expired', 2000);
      const event = expired[0]!;
      expect(event.bubbles && event.composed).to.equal(true);
      expect(event.detail).to.include({ status: 'expired', ticket, appId: e.appId, previous: 'verified' });
      expect(el.status).to.equal('idle');
      expect(el.getTicket()).to.equal(null);
      expect(new FormData(form).get('tencent-captcha-ticket')).to.equal(null);
      expect(form.checkValidity()).to.equal(false);
      await el.updateComplete;
      expect(statusText(el)).to.equal('The verification expired. Please verify again.');
      await expect(el).to.be.accessible();
      // The message goes with the next step.
      await el.show();
      await until(() => statusText(el) === 'Complete the captcha challenge.', 'the challenge on screen');
      el.reset();
    });

    it('drops a disaster ticket too, and a reset ticket never fires expired', async () => {
      await setSdkFault({ kind: 'error-code', errorCode: 1006 }, 1);
      const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha app-id=${e.appId} src=${e.sdkUrl} ticket-lifetime="0.2"></tencent-captcha>`);
      const expired = collect<TencentCaptchaExpiredEvent>(el, 'expired');
      await el.show();
      await until(() => el.status === 'fallback', 'fallback');
      await until(() => expired.length === 1, 'expired', 2000);
      expect(expired[0]!.detail.previous).to.equal('fallback');

      await setSdkFault({ kind: 'error-code', errorCode: 1006 }, 1);
      await el.show();
      await until(() => el.status === 'fallback', 'fallback');
      el.reset();
      await sleep(300);
      expect(expired).to.have.length(1);
    });
  });

  describe('misconfiguration', () => {
    it('a missing or invalid app-id warns at connect and shows the error state before any click', async () => {
      const warnings = captureWarnings();
      try {
        const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha app-id="abc" src=${e.sdkUrl}></tencent-captcha>`);
        await el.updateComplete;
        expect(el.status).to.equal('error');
        expect(warnings.messages).to.have.length(1);
        expect(warnings.messages[0]).to.match(/app-id/).and.match(/abc/);
        await el.updateComplete;
        expect(statusText(el)).to.equal('The captcha is not configured.');
        await expect(el).to.be.accessible();

        const missing = await fixture<TencentCaptchaElement>(html`<tencent-captcha src=${e.sdkUrl}></tencent-captcha>`);
        await missing.updateComplete;
        expect(missing.status).to.equal('error');
        expect(warnings.messages).to.have.length(2);

        // Fixed later (as frameworks set properties after connecting): back to idle, no more warnings.
        el.appId = e.appId;
        await el.updateComplete;
        expect(el.status).to.equal('idle');
        await el.updateComplete;
        expect(statusText(el)).to.equal('');
        expect(warnings.messages).to.have.length(2);
      } finally {
        warnings.restore();
      }
    });

    it('errorCode 1006 (Tencent could not load the app’s config): a developer hint, and no promise to the user', async () => {
      await setSdkFault({ kind: 'error-code', errorCode: 1006 }, 1);
      const warnings = captureWarnings();
      try {
        const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
        await el.show();
        await until(() => el.status === 'fallback', 'fallback');
        await el.updateComplete;
        expect(statusText(el)).to.not.match(/continue/i);
        expect(statusText(el)).to.equal('The captcha could not load. Please try again later.');
        expect(warnings.messages.some((m) => /1006/.test(m) && /app-id/.test(m))).to.equal(true);
        await expect(el).to.be.accessible();
      } finally {
        warnings.restore();
      }
    });
  });
});
