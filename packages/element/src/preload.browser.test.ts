import { expect } from '@open-wc/testing';
import type { TencentCaptchaElement } from './tencent-captcha.js';
import { emulator, sleep, until, type EmulatorInfo } from '../test/emulator.js';

// The `preload` attribute: when Tencent's script starts loading before the first show(). Once loaded
// the SDK stays for a page's life, so each case is a fresh page in an iframe (300 px tall: an
// element 2000 px down is out of view).
describe('<tencent-captcha preload>', () => {
  let e: EmulatorInfo;
  let n = 0;

  before(async () => {
    e = await emulator();
  });

  interface Page {
    frame: HTMLIFrameElement;
    el: TencentCaptchaElement;
    src: string;
    /** `<script>`s loading `src` (a retry's cache-busting URL included). */
    scripts(): HTMLScriptElement[];
  }

  async function page(attrs: string, { below = false } = {}): Promise<Page> {
    const src = `${e.sdkUrl}?case=preload-${++n}`;
    const frame = document.createElement('iframe');
    frame.style.height = '300px';
    frame.srcdoc = `<!doctype html><html lang="en"><body>
      <div style="height:${below ? 2000 : 0}px"></div>
      <tencent-captcha app-id="${e.appId}" src="${src}" nonce="n0nce" ${attrs}></tencent-captcha>
      <script type="module" src="${new URL('/src/define.ts', location.href).href}"></script>
    </body></html>`;
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    await loaded;
    const doc = frame.contentDocument!;
    const el = doc.querySelector<TencentCaptchaElement>('tencent-captcha')!;
    await el.updateComplete;
    return { frame, el, src, scripts: () => [...doc.scripts].filter((s) => s.src.startsWith(src)) };
  }

  const button = (el: TencentCaptchaElement) => el.shadowRoot!.querySelector<HTMLButtonElement>('[part="button"]')!;
  // What "nothing happened" has to wait out: the checks below would see a load started by now.
  const SETTLE = 300;

  it('default (intent): nothing loads until focus reaches the element; then one script, with the nonce, and the SDK is there at click', async () => {
    const p = await page('');
    expect(p.el.preload).to.equal('intent');
    await sleep(SETTLE);
    expect(p.scripts()).to.have.length(0);
    const origin = new URL(e.sdkUrl).origin;
    expect([...p.frame.contentDocument!.querySelectorAll<HTMLLinkElement>('link[rel="preconnect"]')].map((l) => l.href.replace(/\/$/, ''))).to.include(origin);
    button(p.el).focus();
    expect(p.scripts()).to.have.length(1);
    expect(p.scripts()[0]!.nonce).to.equal('n0nce');
    await until(() => typeof (p.frame.contentWindow as { TencentCaptcha?: unknown }).TencentCaptcha === 'function', 'the preloaded SDK');
    await p.el.show();
    expect(p.el.status).to.equal('verifying');
    expect(p.scripts(), 'the same one script: loaded once per page').to.have.length(1);
    p.frame.remove();
  });

  it('intent: a pointer entering the element starts the load', async () => {
    const p = await page('preload="intent"');
    await sleep(SETTLE);
    expect(p.scripts()).to.have.length(0);
    p.el.dispatchEvent(new PointerEvent('pointerenter'));
    expect(p.scripts()).to.have.length(1);
    p.frame.remove();
  });

  it('none: neither focus nor a pointer loads anything, and no preconnect hint', async () => {
    const p = await page('preload="none"');
    button(p.el).focus();
    p.el.dispatchEvent(new PointerEvent('pointerenter'));
    await sleep(SETTLE);
    expect(p.scripts()).to.have.length(0);
    expect(p.frame.contentDocument!.querySelector('link[rel="preconnect"]')).to.equal(null);
    p.frame.remove();
  });

  it('visible: loads once the element is in view, not while it is below the fold', async () => {
    const p = await page('preload="visible"', { below: true });
    await sleep(SETTLE);
    expect(p.scripts()).to.have.length(0);
    p.el.scrollIntoView();
    await until(() => p.scripts().length === 1, 'the load once in view');
    p.frame.remove();
  });

  it('eager: loads once the page has loaded, even below the fold', async () => {
    const p = await page('preload="eager"', { below: true });
    await until(() => p.scripts().length === 1, 'the eager load');
    p.frame.remove();
  });
});
