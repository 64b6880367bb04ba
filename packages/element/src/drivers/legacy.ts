/**
 * Driver for the legacy 天御 SDK (`capInit` / `capGetTicket` / `capRefresh` / `capDestroy`,
 * protocol.md §4.2). Its script URL is single use: your server gets it from `CaptchaIframeQuery` and
 * hands it to the element as `src`.
 *
 * Layout rules of the legacy SDK, which the element applies to the box it renders into:
 * - PC, `type="popup"`: the SDK draws its own trigger (`type: 'point'`) into a box of at least 362×40,
 *   given that size from the start so the page does not jump when it renders.
 * - PC, `type="embed"`: at least 300×270.
 * - Mobile: full screen, with the SDK's header (back and help buttons), only while verifying (the
 *   element's own trigger opens it).
 */
import { LEGACY_LAYOUT, type LegacyCapInitOptions, type LegacyCaptchaGlobals, type LegacyCaptchaResult } from '@tencent-captcha/protocol';
import { legacyGlobal, loadLegacySdk } from '../sdk-loader.js';
import { type CaptchaDriver, type DriverConfig, type DriverOutcome } from './driver.js';

/** Inline styles of the legacy SDK's box for a layout (CSS property names in camelCase). */
export function legacyLayout(type: 'popup' | 'embed', mobile: boolean): Record<string, string> {
  if (mobile) {
    return { position: 'fixed', inset: '0', zIndex: '2147483000', background: '#fff' };
  }
  const { width, height } = type === 'embed' ? LEGACY_LAYOUT.embed : LEGACY_LAYOUT.pcTrigger;
  return { width: `${width}px`, height: `${height}px`, minWidth: `${width}px`, minHeight: `${height}px` };
}

/** The legacy SDK's `lang`: 2052 simplified Chinese, 1028 traditional Chinese, 1033 English. */
export function toLegacyLang(lang: string): 2052 | 1028 | 1033 {
  const tag = lang.toLowerCase();
  if (!tag.startsWith('zh')) return 1033;
  return /-(tw|hk|mo|hant)\b/.test(tag) ? 1028 : 2052;
}

/** Reads the legacy callback: a ticket is a solve; no ticket (ret 1) is the user giving up. The legacy SDK has no errorCodes. */
export function classifyLegacyResult(result: LegacyCaptchaResult, config: Pick<DriverConfig, 'appId' | 'bizState'>): DriverOutcome {
  const extra = config.bizState === undefined ? {} : { bizState: config.bizState };
  const { ticket } = result;
  if (typeof ticket === 'string' && ticket !== '') {
    return { status: 'verified', ticket, randstr: '', appId: config.appId, driver: 'legacy', ...extra };
  }
  return { status: 'closed', ret: result.ret, appId: config.appId, driver: 'legacy', ...extra };
}

/** A driver for `capInit`. The legacy SDK is a page-wide singleton, so use one legacy element per page. */
export function createLegacyDriver(): CaptchaDriver {
  let sdk: LegacyCaptchaGlobals | undefined;
  /** The box with layout styles applied (from the start of loading on desktop). */
  let box: HTMLElement | undefined;
  /** Whether `capInit` ran and `capDestroy` is due. */
  let live = false;

  const size = (container: HTMLElement, config: DriverConfig) => {
    Object.assign(container.style, legacyLayout(config.type, config.mobile));
    box = container;
  };

  const destroy = () => {
    if (box) box.style.cssText = '';
    box = undefined;
    if (!live) return;
    live = false;
    try {
      sdk?.capDestroy();
    } catch {
      // ignore: tearing down must not throw
    }
  };

  return {
    name: 'legacy',
    load(config) {
      // Desktop: reserve the box's size while the script loads, so the page does not jump when the
      // SDK renders (the legacy docs ask for an initial width and height).
      if (config.container && !config.mobile) size(config.container, config);
      sdk = legacyGlobal();
      if (sdk) return undefined;
      return loadLegacySdk({ src: config.src, nonce: config.nonce, timeout: config.loadTimeout }).then((loaded) => {
        sdk = loaded;
      });
    },
    show(config, onOutcome) {
      destroy();
      const { mobile, container } = config;
      if (!sdk || !container) return 'sdk_init_error';
      const options: LegacyCapInitOptions = {
        ...(config.options as LegacyCapInitOptions),
        callback: (result) => {
          // On mobile the SDK covers the screen; give the page back once the user is done.
          if (mobile && box === container) destroy();
          onOutcome(classifyLegacyResult(result ?? { ret: 1 }, config));
        },
      };
      // Mobile (the H5 API) takes no type; 'embed' into the full-screen box shows the challenge at
      // once where a type is honoured.
      if (mobile) options.showHeader ??= true;
      options.type = mobile || config.type === 'embed' ? 'embed' : 'point';
      if (config.lang !== undefined) options.lang = toLegacyLang(config.lang);
      size(container, config);
      try {
        sdk.capInit(container, options);
        live = true;
      } catch {
        destroy();
        return 'sdk_init_error';
      }
      return undefined;
    },
    refresh() {
      if (!live || !sdk) return false;
      sdk.capRefresh();
      return true;
    },
    destroy,
  };
}
