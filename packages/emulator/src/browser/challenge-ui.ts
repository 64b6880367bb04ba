/**
 * The emulated challenge, shared by the SDK and the legacy script: a slider puzzle ("move the
 * piece to the gap") built on a native `<input type="range">`, so it works by mouse, touch and
 * keyboard and has an accessible name. The gap position is also written out as text, so a screen
 * reader user can solve it. The answer is checked by the emulator server, which then issues the
 * ticket.
 *
 * Stable hooks for tests: `data-testid` `tcaptcha-dialog` (the box), `tcaptcha-overlay` (popup
 * backdrop), `tcaptcha-loading`, `tcaptcha-slider`, `tcaptcha-target`, `tcaptcha-verify`,
 * `tcaptcha-refresh`, `tcaptcha-close` (popup only), `tcaptcha-help`, `tcaptcha-status`.
 */
import { pickStrings } from './strings.js';

/** What the server says about an answer. */
export interface VerifyAnswer {
  pass: boolean;
  ticket?: string;
  randstr?: string;
  /** A new gap position after a wrong answer. */
  target?: number;
}

/** How to show one challenge. */
export interface ChallengeConfig {
  mode: 'popup' | 'embed';
  /** Embed mode: the element to render into. */
  container?: HTMLElement;
  userLanguage?: string;
  dark: boolean;
  /** Show a loading box first. */
  loading: boolean;
  /** Popup: offer a close button and close on Escape. */
  closable: boolean;
  /** Help link URL, or `false` to hide it. */
  help: string | false;
  /** CSP nonce for the injected stylesheet. */
  nonce?: string;
  /** Accent colour (CSS), e.g. the legacy SDK's `themeColor`. */
  accent?: string;
  /** Gap position, 0–100. */
  target: number;
  verify(value: number): Promise<VerifyAnswer>;
  refresh(): Promise<number | undefined>;
  onSolved(answer: { ticket: string; randstr: string; verifyDuration: number; actionDuration: number }): void;
  onClosed(): void;
  onAttempt?(pass: boolean): void;
  /** Three verify requests in a row failed on the network. */
  onNetworkFailure(): void;
  onRendered?(size: { width: number; height: number }): void;
}

/** A challenge on screen (or loading). */
export interface Challenge {
  /** Completes it as a person would: slider to the gap, then Verify. */
  solve(): void;
  /** Closes it as the user would. */
  close(): void;
  /** Removes it silently. */
  destroy(): void;
  readonly open: boolean;
}

const STYLE_ID = 'tencent-captcha-emulator-style';
const CSS = `
.tce-overlay{position:fixed;inset:0;z-index:2147483000;display:flex;box-sizing:border-box;padding:8px;overflow:auto;overscroll-behavior:contain;background:rgba(0,0,0,.45)}
.tce-overlay>.tce-box{margin:auto}
.tce-box{box-sizing:border-box;width:360px;max-width:calc(100vw - 16px);min-height:360px;padding:16px;border-radius:8px;background:#fff;color:#1f2328;
  font:14px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;box-shadow:0 8px 32px rgba(0,0,0,.3);display:flex;flex-direction:column;gap:10px;text-align:start}
.tce-box[data-mode=embed]{width:300px;min-height:230px;box-shadow:none;border:1px solid #d0d7de}
.tce-box[data-theme=dark]{background:#1f2428;color:#e6edf3;border-color:#444c56}
.tce-row{display:flex;align-items:center;justify-content:space-between;gap:8px}
.tce-title{margin:0;font-size:16px;font-weight:600}
.tce-text{margin:0}
.tce-icon{border:0;background:transparent;color:inherit;font:inherit;font-size:18px;line-height:1;cursor:pointer;padding:4px 8px;border-radius:4px}
.tce-track{position:relative;height:72px;border-radius:6px;background:linear-gradient(135deg,#a5d8ff,#d0bfff)}
.tce-box[data-theme=dark] .tce-track{background:linear-gradient(135deg,#1c4a75,#4b3a7a)}
.tce-gap,.tce-piece{position:absolute;top:16px;width:40px;height:40px;margin-left:-20px;border-radius:6px;box-sizing:border-box}
.tce-gap{border:2px dashed rgba(0,0,0,.6);background:rgba(255,255,255,.35)}
.tce-piece{background:var(--tce-accent,#1f6feb);box-shadow:0 2px 6px rgba(0,0,0,.35)}
.tce-slider{width:100%;margin:0;accent-color:var(--tce-accent,#1f6feb)}
.tce-verify{font:inherit;padding:6px 18px;border:0;border-radius:6px;background:var(--tce-accent,#1f6feb);color:#fff;cursor:pointer}
.tce-verify:disabled{opacity:.6;cursor:default}
.tce-status{min-height:1.5em;margin:0}
.tce-help{color:inherit}
.tce-loading{display:flex;align-items:center;justify-content:center;min-height:120px}
.tce-box :focus-visible{outline:2px solid var(--tce-accent,#1f6feb);outline-offset:2px}
.tce-trigger{box-sizing:border-box;width:100%;height:100%;min-height:40px;font:inherit;border:1px solid #d0d7de;border-radius:6px;background:#f6f8fa;color:#1f2328;cursor:pointer}
.tce-trigger:disabled{cursor:default;color:#1a7f37}
@media (prefers-reduced-motion:no-preference){.tce-piece{transition:left 60ms linear}}
`;

