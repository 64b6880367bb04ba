/**
 * The emulated legacy (`003`, 天御) captcha script, served once per `CaptchaIframeQuery` URL. It
 * defines `capInit(div, options)`, `capGetTicket()`, `capRefresh()` and `capDestroy()`
 * (protocol.md §4.2): callback `{ ret: 0, ticket, randstr }` on success (seed `003`'s shape).
 * Types: `point` (default; a trigger button in the div that opens a popup), `embed` (in the div),
 * `popup` (opens at once). `capInit(document, { showHeader })` is the mobile (H5) call: the challenge
 * opens at once, full screen (a modal dialog that takes focus), with a header whose back button gives
 * up; `showHeader: false` hides it. Tickets are checked with `CaptchaCheck`.
 *
 * It fails the way Tencent's loader (`TCapIframeApi.js`) does:
 * - the globals exist at once, but the set-up waits for its second stage (`/legacy/TCapIframe.js`,
 *   as Tencent's waits for three sub-scripts from its CDN), with no `onerror` and no timer: if that
 *   hangs or fails (faults `legacy-subscript-hang`, `legacy-subscript-error`, or a CSP that blocks
 *   it), `capInit` has no effect, never throws and never calls back;
 * - `capGetTicket()` throws until the set-up ran, then answers `{ ticket, randstr }` without `ret`;
 * - a PC script (`clientype=2`) given `capInit(document, …)` throws a `TypeError` from
 *   `getComputedStyle(document)` in its set-up: uncaught, inside the second stage's `onload` when
 *   that is still loading (synchronously from `capInit` once it has loaded);
 * - closing the PC popup calls back nothing: only the `end` option runs (as Tencent's PC SDK does);
 *   the mobile back button calls back `{ ret: 1 }` (the H5 docs). `start` runs when a challenge opens,
 *   `end` when it closes (before the callback on a solve), is refreshed or destroyed.
 */
import type { LegacyCapInitOptions, LegacyCaptchaResult } from '@tencent-captcha/protocol';
import { emulatorHook } from './automation.js';
import { ensureStyle, openChallenge, type Challenge, type VerifyAnswer } from './challenge-ui.js';
import { pickStrings } from './strings.js';

interface Boot {
  origin: string;
  clientType?: 'pc' | 'mobile';
}

// Replaced by the server with a JSON object when it serves the script.
const BOOT_SLOT: unknown = '__TENCENT_CAPTCHA_EMULATOR_BOOT__';

const win = window as unknown as Record<string, unknown>;

