/**
 * The emulated legacy (`003`, 天御) captcha script, served once per `CaptchaIframeQuery` URL. It
 * defines `capInit(div, options)`, `capGetTicket()`, `capRefresh()` and `capDestroy()`
 * (protocol.md §4.2): callback `{ ret: 0, ticket, randstr }` on success (seed `003`'s shape),
 * `{ ret: 1 }` when the user gives up. Types: `point` (default; a trigger button in the div that opens
 * a popup), `embed` (in the div), `popup` (opens at once). `capInit(document, { showHeader })` is the
 * mobile (H5) call: the challenge opens at once, full screen, with a header whose back button gives
 * up (ret 1); `showHeader: false` hides it. Tickets are checked with `CaptchaCheck`.
 */
import type { LegacyCapInitOptions, LegacyCaptchaResult } from '@tencent-captcha/protocol';
import { emulatorHook } from './automation.js';
import { ensureStyle, openChallenge, type Challenge, type VerifyAnswer } from './challenge-ui.js';
import { pickStrings } from './strings.js';

interface Boot {
  origin: string;
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

  let state:
    | {
        div: HTMLElement;
        /** `capInit(document, …)`: the full-screen layer the SDK added to the page. */
        fullscreen?: HTMLElement;
        options: LegacyCapInitOptions;
        trigger?: HTMLButtonElement;
        challenge?: Challenge;
        unregister?: () => void;
        waiters: Array<(r: LegacyCaptchaResult) => void>;
        sid: string;
      }
    | undefined;
  let ticket = '';
  let randstr = '';

  function stopChallenge(): void {
    if (!state) return;
    state.challenge?.destroy();
    state.challenge = undefined;
    state.unregister?.();
    state.unregister = undefined;
  }

  function report(result: LegacyCaptchaResult): void {
    const s = state;
    if (!s) return;
    const waiters = s.waiters.splice(0);
    try {
      s.options.callback?.(result);
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
    const lang = LANGS[s.options.lang ?? 2052] ?? 'zh-cn';
    const color = s.options.themeColor && /^[0-9a-fA-F]{3,8}$/.test(s.options.themeColor) ? `#${s.options.themeColor}` : undefined;
    let challenge: Challenge | undefined;
    const waitFor = (action: () => void) =>
      new Promise<LegacyCaptchaResult>((resolve) => {
        s.waiters.push(resolve);
        action();
      });
    s.unregister = hook._register({ solve: () => waitFor(() => challenge?.solve()), close: () => waitFor(() => challenge?.close()) });
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
        stopChallenge();
        ticket = answer.ticket;
        randstr = answer.randstr;
        if (s.fullscreen) {
          // Mobile: the page gets the screen back.
          closeFullscreen(s);
        } else if (s.trigger) {
          s.trigger.disabled = true;
          s.trigger.textContent = pickStrings(lang).strings.success;
        } else if (mode === 'embed' && !s.options.keepOpen) {
          // Like the real embed: ready for another verification after a pass.
          void start('embed');
        }
        report({ ret: 0, ticket: answer.ticket, randstr: answer.randstr });
      },
      onClosed: () => {
        stopChallenge();
        if (s.fullscreen) closeFullscreen(s);
        report({ ret: 1 });
      },
      onNetworkFailure: () => {
        stopChallenge();
        if (s.fullscreen) closeFullscreen(s);
        report({ ret: 1 });
      },
    });
    s.challenge = challenge;
  }

  function closeFullscreen(s: NonNullable<typeof state>): void {
    s.fullscreen?.remove();
    s.fullscreen = undefined;
  }

  /** The mobile layer: fixed over the whole viewport, an optional header, the challenge embedded below. */
  function openFullscreen(s: NonNullable<typeof state>, lang: string): HTMLElement {
    const layer = document.createElement('div');
    layer.setAttribute('data-testid', 'tcaptcha-fullscreen');
    layer.style.cssText = 'position:fixed;inset:0;z-index:2147483000;background:#fff;display:flex;flex-direction:column;overflow:auto';
    if (s.options.showHeader !== false) {
      const header = document.createElement('div');
      header.setAttribute('data-testid', 'tcaptcha-header');
      header.style.cssText = 'display:flex;align-items:center;gap:8px;height:44px;padding:0 8px;border-bottom:1px solid #d0d7de;flex:none';
      const back = document.createElement('button');
      back.type = 'button';
      back.textContent = '‹';
      back.setAttribute('aria-label', pickStrings(lang).strings.close);
      back.style.cssText = 'font:inherit;font-size:24px;border:0;background:none;min-width:44px;min-height:44px;cursor:pointer';
      back.addEventListener('click', () => s.challenge?.close());
      const title = document.createElement('span');
      title.textContent = pickStrings(lang).strings.title;
      header.append(back, title);
      layer.append(header);
    }
    const body = document.createElement('div');
    body.style.cssText = 'flex:1;display:flex;justify-content:center;padding:16px 0';
    layer.append(body);
    document.body.append(layer);
    s.fullscreen = layer;
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

  function capInit(target: HTMLElement | Document, options: LegacyCapInitOptions = {}): void {
    const isDocument = target?.nodeType === 9;
    if (!target || (target.nodeType !== 1 && !isDocument)) throw new Error('capInit: the first argument must be an element or document');
    capDestroy();
    ensureStyle(nonce);
    if (isDocument) {
      // The H5 call: no type, full screen at once.
      const s: NonNullable<typeof state> = { div: document.body, options, waiters: [], sid: '' };
      state = s;
      s.div = openFullscreen(s, LANGS[options.lang ?? 2052] ?? 'zh-cn');
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
      const lang = LANGS[options.lang ?? 2052] ?? 'zh-cn';
      const trigger = document.createElement('button');
      trigger.type = 'button';
      trigger.className = 'tce-trigger';
      trigger.setAttribute('data-testid', 'tcaptcha-trigger');
      trigger.textContent = pickStrings(lang).strings.trigger;
      trigger.addEventListener('click', () => void start('popup'));
      div.append(trigger);
      state.trigger = trigger;
    }
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
      s.trigger.textContent = pickStrings(LANGS[s.options.lang ?? 2052] ?? 'zh-cn').strings.trigger;
    } else {
      void start(s.options.type === 'embed' ? 'embed' : 'popup');
    }
  }

  function capGetTicket(): LegacyCaptchaResult & { ticket: string } {
    return ticket ? { ret: 0, ticket, randstr } : { ret: 1, ticket: '' };
  }

  win.capInit = capInit;
  win.capGetTicket = capGetTicket;
  win.capRefresh = capRefresh;
  win.capDestroy = capDestroy;
})();
