/**
 * Driver for Tencent's current SDK: the global `TencentCaptcha` class of TCaptcha.js, TJCaptcha.js and
 * TJNCaptcha-global.js (protocol.md §1).
 *
 * What the real SDK does that this driver works around:
 * - its second stage (the challenge frame from Tencent's CDN) can hang after the script loaded; the
 *   SDK then stays silent for 20 s (1002), or ~90 s (1004) for a second captcha on the page. A show
 *   watchdog falls back after `showTimeout` unless the SDK's `ready` said the challenge appeared;
 * - it keeps one captcha object per page: `destroy()` and `refresh()` act on whichever instance
 *   showed last, so this driver calls them only on its own instance while that is the last shown;
 * - `new TencentCaptcha(element, …)` binds click → `show()` on the element for good, the embed
 *   container included, so a click in the box would restart the challenge. The driver's own click
 *   listener on the box, registered before any SDK's, stops those clicks there.
 */
import {
  isDisasterTicket,
  parseDisasterTicket,
  type TencentCaptchaConstructor,
  type TencentCaptchaInstance,
  type TencentCaptchaOptions,
  type TencentCaptchaResult,
} from '@tencent-captcha/protocol';
import { loadTencentSdk, modernGlobal } from '../sdk-loader.js';
import { toUserLanguage } from '../i18n/user-language.js';
import { ENTRY_JS_LOAD_ERROR, createFallback, type CaptchaDriver, type DriverConfig, type DriverOutcome } from './driver.js';

/** Tencent's errorCode for a `show()` whose challenge did not appear in time. */
const CAPTCHA_SHOW_TIMEOUT = 1002;

/** The instance that showed last on this page: the SDK's one captcha object. */
let lastShown: TencentCaptchaInstance | undefined;

/** Embed containers whose clicks stop at the box (see the module comment). */
const guarded = new WeakSet<HTMLElement>();
const stopClick = (event: Event) => event.stopImmediatePropagation();
import type { VerifiedDetail } from '../events.js';

export { toUserLanguage };

