/**
 * The emulated browser SDK, served as `/TCaptcha.js`, `/TJCaptcha.js`, `/TCaptcha-global.js` and
 * `/TJNCaptcha-global.js`. It defines the global `TencentCaptcha` with Tencent's constructor forms,
 * options, methods and callback shapes (protocol.md §1), and talks only to its own origin (taken
 * from `document.currentScript.src`): it never reaches the internet.
 *
 * `new TencentCaptcha()` and `show()` consult the emulator synchronously, so that the constructor
 * and show faults set over the control endpoint apply even after the script has loaded, and can
 * throw where Tencent's SDK would.
 *
 * Page-wide, as in Tencent's SDK: one captcha object per page (`destroy()` and `refresh()` act on
 * whichever instance showed last, and `destroy()` does not cancel a show still waiting for the
 * challenge), and one second stage (the challenge frame), whose hang every waiting `show()` shares.
 */
import { createDisasterResult, type TencentCaptchaCallback, type TencentCaptchaOptions, type TencentCaptchaResult } from '@tencent-captcha/protocol';
import { emulatorHook, type Automatable } from './automation.js';
import { openChallenge, type Challenge, type VerifyAnswer } from './challenge-ui.js';

interface Boot {
  origin: string;
  script: string;
  prefix: 'terror_' | 'trerror_';
  tolerance: number;
}

// Replaced by the server with a JSON object when it serves the script.
const BOOT_SLOT: unknown = '__TENCENT_CAPTCHA_EMULATOR_BOOT__';

type ShowAnswer =
  | { action: 'throw'; message: string }
  | { action: 'error'; errorCode: number; errorMessage?: string }
  | { action: 'close' }
  | { action: 'hang'; showTimeoutMs: number; frameRetryMs: number }
  | { action: 'challenge'; sid: string; target: number };

/** errorCodes of Tencent's SDK when its second stage does not arrive. */
const CAPTCHA_SHOW_TIMEOUT = 1002;
const FRAMEJS_LOAD_ERROR = 1004;

const win = window as unknown as Record<string, unknown>;

