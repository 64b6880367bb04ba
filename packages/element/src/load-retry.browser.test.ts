import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import './define.js';
import type { TencentCaptchaElement } from './tencent-captcha.js';
import { clearFaults, emulator, setSdkFault, solve, type EmulatorInfo } from '../test/emulator.js';

// "Try again" after a timed-out load, with the first request still hanging (the emulator never
// answers it): browsers would hand the retry that same pending request for the same URL, so the
// retry must ask for a URL of its own. Its own page: the SDK must not be loaded before.
describe('<tencent-captcha> retrying a load that timed out', () => {
  let e: EmulatorInfo;
  const seen: string[] = [];
  const record = (records: MutationRecord[]) => {
    for (const r of records) for (const node of r.addedNodes) if (node instanceof HTMLScriptElement && node.src) seen.push(node.src);
  };
  const observer = new MutationObserver(record);
  /** The script URLs the page asked for so far. */
  const requested = () => {
    record(observer.takeRecords());
    return seen;
  };

  before(async () => {
    e = await emulator();
    observer.observe(document.head, { childList: true });
  });

  after(() => {
    observer.disconnect();
    return clearFaults();
  });

  it('the retry reaches the network (a cache-busting query on the retry only) and the user can verify', async () => {
    expect((window as { TencentCaptcha?: unknown }).TencentCaptcha, 'no SDK in the page yet').to.equal(undefined);
    await setSdkFault({ kind: 'script-hang' }, 1);
    const url = `${e.sdkUrl}?case=retry`;
    const el = await fixture<TencentCaptchaElement>(html`<tencent-captcha app-id=${e.appId} src=${url} load-timeout="500"></tencent-captcha>`);
    const fallback = oneEvent(el, 'fallback');
    void el.show();
    expect((await fallback).detail).to.include({ reason: 'sdk_load_timeout', errorCode: 1001 });
    expect(requested(), 'the first load asks for the URL as given').to.deep.equal([url]);

    // "Try again" while the first request still hangs (with room for a slow machine to serve it).
    el.loadTimeout = 5000;
    await el.updateComplete;
    const verified = oneEvent(el, 'verified');
    const retry = el.show();
    expect(requested()).to.have.length(2);
    const retryUrl = new URL(requested()[1]!);
    expect(retryUrl.origin + retryUrl.pathname).to.equal(new URL(url).origin + new URL(url).pathname);
    expect(retryUrl.searchParams.get('case'), 'the page’s own query stays').to.equal('retry');
    expect(requested()[1]).not.to.equal(url);
    await retry;
    expect(el.status, 'the retry loaded (it did not time out again)').to.equal('verifying');
    await solve();
    expect((await verified).detail.ticket).to.match(/^tr03/);
  });
});