/** The SDK's `options` from the element's configuration. Attributes win over the `options` property. */
export function toModernOptions(config: DriverConfig): TencentCaptchaOptions {
  const options: TencentCaptchaOptions = { ...(config.options as TencentCaptchaOptions), type: config.type };
  const userLanguage = config.lang === undefined ? undefined : toUserLanguage(config.lang);
  if (userLanguage) options.userLanguage = userLanguage;
  if (config.darkMode) options.enableDarkMode = config.darkMode;
  if (config.bizState !== undefined) options.bizState = config.bizState;
  if (config.aidEncrypted) options.aidEncrypted = config.aidEncrypted;
  return options;
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value !== '';

/**
 * Reads the SDK's callback result. The decision is made on `ticket` and `errorCode`, never on `ret`
 * (which is 0 in disaster cases too): an `errorCode` or a disaster ticket is a fallback (the SDK's own
 * ticket passes through), any other ticket is a solve, no ticket at all is the user closing it.
 */
export function classifyModernResult(result: TencentCaptchaResult, config: Pick<DriverConfig, 'appId' | 'bizState'> & { src?: string }): DriverOutcome {
  const appId = String(result.appid ?? result.CaptchaAppId ?? config.appId);
  const bizState = 'bizState' in result ? result.bizState : config.bizState;
  const extra = bizState === undefined ? {} : { bizState };
  const { ticket } = result;
  const hasErrorCode = result.errorCode !== undefined && result.errorCode !== null;
  if (hasErrorCode || (nonEmpty(ticket) && isDisasterTicket(ticket))) {
    const parsed = nonEmpty(ticket) ? parseDisasterTicket(ticket) : undefined;
    const errorCode = hasErrorCode ? Number(result.errorCode) : parsed?.ok ? parsed.ticket.errorCode : ENTRY_JS_LOAD_ERROR;
    const fallback = createFallback('modern', { appId: config.appId, bizState, src: config.src }, 'sdk_error_code', errorCode, nonEmpty(result.errorMessage) ? result.errorMessage : 'unknown_error');
    // The SDK's own ticket and randstr pass through untouched.
    if (nonEmpty(ticket)) fallback.ticket = ticket;
    if (nonEmpty(result.randstr)) fallback.randstr = result.randstr;
    return fallback;
  }
  if (nonEmpty(ticket)) {
    const detail: Record<string, unknown> = { status: 'verified', ticket, randstr: result.randstr ?? '', appId, driver: 'modern', ...extra };
    for (const key of ['sid', 'verifyDuration', 'actionDuration'] as const) if (result[key] !== undefined) detail[key] = result[key];
    return detail as unknown as VerifiedDetail;
  }
  return { status: 'closed', ret: result.ret, appId, driver: 'modern', ...extra };
}

/** A driver for the `TencentCaptcha` class. One instance per element. */
export function createModernDriver(): CaptchaDriver {
  let Captcha: TencentCaptchaConstructor | undefined;
  let instance: TencentCaptchaInstance | undefined;
  /** Ends the current show: no more outcomes from it, no watchdog. */
  let endShow: (() => void) | undefined;

  /** The embed box of the current show. */
  let box: HTMLElement | undefined;

  const destroy = () => {
    endShow?.();
    const current = instance;
    instance = undefined;
    if (current && current !== lastShown) {
      // Not the SDK's current object, so its destroy() would take down another element's challenge:
      // clear this element's own box instead (in Tencent's SDK a later show() replaced it anyway).
      box?.replaceChildren();
      return;
    }
    if (!current) return;
    lastShown = undefined;
    try {
      current.destroy();
    } catch {
      // A broken SDK must not break reset() or disconnecting.
    }
  };

  return {
    name: 'modern',
    load(config) {
      Captcha = modernGlobal();
      if (Captcha) return undefined;
      return loadTencentSdk({ src: config.src, nonce: config.nonce, timeout: config.loadTimeout }).then((loaded) => {
        Captcha = loaded;
      });
    },
    show(config, onOutcome, onShown) {
      destroy();
      if (!Captcha) return 'sdk_init_error';
      let done = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const end = () => {
        done = true;
        clearTimeout(timer);
      };
      endShow = end;
      // One outcome per show: the SDK's late callback after the watchdog, or a second one, is ignored.
      const report = (outcome: DriverOutcome) => {
        if (done) return;
        end();
        onOutcome(outcome);
      };
      const callback = (result: TencentCaptchaResult) => report(classifyModernResult(result ?? { ret: 2, ticket: null }, config));
      const options = toModernOptions(config);
      const ready = options.ready;
      // Tencent calls `ready` when the challenge is displayed: the watchdog stands down.
      options.ready = (info) => {
        clearTimeout(timer);
        if (!done) onShown?.();
        if (typeof ready === 'function') ready(info);
      };
      box = config.container;
      if (box && !guarded.has(box)) {
        guarded.add(box);
        box.addEventListener('click', stopClick);
      }
      let created: TencentCaptchaInstance;
      try {
        created = box ? new Captcha(box, config.appId, callback, options) : new Captcha(config.appId, callback, options);
      } catch {
        end();
        return 'sdk_init_error';
      }
      instance = lastShown = created;
      try {
        created.show();
      } catch {
        end();
        return 'sdk_show_error';
      }
      if (!done) {
        timer = setTimeout(() => {
          if (done) return;
          end();
          // Take down whatever the SDK shows meanwhile (a loading box), if it is still ours to take down.
          if (instance === created) destroy();
          onOutcome(createFallback('modern', config, 'sdk_show_timeout', CAPTCHA_SHOW_TIMEOUT, 'captcha_show_timeout'));
        }, config.showTimeout);
      }
      return undefined;
    },
    refresh() {
      if (!instance?.refresh || instance !== lastShown) return false;
      instance.refresh();
      return true;
    },
    destroy,
  };
}