/** Adds the challenge's stylesheet to the document once. */
export function ensureStyle(nonce: string | undefined): void {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement('style');
  style.id = STYLE_ID;
  if (nonce) style.nonce = nonce;
  style.textContent = CSS;
  (document.head ?? document.documentElement).appendChild(style);
}

let counter = 0;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

const position = (value: number): string => `calc(20px + (100% - 40px) * ${value / 100})`;

/** Opens a challenge. */
export function openChallenge(config: ChallengeConfig): Challenge {
  ensureStyle(config.nonce);
  const { lang, strings: s } = pickStrings(config.userLanguage);
  const id = `tce-${++counter}`;
  const popup = config.mode === 'popup';
  const restoreFocus = popup && document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
  let open = true;
  let busy = false;
  let failures = 0;
  let target = config.target;
  let firstActionAt: number | undefined;
  let renderTimer: ReturnType<typeof setTimeout> | undefined;

  const box = el('div', {
    class: popup ? 'tce-box' : 'tce-box tcaptcha-transform',
    'data-testid': 'tcaptcha-dialog',
    'data-mode': config.mode,
    'data-theme': config.dark ? 'dark' : 'light',
    lang,
    'aria-labelledby': `${id}-title`,
    'aria-describedby': `${id}-desc`,
  });
  box.setAttribute('role', popup ? 'dialog' : 'group');
  // Tencent's challenge lives in an iframe: clicks inside it never reach the page (nor an element
  // the SDK bound its click → show() to, such as the embed container).
  box.addEventListener('click', (event) => event.stopPropagation());
  if (config.accent) box.style.setProperty('--tce-accent', config.accent);
  if (popup) box.setAttribute('aria-modal', 'true');

  const overlay = popup ? el('div', { class: 'tce-overlay tcaptcha-transform', 'data-testid': 'tcaptcha-overlay' }) : undefined;

  const head = el('div', { class: 'tce-row' });
  head.append(el('h2', { class: 'tce-title', id: `${id}-title` }, s.title));
  let closeButton: HTMLButtonElement | undefined;
  if (popup && config.closable) {
    closeButton = el('button', { type: 'button', class: 'tce-icon', 'aria-label': s.close, 'data-testid': 'tcaptcha-close' }, '×');
    head.append(closeButton);
  }

  const loadingBox = el('div', { class: 'tce-loading', role: 'status', 'data-testid': 'tcaptcha-loading' }, s.loading);
  const desc = el('p', { class: 'tce-text', id: `${id}-desc` }, s.instruction);
  const track = el('div', { class: 'tce-track', 'aria-hidden': 'true' });
  const gap = el('div', { class: 'tce-gap', 'data-testid': 'tcaptcha-gap' });
  const piece = el('div', { class: 'tce-piece', 'data-testid': 'tcaptcha-piece' });
  track.append(gap, piece);
  const targetText = el('p', { class: 'tce-text', id: `${id}-target`, 'data-testid': 'tcaptcha-target' });
  const slider = el('input', {
    type: 'range',
    min: '0',
    max: '100',
    step: '1',
    value: '0',
    class: 'tce-slider',
    'aria-label': s.slider,
    'aria-describedby': `${id}-target`,
    'data-testid': 'tcaptcha-slider',
  });
  const actions = el('div', { class: 'tce-row' });
  const refreshButton = el('button', { type: 'button', class: 'tce-icon', 'aria-label': s.refresh, title: s.refresh, 'data-testid': 'tcaptcha-refresh' }, '↻');
  const verifyButton = el('button', { type: 'button', class: 'tce-verify', 'data-testid': 'tcaptcha-verify' }, s.verify);
  const left = el('div', { class: 'tce-row' });
  left.append(refreshButton);
  if (config.help !== false) {
    left.append(el('a', { class: 'tce-help', href: config.help, target: '_blank', rel: 'noopener', 'data-testid': 'tcaptcha-help' }, s.help));
  }
  actions.append(left, verifyButton);
  const status = el('p', { class: 'tce-status', role: 'status', 'aria-live': 'polite', 'data-testid': 'tcaptcha-status' });

  const setTarget = (value: number) => {
    target = value;
    gap.style.left = position(value);
    targetText.textContent = s.target(value);
  };
  const update = () => {
    piece.style.left = position(Number(slider.value));
  };
  setTarget(target);
  update();

  // The page's own overflow, restored when the popup goes.
  const pageOverflow = document.documentElement.style.overflow;
  const teardown = () => {
    if (!open) return;
    open = false;
    if (renderTimer !== undefined) clearTimeout(renderTimer);
    document.removeEventListener('keydown', onKeydown, true);
    if (overlay) document.documentElement.style.overflow = pageOverflow;
    (overlay ?? box).remove();
    if (restoreFocus?.isConnected) restoreFocus.focus({ preventScroll: true });
  };

  const markAction = () => {
    firstActionAt ??= performance.now();
  };

  async function submit(): Promise<void> {
    if (!open || busy) return;
    markAction();
    busy = true;
    verifyButton.disabled = true;
    status.textContent = s.verifying;
    const started = performance.now();
    let answer: VerifyAnswer;
    try {
      answer = await config.verify(Number(slider.value));
    } catch {
      if (!open) return;
      busy = false;
      verifyButton.disabled = false;
      failures += 1;
      status.textContent = s.networkError;
      if (failures >= 3) {
        teardown();
        config.onNetworkFailure();
      }
      return;
    }
    if (!open) return;
    failures = 0;
    const verifyDuration = Math.round(performance.now() - started);
    config.onAttempt?.(answer.pass);
    if (answer.pass && answer.ticket) {
      status.textContent = s.success;
      const actionDuration = Math.round(performance.now() - (firstActionAt ?? started));
      teardown();
      config.onSolved({ ticket: answer.ticket, randstr: answer.randstr ?? '', verifyDuration, actionDuration });
      return;
    }
    busy = false;
    verifyButton.disabled = false;
    if (answer.target !== undefined) setTarget(answer.target);
    slider.value = '0';
    update();
    status.textContent = s.failure;
  }

  async function refresh(): Promise<void> {
    if (!open || busy) return;
    markAction();
    const next = await config.refresh().catch(() => undefined);
    if (!open || next === undefined) return;
    setTarget(next);
    slider.value = '0';
    update();
    status.textContent = '';
  }

  function userClose(): void {
    if (!open) return;
    teardown();
    config.onClosed();
  }

  function onKeydown(event: KeyboardEvent): void {
    if (!open || !popup) return;
    if (event.key === 'Escape' && config.closable) {
      event.preventDefault();
      userClose();
    } else if (event.key === 'Tab') {
      // Keep focus inside the modal dialog.
      const focusables = [...box.querySelectorAll<HTMLElement>('button:not([disabled]), input, a[href]')];
      const first = focusables[0];
      const last = focusables[focusables.length - 1];
      if (!first || !last) return;
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      } else if (!box.contains(document.activeElement)) {
        event.preventDefault();
        first.focus();
      }
    }
  }

  slider.addEventListener('input', () => {
    markAction();
    update();
  });
  slider.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      void submit();
    }
  });
  verifyButton.addEventListener('click', () => void submit());
  refreshButton.addEventListener('click', () => void refresh());
  closeButton?.addEventListener('click', userClose);
  if (overlay) {
    overlay.addEventListener('click', (event) => {
      if (event.target === overlay && config.closable) userClose();
    });
  }

  const render = () => {
    renderTimer = undefined;
    if (!open) return;
    loadingBox.remove();
    box.append(desc, track, targetText, slider, actions, status);
    if (popup) slider.focus({ preventScroll: true });
    const rect = box.getBoundingClientRect();
    config.onRendered?.({ width: Math.round(rect.width), height: Math.round(rect.height) });
  };

  box.append(head);
  if (config.loading) box.append(loadingBox);
  if (overlay) {
    overlay.append(box);
    document.body.append(overlay);
    // The page behind a modal popup does not scroll; the popup scrolls itself on a small screen.
    document.documentElement.style.overflow = 'hidden';
  } else {
    (config.container ?? document.body).append(box);
  }
  if (popup) document.addEventListener('keydown', onKeydown, true);
  if (config.loading) renderTimer = setTimeout(render, 0);
  else render();

  return {
    solve() {
      if (!open) return;
      if (renderTimer !== undefined) {
        clearTimeout(renderTimer);
        render();
      }
      slider.value = String(target);
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      verifyButton.click();
    },
    close: userClose,
    destroy: teardown,
    get open() {
      return open;
    },
  };
}
