import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import './define.js';
import type { TencentCaptchaElement } from './tencent-captcha.js';
import { clearFaults, emulator, expectDisasterTicket, setSdkFault, solve, type EmulatorInfo } from '../test/emulator.js';

// The element as a form control: ElementInternals, no hidden inputs.
describe('<tencent-captcha> in a form', () => {
  let e: EmulatorInfo;

  before(async () => {
    e = await emulator();
  });

  afterEach(() => clearFaults());

  const form = (inner: ReturnType<typeof html>) => fixture<HTMLFormElement>(html`<form><input name="user" value="ada" aria-label="user" />${inner}<button>Log in</button></form>`);
  const captchaOf = (f: HTMLFormElement) => f.querySelector('tencent-captcha')!;

  /** What the browser would submit: the `submit` event fires only for a valid form. */
  async function submit(f: HTMLFormElement): Promise<FormData | undefined> {
    let data: FormData | undefined;
    const onSubmit = (event: SubmitEvent) => {
      event.preventDefault();
      data = new FormData(f, event.submitter);
    };
    f.addEventListener('submit', onSubmit, { once: true });
    f.requestSubmit();
    f.removeEventListener('submit', onSubmit);
    return data;
  }

  it('submits the ticket and randstr under the default field names, with no hidden inputs', async () => {
    const f = await form(html`<tencent-captcha app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
    const el = captchaOf(f);
    expect(el.form).to.equal(f);
    expect([...(await submit(f))!.keys()]).to.deep.equal(['user']);

    const verified = oneEvent(el, 'verified');
    await el.show();
    await solve();
    const { detail } = await verified;

    const data = (await submit(f))!;
    expect(data.get('tencent-captcha-ticket')).to.equal(detail.ticket);
    expect(data.get('tencent-captcha-randstr')).to.equal(detail.randstr);
    expect(data.get('user')).to.equal('ada');
    expect(f.querySelectorAll('input[type="hidden"]').length).to.equal(0);
    expect(el.fieldNames).to.deep.equal({ ticket: 'tencent-captcha-ticket', randstr: 'tencent-captcha-randstr' });
  });

  it('puts the value in the form before the verified event reaches listeners', async () => {
    const f = await form(html`<tencent-captcha app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
    const el = captchaOf(f);
    let seen: string | null = null;
    el.addEventListener('verified', () => {
      seen = new FormData(f).get('tencent-captcha-ticket') as string | null;
    });
    const verified = oneEvent(el, 'verified');
    await el.show();
    await solve();
    expect(seen).to.equal((await verified).detail.ticket);
  });

  it('uses `name` as the field prefix', async () => {
    const f = await form(html`<tencent-captcha name="captcha" app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
    const el = captchaOf(f);
    const verified = oneEvent(el, 'verified');
    await el.show();
    await solve();
    await verified;
    const data = (await submit(f))!;
    expect(data.get('captcha-ticket')).to.equal(el.getTicket()!.ticket);
    expect(data.get('captcha-randstr')).to.equal(el.getTicket()!.randstr);
    expect(data.has('tencent-captcha-ticket')).to.equal(false);
  });

  it('submits a disaster ticket after a fallback', async () => {
    await setSdkFault({ kind: 'error-code', errorCode: 1006 }, 1);
    const f = await form(html`<tencent-captcha app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
    const el = captchaOf(f);
    const fallback = oneEvent(el, 'fallback');
    await el.show();
    const { detail } = await fallback;
    const data = (await submit(f))!;
    expect(data.get('tencent-captcha-ticket')).to.equal(detail.ticket);
    expectDisasterTicket(String(data.get('tencent-captcha-ticket')), e.appId, 1006);
  });

  for (const type of ['popup', 'embed'] as const) {
    it(`\`required\` ${type}: a blocked submission focuses a part of the element, which says it is invalid`, async () => {
      const f = await form(html`<tencent-captcha required type=${type} app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
      const el = captchaOf(f);
      await el.updateComplete;
      f.querySelector<HTMLButtonElement>('form > button')!.focus();
      const invalid = oneEvent(el, 'invalid');
      expect(await submit(f)).to.equal(undefined);
      await invalid;
      // The browser moved focus to the validation anchor: inside the element, not left on the submit button.
      expect(document.activeElement).to.equal(el);
      const anchor = el.shadowRoot!.activeElement as HTMLElement | null;
      expect(anchor, 'a focused part in the shadow root').to.not.equal(null);
      await el.updateComplete;
      const button = el.shadowRoot!.querySelector('[part="button"]');
      if (type === 'popup') {
        expect(anchor).to.equal(button);
        expect(button!.getAttribute('aria-invalid')).to.equal('true');
      } else {
        expect(anchor!.getAttribute('aria-invalid')).to.equal('true');
      }
      const status = el.shadowRoot!.querySelector('[role="status"]')!;
      if (type === 'popup') {
        // Nothing under way: the status region, which describes the button, says what is missing.
        expect(status.textContent).to.equal('Please complete the captcha.');
        expect(button!.getAttribute('aria-describedby')).to.equal(status.id);
      } else {
        // The embedded challenge is on its way or on screen: the focused region says so.
        expect(status.textContent).to.be.oneOf(['Loading the captcha…', 'Complete the captcha challenge.']);
      }
      expect(el.validationMessage).to.equal('Please complete the captcha.');
      await expect(el).to.be.accessible();
      el.reset();
    });
  }

  it('`required` blocks submission until verified, with a localized message', async () => {
    const f = await form(html`<tencent-captcha required app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
    const el = captchaOf(f);
    expect(el.willValidate).to.equal(true);
    expect(el.validity.valueMissing).to.equal(true);
    expect(el.validationMessage).to.equal('Please complete the captcha.');
    expect(f.checkValidity()).to.equal(false);
    expect(el.matches(':invalid')).to.equal(true);
    let invalid = false;
    el.addEventListener('invalid', () => (invalid = true), { once: true });
    expect(await submit(f)).to.equal(undefined);
    expect(invalid).to.equal(true);
    await expect(el).to.be.accessible();

    await el.show();
    await solve();
    expect(el.validity.valid).to.equal(true);
    expect(f.checkValidity()).to.equal(true);
    expect((await submit(f))!.get('tencent-captcha-ticket')).to.equal(el.getTicket()!.ticket);
  });

  it('`required` is satisfied by a fallback too, but not by closing', async () => {
    const f = await form(html`<tencent-captcha required app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
    const el = captchaOf(f);
    await setSdkFault({ kind: 'user-close' }, 1);
    const closed = oneEvent(el, 'closed');
    await el.show();
    await closed;
    expect(f.checkValidity()).to.equal(false);

    await setSdkFault({ kind: 'constructor-throw' }, 1);
    const fallback = oneEvent(el, 'fallback');
    await el.show();
    await fallback;
    expect(f.checkValidity()).to.equal(true);
  });

  it('the validation message follows lang', async () => {
    const f = await form(html`<tencent-captcha lang="zh-CN" required app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
    await waitUntil(() => captchaOf(f).validationMessage === '请先完成人机验证。', 'the zh-cn message arrives');
  });

  it('reportValidity() shows the message at the trigger without the element moving focus on its own', async () => {
    const f = await form(html`<tencent-captcha required app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
    const el = captchaOf(f);
    expect(el.reportValidity()).to.equal(false);
    // The browser focuses the validation anchor: the element's own trigger button.
    expect(el.shadowRoot!.activeElement).to.equal(el.shadowRoot!.querySelector('[part="button"]'));
  });

  it('form reset clears the ticket, the fields and the status', async () => {
    const f = await form(html`<tencent-captcha required app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
    const el = captchaOf(f);
    await el.show();
    await solve();
    expect(el.status).to.equal('verified');
    f.reset();
    expect(el.status).to.equal('idle');
    expect(el.getTicket()).to.equal(null);
    expect(new FormData(f).has('tencent-captcha-ticket')).to.equal(false);
    expect(el.validity.valueMissing).to.equal(true);
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('`disabled`: the trigger is disabled, show() does nothing, verify() rejects, nothing is submitted', async () => {
    const f = await form(html`<tencent-captcha disabled required app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
    const el = captchaOf(f);
    const trigger = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="button"]')!;
    expect(trigger.disabled).to.equal(true);
    expect(el.matches(':disabled')).to.equal(true);
    expect(el.willValidate).to.equal(false);
    expect(f.checkValidity()).to.equal(true);
    await el.show();
    expect(el.status).to.equal('idle');
    const error = await el.verify().then(() => undefined, (err: { code?: string }) => err);
    expect(error?.code).to.equal('disabled');
    await expect(el).to.be.accessible();

    el.disabled = false;
    await el.updateComplete;
    expect(trigger.disabled).to.equal(false);
    await el.show();
    await solve();
    expect(new FormData(f).has('tencent-captcha-ticket')).to.equal(true);
    // A disabled control is not submitted, but keeps its ticket for when it is enabled again.
    el.disabled = true;
    expect(new FormData(f).has('tencent-captcha-ticket')).to.equal(false);
    el.disabled = false;
    expect(new FormData(f).get('tencent-captcha-ticket')).to.equal(el.getTicket()!.ticket);
  });

  it('honours a disabled fieldset', async () => {
    const f = await fixture<HTMLFormElement>(
      html`<form><fieldset disabled><legend>Captcha</legend><tencent-captcha app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha></fieldset></form>`,
    );
    const el = captchaOf(f);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector<HTMLButtonElement>('[part="button"]')!.disabled).to.equal(true);
    await el.show();
    expect(el.status).to.equal('idle');
    f.querySelector('fieldset')!.disabled = false;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector<HTMLButtonElement>('[part="button"]')!.disabled).to.equal(false);
  });
});