(() => {
  const boot: Boot = typeof BOOT_SLOT === 'object' && BOOT_SLOT !== null ? (BOOT_SLOT as Boot) : { origin: location.origin };
  const current = document.currentScript as HTMLScriptElement | null;
  const origin = current?.src ? new URL(current.src, location.href).origin : boot.origin;
  const nonce = current?.nonce || undefined;
  const hook = emulatorHook();
  const pc = boot.clientType !== 'mobile';

  /** Whether the second stage loaded (Tencent's loader: all three sub-scripts). */
  let loaded = false;
  /** The `capInit` waiting for the second stage: only the last call's arguments are kept. */
  let pendingInit: (() => void) | undefined;
  /** Set by the first set-up that ran (Tencent's `q = new AqSCode(…)`): `capGetTicket()` throws without it. */
  let setUp = false;

  // Like Tencent's loader: the second stage is appended at once, without the page's nonce, and only its
  // `load` counts; there is no `onerror` and no timer.
  const stage2 = document.createElement('script');
  stage2.async = true;
  // A query of its own per load: Chromium holds a request for a URL while another for it hangs.
  stage2.src = `${origin}/legacy/TCapIframe.js?v=1.0&r=${Math.random().toString(36).slice(2)}`;
  stage2.onload = () => {
    loaded = true;
    const init = pendingInit;
    pendingInit = undefined;
    init?.();
  };
  document.head.append(stage2);

  async function call(path: string, body: unknown): Promise<any> {
    const res = await fetch(`${origin}/__emulator/sdk/${path}`, {
      method: 'POST',
      mode: 'cors',
      credentials: 'omit',
      headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`emulator answered ${res.status}`);
    return res.json();
  }

  const LANGS: Record<number, string> = { 2052: 'zh-cn', 1028: 'zh-tw', 1033: 'en' };

  type State = {
    div: HTMLElement;
    /** `capInit(document, …)`: the full-screen layer the SDK added to the page. */
    fullscreen?: HTMLElement;
    /** Where focus was before the full-screen layer took it. */
    restoreFocus?: HTMLElement | null;
    options: LegacyCapInitOptions;
    trigger?: HTMLButtonElement;
    challenge?: Challenge;
    unregister?: () => void;
    /** The automation hook's calls waiting for what the page's callback receives (`null`: nothing). */
    waiters: Array<(r: LegacyCaptchaResult | null) => void>;
    sid: string;
  };
  let state: State | undefined;
  let ticket = '';
  let randstr = '';

  const langOf = (options: LegacyCapInitOptions): string => LANGS[options.lang ?? 2052] ?? 'zh-cn';

  /** The page's `start` / `end` options; theirs to throw, as in Tencent's loader. */
  const notify = (s: State, which: 'start' | 'end') => {
    const fn = s.options[which];
    if (typeof fn === 'function') fn();
  };

  /** Takes the challenge down; `end` runs when one was open (Tencent's `closeSecurityCode`). */
  function stopChallenge(): void {
    const s = state;
    if (!s?.challenge) return;
    const wasOpen = s.challenge.open;
    s.challenge.destroy();
    s.challenge = undefined;
    s.unregister?.();
    s.unregister = undefined;
    if (wasOpen) notify(s, 'end');
  }

  function report(s: State, result: LegacyCaptchaResult | null): void {
    const waiters = s.waiters.splice(0);
    try {
      if (result) s.options.callback?.(result);
    } finally {
      for (const w of waiters) w(result);
    }
  }

  async function start(mode: 'popup' | 'embed'): Promise<void> {
    const s = state;
    if (!s) return;
    stopChallenge();
    const opened = (await call('legacy-show', {}).catch(() => undefined)) as { sid?: string; target?: number } | undefined;
    if (state !== s || !opened?.sid || opened.target === undefined) return;
    s.sid = opened.sid;
    const lang = langOf(s.options);
    const color = s.options.themeColor && /^[0-9a-fA-F]{3,8}$/.test(s.options.themeColor) ? `#${s.options.themeColor}` : undefined;
    let challenge: Challenge | undefined;
    const waitFor = (action: () => void) =>
      new Promise<LegacyCaptchaResult | null>((resolve) => {
        s.waiters.push(resolve);
        action();
      });
    s.unregister = hook._register({ solve: () => waitFor(() => challenge?.solve()), close: () => waitFor(() => challenge?.close()) });
    /** The challenge is gone (solved, closed, failed): `end`, then the page gets its screen back. */
    const finish = () => {
      s.challenge = undefined;
      s.unregister?.();
      s.unregister = undefined;
      notify(s, 'end');
      if (s.fullscreen) closeFullscreen(s);
    };
    challenge = openChallenge({
      mode,
      ...(mode === 'embed' ? { container: s.div } : {}),
      userLanguage: lang,
      dark: false,
      loading: true,
      closable: true,
      help: false,
      ...(nonce ? { nonce } : {}),
      ...(color ? { accent: color } : {}),
      target: opened.target,
      verify: async (value): Promise<VerifyAnswer> => {
        const answer = (await call('verify', { sid: s.sid, value, legacy: true })) as VerifyAnswer & { sid?: string };
        if (answer.sid) s.sid = answer.sid;
        return answer;
      },
      refresh: async () => {
        const answer = (await call('refresh', { sid: s.sid, legacy: true })) as { sid?: string; target?: number };
        if (answer.sid) s.sid = answer.sid;
        return answer.target;
      },
      onSolved: (answer) => {
        ticket = answer.ticket;
        randstr = answer.randstr;
        const keep = mode === 'embed' && !s.fullscreen && s.options.keepOpen === true;
        // Tencent's PC SDK: `end` then the callback; an embed kept open calls back first.
        if (!keep) finish();
        if (s.trigger) {
          s.trigger.disabled = true;
          s.trigger.textContent = pickStrings(lang).strings.success;
        }
        report(s, { ret: 0, ticket: answer.ticket, randstr: answer.randstr });
        if (keep) finish();
        // Like the real embed: ready for another verification after a pass.
        else if (mode === 'embed' && !s.fullscreen && !s.trigger) void start('embed');
      },
      onClosed: () => {
        const mobile = s.fullscreen !== undefined;
        finish();
        // Tencent's PC SDK only closes the frame and runs `end`; the H5 docs say `ret: 1`.
        report(s, mobile ? { ret: 1 } : null);
      },
      onNetworkFailure: () => {
        finish();
        report(s, { ret: 1 });
      },
    });
    s.challenge = challenge;
    notify(s, 'start');
  }

  function closeFullscreen(s: State): void {
    s.fullscreen?.remove();
    s.fullscreen = undefined;
    if (s.restoreFocus?.isConnected) s.restoreFocus.focus({ preventScroll: true });
    s.restoreFocus = undefined;
  }

  /**
   * The mobile layer: fixed over the whole viewport, an optional header, the challenge embedded below.
   * A modal dialog: it takes focus (the back button, else itself) and gives it back when it closes.
   */
  function openFullscreen(s: State, lang: string): HTMLElement {
    const strings = pickStrings(lang).strings;
    const layer = document.createElement('div');
    layer.setAttribute('data-testid', 'tcaptcha-fullscreen');
    layer.setAttribute('role', 'dialog');
    layer.setAttribute('aria-modal', 'true');
    layer.setAttribute('aria-label', strings.title);
    layer.tabIndex = -1;
    layer.style.cssText = 'position:fixed;inset:0;z-index:2147483000;background:#fff;display:flex;flex-direction:column;overflow:auto;outline:none';
    let back: HTMLButtonElement | undefined;
    if (s.options.showHeader !== false) {
      const header = document.createElement('div');
      header.setAttribute('data-testid', 'tcaptcha-header');
      header.style.cssText = 'display:flex;align-items:center;gap:8px;height:44px;padding:0 8px;border-bottom:1px solid #d0d7de;flex:none';
      back = document.createElement('button');
      back.type = 'button';
      back.textContent = '‹';
      back.setAttribute('aria-label', strings.close);
      back.style.cssText = 'font:inherit;font-size:24px;border:0;background:none;min-width:44px;min-height:44px;cursor:pointer';
      back.addEventListener('click', () => s.challenge?.close());
      const title = document.createElement('span');
      title.textContent = strings.title;
      header.append(back, title);
      layer.append(header);
    }
    const body = document.createElement('div');
    body.style.cssText = 'flex:1;display:flex;justify-content:center;padding:16px 0';
    layer.append(body);
    s.restoreFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    document.body.append(layer);
    s.fullscreen = layer;
    (back ?? layer).focus({ preventScroll: true });
    return body;
  }

  function capDestroy(): void {
    stopChallenge();
    if (state) {
      if (state.fullscreen) closeFullscreen(state);
      state.trigger?.remove();
      for (const node of [...state.div.querySelectorAll('[data-testid=tcaptcha-dialog]')]) node.remove();
    }
    state = undefined;
    ticket = '';
    randstr = '';
  }

  /** Tencent's set-up, once the second stage loaded: `new AqSCode(…)` and its first rendering. */
  function init(target: HTMLElement | Document, options: LegacyCapInitOptions): void {
    // Tencent's PC SDK measures its box first: `getComputedStyle(document)` throws a TypeError.
    if (pc && target.nodeType === 9) getComputedStyle(target as unknown as Element);
    capDestroy();
    setUp = true;
    ensureStyle(nonce);
    if (target.nodeType === 9) {
      // The H5 call: no type, full screen at once.
      const s: State = { div: document.body, options, waiters: [], sid: '' };
      state = s;
      s.div = openFullscreen(s, langOf(options));
      void start('embed');
      return;
    }
    const div = target as HTMLElement;
    state = { div, options, waiters: [], sid: '' };
    const type = options.type ?? 'point';
    if (type === 'embed') {
      void start('embed');
    } else if (type === 'popup') {
      void start('popup');
    } else {
      const trigger = document.createElement('button');
      trigger.type = 'button';
      trigger.className = 'tce-trigger';
      trigger.setAttribute('data-testid', 'tcaptcha-trigger');
      trigger.textContent = pickStrings(langOf(options)).strings.trigger;
      trigger.addEventListener('click', () => void start('popup'));
      div.append(trigger);
      state.trigger = trigger;
    }
  }

  /** Stores its arguments; the set-up runs now if the second stage has loaded, else when it does. */
  function capInit(target: HTMLElement | Document, options: LegacyCapInitOptions = {}): void {
    if (!target || (target.nodeType !== 1 && target.nodeType !== 9)) throw new Error('capInit: the first argument must be an element or document');
    const run = () => init(target, options);
    if (loaded) run();
    else pendingInit = run;
  }

  function capRefresh(): void {
    const s = state;
    if (!s) return;
    ticket = '';
    randstr = '';
    if (s.fullscreen) {
      stopChallenge();
      void start('embed');
    } else if (s.trigger) {
      stopChallenge();
      s.trigger.disabled = false;
      s.trigger.textContent = pickStrings(langOf(s.options)).strings.trigger;
    } else {
      void start(s.options.type === 'embed' ? 'embed' : 'popup');
    }
  }

  /** Tencent's: `q.getTicket()`, so it throws until the set-up ran, and has no `ret`. */
  function capGetTicket(): { ticket: string; randstr: string } {
    if (!setUp) throw new TypeError("Cannot read properties of undefined (reading 'getTicket')");
    return { ticket, randstr };
  }

  win.capInit = capInit;
  win.capGetTicket = capGetTicket;
  win.capRefresh = capRefresh;
  win.capDestroy = capDestroy;
})();
