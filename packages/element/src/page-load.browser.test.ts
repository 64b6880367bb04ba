import { expect } from '@open-wc/testing';
import type { TencentCaptchaElement } from './tencent-captcha.js';
import { clearFaults, emulator, setSdkFault, until, type EmulatorInfo } from '../test/emulator.js';

// `type="embed"` starts on its own, and nothing it starts may hold back the page's `load` event
// (tab spinner, analytics, test runners, Lighthouse). Each case loads a fresh page in an iframe,
// with the element in its markup, and waits for that page's `load` while Tencent's side hangs.
// Without the fix `load` never fires at all while the script hangs, so the bound below only has to
// cover a slow machine loading the page's modules.
describe('<tencent-captcha type="embed"> and the page’s load event', () => {
  let e: EmulatorInfo;
  const LOAD_BOUND = 8000;

  before(async () => {
    e = await emulator();
  });

  afterEach(() => clearFaults());

  /** A page with an embedded element; resolves when its `load` fired (or rejects after LOAD_BOUND). */
  async function pageWithEmbed(src: string, attrs = ''): Promise<{ frame: HTMLIFrameElement; el: TencentCaptchaElement; statusAtLoad: string }> {
    const frame = document.createElement('iframe');
    frame.srcdoc = `<!doctype html><html lang="en"><body>
      <tencent-captcha type="embed" app-id="${e.appId}" src="${src}" ${attrs}></tencent-captcha>
      <script>addEventListener('load', () => { window.statusAtLoad = document.querySelector('tencent-captcha').status; });</script>
      <script type="module" src="${new URL('/src/define.ts', location.href).href}"></script>
    </body></html>`;
    let statusAtLoad = '';
    const loaded = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the page's load event did not fire within ${LOAD_BOUND} ms`)), LOAD_BOUND);
      frame.addEventListener('load', () => {
        clearTimeout(timer);
        // Recorded by the page's first load listener, before any of the element's.
        statusAtLoad = (frame.contentWindow as unknown as { statusAtLoad: string }).statusAtLoad;
        resolve();
      });
    });
    document.body.append(frame);
    await loaded;
    return { frame, el: frame.contentDocument!.querySelector<TencentCaptchaElement>('tencent-captcha')!, statusAtLoad };
  }

  it('fires while Tencent’s script hangs; the element starts loading right after', async function () {
    this.timeout(LOAD_BOUND + 5000);
    await setSdkFault({ kind: 'script-hang' });
    const { frame, el, statusAtLoad } = await pageWithEmbed(`${e.sdkUrl}?case=embed-script-hang`, 'load-timeout="2000"');
    expect(statusAtLoad, 'nothing started before load').to.equal('idle');
    await until(() => el.status === 'loading', 'the load after the page’s load event');
    await until(() => el.status === 'fallback', 'the fallback after load-timeout', 6000);
    frame.remove();
  });

  it('fires while the challenge (the second stage) hangs; the fallback follows after load', async function () {
    this.timeout(LOAD_BOUND + 5000);
    await setSdkFault({ kind: 'challenge-hang', timeScale: 1 });
    const { frame, el, statusAtLoad } = await pageWithEmbed(`${e.sdkUrl}?case=embed-challenge-hang`, 'show-timeout="1500"');
    expect(statusAtLoad, 'nothing started before load').to.equal('idle');
    await until(() => el.status === 'fallback', 'the show-timeout fallback', 6000);
    frame.remove();
  });
});
