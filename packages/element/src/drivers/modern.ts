/**
 * Driver for Tencent's current SDK: the global `TencentCaptcha` class of TCaptcha.js, TJCaptcha.js and
 * TJNCaptcha-global.js (protocol.md §1).
 */
import {
  USER_LANGUAGES,
  isDisasterTicket,
  parseDisasterTicket,
  type TencentCaptchaConstructor,
  type TencentCaptchaInstance,
  type TencentCaptchaOptions,
  type TencentCaptchaResult,
} from '@tencent-captcha/protocol';
import { loadTencentSdk, modernGlobal } from '../sdk-loader.js';
import { ENTRY_JS_LOAD_ERROR, createFallback, type CaptchaDriver, type DriverConfig, type DriverOutcome } from './driver.js';
import type { VerifiedDetail } from '../events.js';

const languages: readonly string[] = USER_LANGUAGES;

/**
 * Maps a BCP 47 language tag to one of Tencent's `userLanguage` values (protocol.md §1.5), or
 * `undefined` when Tencent has no such language (the SDK then uses the console's setting).
 */
export function toUserLanguage(lang: string): string | undefined {
  const tag = lang.trim().toLowerCase().replaceAll('_', '-');
  if (!tag) return undefined;
  if (languages.includes(tag)) return tag;
  const [base = ''] = tag.split('-');
  if (base === 'zh') return /-(hk|mo)\b/.test(tag) ? 'zh-hk' : /-(tw|hant)\b/.test(tag) ? 'zh-tw' : 'zh-cn';
  if (tag === 'es-419') return 'es-la';
  if (languages.includes(base)) return base;
  return languages.find((l) => l.startsWith(`${base}-`));
}

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
export function classifyModernResult(result: TencentCaptchaResult, config: Pick<DriverConfig, 'appId' | 'bizState'>): DriverOutcome {
  const appId = String(result.appid ?? result.CaptchaAppId ?? config.appId);
  const bizState = 'bizState' in result ? result.bizState : config.bizState;
  const extra = bizState === undefined ? {} : { bizState };
  const { ticket } = result;
  const hasErrorCode = result.errorCode !== undefined && result.errorCode !== null;
  if (hasErrorCode || (nonEmpty(ticket) && isDisasterTicket(ticket))) {
    const parsed = nonEmpty(ticket) ? parseDisasterTicket(ticket) : undefined;
    const errorCode = hasErrorCode ? Number(result.errorCode) : parsed?.ok ? parsed.ticket.errorCode : ENTRY_JS_LOAD_ERROR;
    const fallback = createFallback('modern', { appId: config.appId, bizState }, 'sdk_error_code', errorCode, nonEmpty(result.errorMessage) ? result.errorMessage : 'unknown_error');
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

  const destroy = () => {
    const current = instance;
    instance = undefined;
    try {
      current?.destroy();
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
    show(config, onOutcome) {
      destroy();
      if (!Captcha) return 'sdk_init_error';
      const callback = (result: TencentCaptchaResult) => onOutcome(classifyModernResult(result ?? { ret: 2, ticket: null }, config));
      const options = toModernOptions(config);
      try {
        instance = config.container
          ? new Captcha(config.container, config.appId, callback, options)
          : new Captcha(config.appId, callback, options);
      } catch {
        return 'sdk_init_error';
      }
      try {
        instance.show();
      } catch {
        return 'sdk_show_error';
      }
      return undefined;
    },
    refresh() {
      if (!instance?.refresh) return false;
      instance.refresh();
      return true;
    },
    destroy,
  };
}
