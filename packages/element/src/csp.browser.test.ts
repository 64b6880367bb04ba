import { expect } from '@open-wc/testing';
import type { TencentCaptchaElement } from './tencent-captcha.js';
import type { FallbackDetail, VerifiedDetail } from './events.js';
import { emulator, legacyScriptUrl, until, type EmulatorInfo } from '../test/emulator.js';

interface CspWindow extends Window {
  __csp: { violations: Array<{ directive: string; blocked: string; sample: string }>; nonce: string; ready?: boolean };
  __tencentCaptchaEmulator?: { solve(): Promise<unknown> };
  TencentCaptcha?: unknown;
}

// /__csp.html is served with a strict, nonce-based Content-Security-Policy header (see
// web-test-runner.config.mjs): `script-src 'nonce-…' ['strict-dynamic']`, `default-src 'none'`,
// `object-src 'none'`, `base-uri 'none'`; no 'unsafe-inline', no 'unsafe-eval'. The element is in the
// page's markup with its nonce; the SDK comes from the emulator's origin (standing in for Tencent's).
describe('<tencent-captcha> under a strict nonce-based CSP', () => {
  let e: EmulatorInfo;
  const frames: HTMLIFrameElement[] = [];

  before(async () => {
    e = await emulator();
  });

  after(() => {
    for (const frame of frames) frame.remove();
  });

  async function open(query: string): Promise<{ win: CspWindow; el: TencentCaptchaElement }> {
    const frame = document.createElement('iframe');
    frame.title = 'CSP page';
    frame.style.cssText = 'width: 800px; height: 600px; border: 0';
    frames.push(frame);
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    frame.src = `/__csp.html?${query}`;
    document.body.append(frame);
    await loaded;
    const win = frame.contentWindow as CspWindow;
    const deadline = performance.now() + 5000;
    while (!win.__csp?.ready) {
      if (performance.now() > deadline) throw new Error(`the CSP page did not boot: ${JSON.stringify(win.__csp?.violations)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const el = win.document.querySelector('tencent-captcha') as TencentCaptchaElement;
    await el.updateComplete;
    return { win, el };
  }

  const next = <T>(el: Element, type: string) => new Promise<T>((resolve) => el.addEventListener(type, (ev) => resolve((ev as CustomEvent<T>).detail), { once: true }));

  it('loads the SDK with the nonce and verifies, with no violation ("strict-dynamic")', async () => {
    const { win, el } = await open('strict-dynamic=1');
    expect(el.nonce, 'the nonce survives the browser hiding the attribute').to.equal(win.__csp.nonce);
    expect(el.getAttribute('nonce')).to.equal('');

    const verified = next<VerifiedDetail>(el, 'verified');
    await el.show();
    expect(el.status).to.equal('verifying');
    const script = win.document.querySelector<HTMLScriptElement>(`script[src="${e.sdkUrl}"]`)!;
    expect(script.nonce).to.equal(win.__csp.nonce);
    await win.__tencentCaptchaEmulator!.solve();
    expect((await verified).ticket).to.match(/^tr03/);
    expect(new FormData(win.document.querySelector('form')!).get('tencent-captcha-ticket')).to.equal(el.getTicket()!.ticket);
    expect(win.__csp.violations).to.deep.equal([]);
  });

  it('without "strict-dynamic" the nonce alone lets the SDK in', async () => {
    const { win, el } = await open('strict-dynamic=0');
    await el.show();
    expect(win.TencentCaptcha).to.be.a('function');
    expect(el.status).to.equal('verifying');
    expect(win.__csp.violations).to.deep.equal([]);
  });

  it('without the nonce the policy blocks the SDK, and the element falls back instead of leaving the form stuck', async () => {
    const { win, el } = await open('strict-dynamic=0&element-nonce=0');
    const fallback = next<FallbackDetail>(el, 'fallback');
    await el.show();
    const detail = await fallback;
    expect(detail).to.include({ errorCode: 1001, reason: 'sdk_load_error' });
    expect(win.__csp.violations.map((v) => v.directive)).to.include('script-src-elem');
    expect(win.__csp.violations.some((v) => v.blocked.startsWith(e.url))).to.equal(true);
  });

  it('legacy: with "strict-dynamic" the script\'s own sub-script is trusted too; no violation', async () => {
    const { win, el } = await open(`strict-dynamic=1&legacy=${encodeURIComponent(await legacyScriptUrl())}`);
    await until(() => el.querySelector('[data-testid="tcaptcha-trigger"]') !== null, 'the legacy SDK set up');
    expect(el.status).to.equal('verifying');
    expect(win.__csp.violations).to.deep.equal([]);
  });

  it('legacy: without "strict-dynamic" the policy blocks the sub-script the legacy script inserts without a nonce, and the element falls back', async () => {
    const { win, el } = await open(`strict-dynamic=0&legacy=${encodeURIComponent(await legacyScriptUrl())}`);
    // show-timeout is 1500 ms on this page: far longer than the page takes to hand the element over.
    expect(el.status).to.not.equal('fallback');
    expect(await next<FallbackDetail>(el, 'fallback')).to.include({ errorCode: 1002, reason: 'sdk_show_timeout' });
    expect(win.__csp.violations.some((v) => v.directive === 'script-src-elem' && v.blocked.includes('/legacy/TCapIframe.js'))).to.equal(true);
  });
});