(() => {
  // Tencent's SDK refuses to be evaluated twice.
  if (win.__TencentCaptchaExists__) throw new Error('请勿多次引用腾讯验证码的接入js');
  win.__TencentCaptchaExists__ = true;

  const boot: Boot =
    typeof BOOT_SLOT === 'object' && BOOT_SLOT !== null
      ? (BOOT_SLOT as Boot)
      : { origin: location.origin, script: '/TJCaptcha.js', prefix: 'trerror_', tolerance: 4 };
  const current = document.currentScript as HTMLScriptElement | null;
  let origin = boot.origin;
  let scriptPath = boot.script;
  if (current?.src) {
    const src = new URL(current.src, location.href);
    origin = src.origin;
    scriptPath = src.pathname;
  }
  const prefix: 'terror_' | 'trerror_' = /\/TCaptcha(-global)?\.js$/.test(scriptPath) ? 'terror_' : boot.prefix;
  const nonce = current?.nonce || undefined;
  const hook = emulatorHook();

  /** A synchronous JSON call to the emulator; `undefined` if it cannot be reached. */
  function callSync(path: string, body: unknown): any {
    try {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${origin}/__emulator/sdk/${path}`, false);
      xhr.setRequestHeader('Content-Type', 'text/plain;charset=UTF-8');
      xhr.send(JSON.stringify(body));
      return xhr.status === 200 ? JSON.parse(xhr.responseText) : undefined;
    } catch {
      return undefined;
    }
  }

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

  const isElement = (v: unknown): v is HTMLElement => typeof v === 'object' && v !== null && (v as Node).nodeType === 1;

  /** The instance that showed last: the page's one captcha object, as far as `destroy()` and `refresh()` go. */
  let lastShown: TencentCaptcha | undefined;

  /**
   * The second stage when the `challenge-hang` fault holds: every waiting `show()` shares it. The
   * show timer (1002, to the first waiter only) and the frame script's retries (1004, to everyone
   * else) start with the first waiting show; once the retries gave up, `show()` answers 1004 at once.
   */
  const stage = { started: false, failed: false, waiters: [] as Array<{ captcha: TencentCaptcha; generation: number }> };
  const waiting = (w: { captcha: TencentCaptcha; generation: number }) => w.captcha.isCurrentShow(w.generation);

  class TencentCaptcha {
    private readonly appId: string;
    private readonly callback: TencentCaptchaCallback;
    private readonly options: TencentCaptchaOptions;
    private readonly element: HTMLElement | undefined;
    private readonly bizState: unknown;
    private challenge: Challenge | undefined;
    private unregister: (() => void) | undefined;
    private result: TencentCaptchaResult | undefined;
    private sid = '';
    private target = 0;
    private generation = 0;
    private waiters: Array<{ resolve(r: TencentCaptchaResult): void; reject(e: Error): void }> = [];

    constructor(...args: unknown[]) {
      let element: HTMLElement | undefined;
      let appId: unknown;
      let callback: unknown;
      let options: unknown;
      let bizStateAttr: string | undefined;
      const [a, b, c, d] = args;
      if (isElement(a)) {
        element = a;
        if (typeof b === 'object' && b !== null) {
          // `new TencentCaptcha(element, options)`: app id and callback come from the options.
          options = b;
          appId = (b as { appid?: unknown }).appid;
          callback = (b as { callback?: unknown }).callback;
        } else {
          // `(element)` or `(element, appId, callback, options)`: what is missing comes from data attributes.
          appId = b || a.getAttribute('data-appid') || undefined;
          const name = a.getAttribute('data-cbfn');
          callback = c ?? (name ? win[name] : undefined);
          options = d;
          bizStateAttr = a.getAttribute('data-biz-state') ?? undefined;
        }
      } else {
        if (typeof a !== 'string' || typeof b !== 'function') throw new Error('Arguments error.');
        [appId, callback, options] = [a, b, c];
      }
      if (typeof callback !== 'function') throw new Error('Lost `callback`');
      if (typeof appId !== 'string' || appId === '') throw new Error('Arguments error.');
      this.element = element;
      this.appId = appId;
      this.callback = callback as TencentCaptchaCallback;
      this.options = typeof options === 'object' && options !== null ? (options as TencentCaptchaOptions) : {};
      this.bizState = 'bizState' in this.options ? this.options.bizState : bizStateAttr;

      const answer = callSync('construct', { appid: this.appId, script: scriptPath }) as { action?: string; message?: string } | undefined;
      if (answer?.action === 'throw') throw new Error(answer.message);

      // Like Tencent's SDK: a click on the element shows the captcha, embed mode included, and the
      // binding stays for the life of the page (destroy() does not remove it).
      if (element) element.addEventListener('click', () => this.show());
    }

    /** Whether `generation` is this instance's latest show. @internal */
    isCurrentShow(generation: number): boolean {
      return generation === this.generation;
    }

    show(): void {
      const started = performance.now();
      if (stage.waiters.some((w) => w.captcha === this && waiting(w))) return; // already waiting for the second stage
      lastShown = this;
      this.teardown();
      this.result = undefined;
      const generation = ++this.generation;
      const answer = callSync('show', {
        appid: this.appId,
        script: scriptPath,
        type: this.options.type ?? 'popup',
        aidEncrypted: this.options.aidEncrypted,
        aidEncryptedType: this.options.aidEncryptedType,
        aidEncryptedAad: this.options.aidEncryptedAad,
      }) as ShowAnswer | undefined;
      if (answer?.action === 'throw') throw new Error(answer.message);
      if (!answer || answer.action === 'error') {
        // Like Tencent's SDK: report asynchronously, with its own disaster ticket.
        const errorCode = answer?.errorCode ?? 1006;
        const errorMessage = answer?.errorMessage;
        setTimeout(() => {
          if (generation === this.generation) this.finish(this.disaster(errorCode, errorMessage));
        }, 0);
        return;
      }
      if (answer.action === 'close') {
        setTimeout(() => {
          if (generation === this.generation) this.finish(this.closed());
        }, 0);
        return;
      }
      if (answer.action === 'hang') {
        this.waitForSecondStage(generation, answer.showTimeoutMs, answer.frameRetryMs);
        return;
      }
      this.sid = answer.sid;
      this.target = answer.target;
      this.open(started);
    }

    destroy(): void {
      // The page's one captcha object: the one that showed last. A show waiting for the second
      // stage still calls back later.
      lastShown?.tearDownChallenge();
    }

    getTicket(): { CaptchaAppId: string; appid: string; ticket: string; randstr?: string } | null {
      const r = this.result;
      if (!r?.ticket) return null;
      const out: { CaptchaAppId: string; appid: string; ticket: string; randstr?: string } = { CaptchaAppId: this.appId, appid: this.appId, ticket: r.ticket };
      if (r.randstr !== undefined) out.randstr = r.randstr;
      return out;
    }

    refresh(): void {
      lastShown?.refreshChallenge();
    }

    /** @internal */
    tearDownChallenge(): void {
      this.teardown();
      for (const w of this.waiters.splice(0)) w.reject(new Error('tencent-captcha emulator: the captcha was destroyed'));
    }

    /** @internal */
    refreshChallenge(): void {
      if (!this.challenge?.open) return;
      this.teardown();
      const generation = this.generation;
      void this.refreshTarget().then((target) => {
        if (generation !== this.generation || target === undefined) return;
        this.target = target;
        this.open(performance.now());
      });
    }

    private waitForSecondStage(generation: number, showTimeoutMs: number, frameRetryMs: number): void {
      if (stage.failed) {
        // The frame script failed for good on this page: every show() fails at once.
        this.finish(this.disaster(FRAMEJS_LOAD_ERROR));
        return;
      }
      stage.waiters.push({ captcha: this, generation });
      if (stage.started) return;
      stage.started = true;
      // The frame script from Tencent's CDN, which never arrives: a real pending request in the page.
      const frameScript = document.createElement('script');
      frameScript.src = `${origin}/__emulator/sdk/stage.js`;
      frameScript.async = true;
      document.head.append(frameScript);
      setTimeout(() => {
        const i = stage.waiters.findIndex(waiting);
        const first = i < 0 ? undefined : stage.waiters.splice(i, 1)[0];
        first?.captcha.finish(first.captcha.disaster(CAPTCHA_SHOW_TIMEOUT));
      }, showTimeoutMs);
      setTimeout(() => {
        stage.failed = true;
        for (const w of stage.waiters.splice(0)) if (waiting(w)) w.captcha.finish(w.captcha.disaster(FRAMEJS_LOAD_ERROR));
      }, frameRetryMs);
    }

    private open(started: number): void {
      const options = this.options;
      const dark = options.enableDarkMode === 'force' || (options.enableDarkMode === true && matchMedia('(prefers-color-scheme: dark)').matches);
      const embed = options.type === 'embed' && this.element !== undefined;
      // Registered before rendering, so the hook can solve a challenge that is still loading.
      let challenge: Challenge | undefined;
      const entry: Automatable = {
        solve: () => this.waitForResult(() => challenge?.solve()),
        close: () => this.waitForResult(() => challenge?.close()),
      };
      this.unregister = hook._register(entry);
      challenge = openChallenge({
        mode: embed ? 'embed' : 'popup',
        ...(embed ? { container: this.element } : {}),
        ...(options.userLanguage ? { userLanguage: options.userLanguage } : {}),
        dark,
        loading: options.loading !== false,
        closable: true,
        help: options.needFeedBack === false ? false : typeof options.needFeedBack === 'string' ? options.needFeedBack : `${origin}/`,
        ...(nonce ? { nonce } : {}),
        target: this.target,
        verify: (value) => this.verify(value),
        refresh: () => this.refreshTarget(),
        onSolved: ({ ticket, randstr, verifyDuration, actionDuration }) => {
          const result: TencentCaptchaResult = {
            ret: 0,
            ticket,
            randstr,
            appid: this.appId,
            CaptchaAppId: this.appId,
            ...this.bizStateField(),
            verifyDuration,
            actionDuration,
            sid: this.sid,
          };
          this.result = result;
          this.finish(result);
        },
        onClosed: () => this.finish(this.closed()),
        onAttempt: (pass) => options.verifyFn?.({ pass, sid: this.sid }),
        onNetworkFailure: () => this.finish(this.disaster(1013)),
        onRendered: (size) => {
          options.ready?.({ sdkView: size });
          options.showFn?.({ duration: Math.round(performance.now() - started), sid: this.sid });
        },
      });
      this.challenge = challenge;
    }

    private waitForResult(action: () => void): Promise<TencentCaptchaResult> {
      return new Promise((resolve, reject) => {
        this.waiters.push({ resolve, reject });
        action();
      });
    }

    private async verify(value: number): Promise<VerifyAnswer> {
      const answer = (await call('verify', { sid: this.sid, appid: this.appId, value })) as VerifyAnswer & { sid?: string };
      if (answer.sid) this.sid = answer.sid;
      return answer;
    }

    private async refreshTarget(): Promise<number | undefined> {
      const answer = (await call('refresh', { sid: this.sid, appid: this.appId })) as { sid?: string; target?: number };
      if (answer.sid) this.sid = answer.sid;
      return answer.target;
    }

    private bizStateField(): { bizState?: unknown } {
      return this.bizState === undefined ? {} : { bizState: this.bizState };
    }

    /** A failure result as Tencent's SDK makes it: no appid, CaptchaAppId or bizState, and its own randstr (variable length). @internal */
    disaster(errorCode: number, errorMessage?: string): TencentCaptchaResult {
      const input: Parameters<typeof createDisasterResult>[0] = { appId: this.appId, errorCode, prefix };
      if (errorMessage !== undefined) input.errorMessage = errorMessage;
      const { ticket, errorMessage: message } = createDisasterResult(input);
      return { ret: 0, randstr: `@${Math.random().toString(36).slice(2)}`, ticket, errorCode, errorMessage: message as string };
    }

    private closed(): TencentCaptchaResult {
      return { ret: 2, ticket: null, appid: this.appId, CaptchaAppId: this.appId, ...this.bizStateField() };
    }

    private teardown(): void {
      this.challenge?.destroy();
      this.challenge = undefined;
      this.unregister?.();
      this.unregister = undefined;
    }

    /** @internal */
    finish(result: TencentCaptchaResult): void {
      this.teardown();
      const waiters = this.waiters.splice(0);
      try {
        this.callback(result);
      } finally {
        for (const w of waiters) w.resolve(result);
      }
    }
  }

  Object.defineProperty(TencentCaptcha, 'name', { value: 'TencentCaptcha' });
  win.TencentCaptcha = TencentCaptcha;

  // Declarative mode: a trigger with id="TencentCaptcha" and data-appid / data-cbfn.
  const bindDeclarative = () => {
    const trigger = document.getElementById('TencentCaptcha');
    if (!trigger || trigger.hasAttribute('data-tce-bound')) return;
    trigger.setAttribute('data-tce-bound', '');
    try {
      new TencentCaptcha(trigger);
    } catch (error) {
      console.error(error);
    }
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', bindDeclarative, { once: true });
  else bindDeclarative();
})();
