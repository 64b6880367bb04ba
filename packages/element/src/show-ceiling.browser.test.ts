import { expect, fixture, html } from '@open-wc/testing';
import './define.js';
import type { TencentCaptchaElement } from './tencent-captcha.js';
import type { TencentCaptchaFallbackEvent } from './events.js';
import { loadTencentSdk } from './sdk-loader.js';
import { clearFaults, collect, emulator, setSdkFault, sleep, solve, until, type EmulatorInfo } from '../test/emulator.js';

// `show-timeout` is a ceiling from the first show(): while the element waits for the challenge it
// says so (busy button, spinner, "Loading…" in the live region) and clicks do not restart the wait.
// Timing is judged against what a restarted watchdog would do (no fallback at all while the user keeps
// clicking faster than the timeout), so late timers (Firefox under load) cannot make it pass or fail.
// The emulator's `challenge-hang` fault lasts for the page's life: the hanging test runs last.
describe('<tencent-captcha> show-timeout is a ceiling', () => {
  let e: EmulatorInfo;

  before(async () => {
    e = await emulator();
    await loadTencentSdk({ src: e.sdkUrl });
  });

  afterEach(() => clearFaults());

  const button = (el: TencentCaptchaElement) => el.shadowRoot!.querySelector<HTMLButtonElement>('[part="button"]')!;
  const statusText = (el: TencentCaptchaElement) => el.shadowRoot!.querySelector('[role="status"]')!.textContent;
  const icon = (el: TencentCaptchaElement) => el.shadowRoot!.querySelector('[part="icon"]')!;

  it('once the challenge appeared, the busy state ends and the status asks the user to solve it', async () => {
    const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha app-id=${e.appId} src=${e.sdkUrl}></tencent-captcha>`);
    button(el).click();
    await until(() => statusText(el) === 'Complete the captcha challenge.', 'the challenge on screen');
    expect(el.status).to.equal('verifying');
    expect(button(el).getAttribute('aria-busy')).to.equal(null);
    expect(icon(el).classList.contains('busy')).to.equal(false);
    const verified = collect(el, 'verified');
    await solve();
    await until(() => verified.length === 1, 'verified');
  });

  it('while the challenge does not appear: busy and saying so; clicks every 250 ms do not delay the fallback past show-timeout', async () => {
    // The SDK itself stays silent for 20 s (timeScale 1): only the element's ceiling can end this.
    await setSdkFault({ kind: 'challenge-hang', timeScale: 1 });
    const SHOW_TIMEOUT = 1200;
    const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha app-id=${e.appId} src=${e.sdkUrl} show-timeout=${SHOW_TIMEOUT}></tencent-captcha>`);
    const fallbacks = collect<TencentCaptchaFallbackEvent>(el, 'fallback');
    const t0 = performance.now();
    button(el).click();
    await sleep(150);
    await el.updateComplete;
    expect(el.status).to.equal('verifying');
    expect(button(el).getAttribute('aria-busy')).to.equal('true');
    expect(icon(el).classList.contains('busy')).to.equal(true);
    expect(statusText(el)).to.equal('Loading the captcha…');
    await expect(el).to.be.accessible();

    // A restarted watchdog would never fire while these clicks go on (every 250 ms < 1200 ms).
    let clicks = 1;
    while (fallbacks.length === 0 && performance.now() - t0 < 6000) {
      button(el).click();
      clicks++;
      await sleep(250);
    }
    expect(fallbacks, 'a fallback while the user kept clicking').to.have.length(1);
    expect(clicks).to.be.above(2);
    const after = fallbacks[0]!.timeStamp - t0;
    // Within show-timeout of the first click, plus what a late timer may add (never the 250 ms × clicks of a restart).
    expect(after).to.be.within(SHOW_TIMEOUT - 50, SHOW_TIMEOUT + 1500);
    expect(fallbacks[0]!.detail).to.include({ reason: 'sdk_show_timeout', errorCode: 1002 });
    await el.updateComplete;
    expect(button(el).getAttribute('aria-busy')).to.equal(null);
    expect(statusText(el)).to.equal('The captcha could not load. You can continue.');
  });
});
