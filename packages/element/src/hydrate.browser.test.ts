import { expect } from '@open-wc/testing';
import type { TencentCaptchaElement } from './tencent-captcha.js';
import { clearFaults, setSdkFault, until } from '../test/emulator.js';

// Server-rendered markup (@lit-labs/ssr: declarative shadow DOM) upgraded in the browser, as a page
// of Next.js, Nuxt or Angular SSR would be: with dist/bundle.js, and with `define` after Lit's
// hydrate support. Either way one element results, with one trigger and one live region, and it
// works: the region announces each step. Each page is fresh (an iframe).
describe('<tencent-captcha> rendered on a server', () => {
  afterEach(() => clearFaults());

  async function ssrPage(mode: 'bundle' | 'hydrate'): Promise<{ frame: HTMLIFrameElement; el: TencentCaptchaElement }> {
    const frame = document.createElement('iframe');
    frame.src = `/__ssr.html?mode=${mode}&case=${mode}`;
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    await loaded;
    const win = frame.contentWindow as Window & typeof globalThis;
    await until(() => win.customElements.get('tencent-captcha') !== undefined, 'the element defined');
    const el = frame.contentDocument!.querySelector<TencentCaptchaElement>('tencent-captcha')!;
    await el.updateComplete;
    return { frame, el };
  }

  for (const mode of ['bundle', 'hydrate'] as const) {
    it(`${mode}: one trigger, one live region, and the region announces the steps`, async () => {
      const { frame, el } = await ssrPage(mode);
      const root = el.shadowRoot!;
      // The server's markup was there before any script ran.
      expect(frame.contentDocument!.querySelectorAll('tencent-captcha')).to.have.length(1);
      expect(root.querySelectorAll('[part="button"]')).to.have.length(1);
      expect(root.querySelectorAll('[role="status"]')).to.have.length(1);
      expect(root.querySelectorAll('[part="base"]')).to.have.length(1);
      const status = root.querySelector('[role="status"]')!;
      const button = root.querySelector<HTMLButtonElement>('[part="button"]')!;
      expect(status.textContent).to.equal('');

      // Tencent's script fails: loading, then the fallback, each said in the one live region.
      await setSdkFault({ kind: 'script-404' });
      const said: string[] = [];
      new MutationObserver(() => said.push(status.textContent ?? '')).observe(status, { childList: true, subtree: true, characterData: true });
      button.click();
      await until(() => el.status === 'fallback', 'the fallback');
      await el.updateComplete;
      expect(said).to.include('Loading the captcha…');
      expect(status.textContent).to.equal('The captcha could not load. You can continue.');
      expect(root.querySelectorAll('[part="button"]')).to.have.length(1);
      expect(root.querySelectorAll('[role="status"]')).to.have.length(1);
      expect(root.querySelector('[part="label"]')!.textContent).to.equal('Try again');
      frame.remove();
    });
  }
});
