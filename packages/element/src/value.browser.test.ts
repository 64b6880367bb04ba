import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import './define.js';
import type { TencentCaptchaElement } from './tencent-captcha.js';
import { clearFaults, emulator, expectDisasterTicket, setSdkFault, solve, type EmulatorInfo } from '../test/emulator.js';

// The element as a framework's form control: a `value` (the ticket, '' when none) and `input` /
// `change` events whenever it changes, which is all Vue's v-model, Angular's DefaultValueAccessor
// (`ngDefaultControl`) and React's onInput/onChange need.
describe('<tencent-captcha> value, input and change', () => {
  let e: EmulatorInfo;

  before(async () => {
    e = await emulator();
  });

  afterEach(() => clearFaults());

  const make = () => fixture<TencentCaptchaElement>(html`<tencent-captcha app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);

  /** Records each input/change with the element's value at the time the listener ran. */
  function record(el: TencentCaptchaElement): { type: string; value: string; event: Event }[] {
    const seen: { type: string; value: string; event: Event }[] = [];
    for (const type of ['input', 'change']) el.addEventListener(type, (event) => seen.push({ type, value: el.value, event }));
    return seen;
  }

  async function verify(el: TencentCaptchaElement): Promise<string> {
    const verified = oneEvent(el, 'verified');
    await el.show();
    await solve();
    return (await verified).detail.ticket;
  }

  it('is empty before anything happened; input then change fire once the ticket is in, after verified', async () => {
    const el = await make();
    expect(el.value).to.equal('');
    const seen = record(el);
    el.addEventListener('verified', () => seen.push({ type: 'verified', value: el.value, event: new Event('verified') }));
    const ticket = await verify(el);
    expect(el.value).to.equal(ticket);
    expect(seen.map((s) => [s.type, s.value])).to.deep.equal([
      ['verified', ticket],
      ['input', ticket],
      ['change', ticket],
    ]);
    const { event } = seen[1]!;
    expect(event.constructor).to.equal(Event);
    expect(event.bubbles).to.equal(true);
    expect(event.composed).to.equal(true);
    expect(event.target).to.equal(el);
  });

  it('counts a disaster ticket as a value', async () => {
    await setSdkFault({ kind: 'error-code', errorCode: 1001 }, 1);
    const el = await make();
    const seen = record(el);
    const fallback = oneEvent(el, 'fallback');
    await el.show();
    const { detail } = await fallback;
    expectDisasterTicket(el.value, e.appId, 1001);
    expect(el.value).to.equal(detail.ticket);
    expect(seen.map((s) => s.type)).to.deep.equal(['input', 'change']);
  });

  it('empties on reset(), form reset and refresh(), firing input and change each time; not when it was already empty', async () => {
    const form = await fixture<HTMLFormElement>(html`<form><tencent-captcha app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha></form>`);
    const el = form.querySelector('tencent-captcha')!;
    const seen = record(el);

    el.reset();
    expect(seen).to.have.length(0);

    await verify(el);
    seen.length = 0;
    el.reset();
    expect(el.value).to.equal('');
    expect(seen.map((s) => [s.type, s.value])).to.deep.equal([
      ['input', ''],
      ['change', ''],
    ]);

    await verify(el);
    seen.length = 0;
    form.reset();
    expect(el.value).to.equal('');
    expect(seen.map((s) => s.type)).to.deep.equal(['input', 'change']);

    const ticket = await verify(el);
    seen.length = 0;
    const refreshed = el.refresh();
    expect(el.value).to.equal('');
    expect(seen.map((s) => [s.type, s.value])).to.deep.equal([
      ['input', ''],
      ['change', ''],
    ]);
    await refreshed;
    const next = await (async () => {
      const verified = oneEvent(el, 'verified');
      await solve();
      return (await verified).detail.ticket;
    })();
    expect(next).to.not.equal(ticket);
    expect(el.value).to.equal(next);
  });

  it('empties when the ticket expires', async () => {
    const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha app-id=${e.appId} src=${e.sdkUrl} ticket-lifetime="0.3"></tencent-captcha>`);
    const seen = record(el);
    await verify(el);
    await oneEvent(el, 'expired');
    expect(el.value).to.equal('');
    expect(seen.map((s) => [s.type, s.value.length > 0])).to.deep.equal([
      ['input', true],
      ['change', true],
      ['input', false],
      ['change', false],
    ]);
  });

  it("writing '' resets; writing the current ticket or anything else changes nothing", async () => {
    const el = await make();
    const seen = record(el);
    el.value = '';
    expect(seen).to.have.length(0);
    expect(el.status).to.equal('idle');

    const ticket = await verify(el);
    seen.length = 0;
    el.value = ticket;
    el.value = 'tr03forged';
    expect(el.value).to.equal(ticket);
    expect(el.status).to.equal('verified');
    expect(seen).to.have.length(0);

    el.value = '';
    expect(el.value).to.equal('');
    expect(el.status).to.equal('idle');
    expect(seen.map((s) => s.type)).to.deep.equal(['input', 'change']);
  });

  it("writing '' while a challenge is on screen leaves it there (a framework's first write of an empty model)", async () => {
    const el = await make();
    await el.show();
    expect(el.status).to.equal('verifying');
    el.value = '';
    expect(el.status).to.equal('verifying');
    el.reset();
  });

  it('two-way binding as Vue’s v-model does it (vModelText on a custom element)', async () => {
    // Vue: on mount and every render `el.value = model ?? ''`; on `input`, `model = el.value`.
    const el = await make();
    let model: string | null = null;
    const render = () => {
      if (el.value !== (model ?? '')) el.value = model ?? '';
    };
    el.addEventListener('input', () => {
      model = el.value;
      render();
    });
    render();
    const ticket = await verify(el);
    expect(model).to.equal(ticket);
    expect(el.value).to.equal(ticket);
    // The app clears its model (e.g. after the server refused the ticket): the element resets.
    model = '';
    render();
    expect(el.value).to.equal('');
    expect(el.status).to.equal('idle');
  });

  it('two-way binding as Angular’s DefaultValueAccessor (ngDefaultControl) with Validators.required does it', async () => {
    // Angular: writeValue(v) sets `el.value = v ?? ''`; `(input)` calls onChange($event.target.value);
    // Validators.required is invalid for '' (and null).
    const el = await make();
    const control = { value: null as string | null, get valid() { return this.value !== null && this.value !== ''; } };
    const writeValue = (v: string | null) => {
      el.value = v ?? '';
    };
    el.addEventListener('input', (event) => {
      control.value = (event.target as TencentCaptchaElement).value;
    });
    writeValue(control.value);
    expect(control.valid).to.equal(false);

    await setSdkFault({ kind: 'error-code', errorCode: 1001 }, 1);
    const fallback = oneEvent(el, 'fallback');
    await el.show();
    await fallback;
    expect(control.valid, 'a fallback satisfies required').to.equal(true);

    // form.reset() in Angular: the control is set to null and written to the element.
    control.value = null;
    writeValue(control.value);
    expect(el.value).to.equal('');
    expect(el.status).to.equal('idle');
    expect(control.valid).to.equal(false);

    await verify(el);
    expect(control.valid).to.equal(true);
    expect(control.value).to.equal(el.getTicket()!.ticket);
  });
});
