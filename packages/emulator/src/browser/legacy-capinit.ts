/**
 * The emulated legacy (`003`, 天御) captcha script, served once per `CaptchaIframeQuery` URL. It
 * defines `capInit(div, options)`, `capGetTicket()`, `capRefresh()` and `capDestroy()`
 * (protocol.md §4.2): callback `{ ret: 0, ticket }` on success, `{ ret: 1 }` when the user gives up.
 * Types: `point` (default; a trigger button in the div that opens a popup), `embed` (in the div),
 * `popup` (opens at once). Tickets are checked with `CaptchaCheck`.
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
        options: LegacyCapInitOptions;
        trigger?: HTMLButtonElement;
        challenge?: Challenge;
        unregister?: () => void;
        waiters: Array<(r: LegacyCaptchaResult) => void>;
        sid: string;
      }
    | undefined;
  let ticket = '';

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
        if (s.trigger) {
          s.trigger.disabled = true;
          s.trigger.textContent = pickStrings(lang).strings.success;
        } else if (mode === 'embed' && !s.options.keepOpen) {
          // Like the real embed: ready for another verification after a pass.
          void start('embed');
        }
        report({ ret: 0, ticket: answer.ticket });
      },
      onClosed: () => {
        stopChallenge();
        report({ ret: 1 });
      },
      onNetworkFailure: () => {
        stopChallenge();
        report({ ret: 1 });
      },
    });
    s.challenge = challenge;
  }

  function capDestroy(): void {
    stopChallenge();
    if (state) {
      state.trigger?.remove();
      for (const node of [...state.div.querySelectorAll('[data-testid=tcaptcha-dialog]')]) node.remove();
    }
    state = undefined;
    ticket = '';
  }

  function capInit(div: HTMLElement, options: LegacyCapInitOptions = {}): void {
    if (!div || div.nodeType !== 1) throw new Error('capInit: the first argument must be an element');
    capDestroy();
    ensureStyle(nonce);
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
    if (s.trigger) {
      stopChallenge();
      s.trigger.disabled = false;
      s.trigger.textContent = pickStrings(LANGS[s.options.lang ?? 2052] ?? 'zh-cn').strings.trigger;
    } else {
      void start(s.options.type === 'embed' ? 'embed' : 'popup');
    }
  }

  function capGetTicket(): LegacyCaptchaResult & { ticket: string } {
    return ticket ? { ret: 0, ticket } : { ret: 1, ticket: '' };
  }

  win.capInit = capInit;
  win.capGetTicket = capGetTicket;
  win.capRefresh = capRefresh;
  win.capDestroy = capDestroy;
})();
