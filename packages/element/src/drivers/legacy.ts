/**
 * Driver for the legacy 天御 SDK (`capInit` / `capGetTicket` / `capRefresh` / `capDestroy`,
 * protocol.md §4.2). Its script URL is single use: your server gets it from `CaptchaIframeQuery` and
 * hands it to the element as `src`.
 *
 * Layout rules of the legacy SDK, which the element applies to the box it renders into:
 * - PC, `type="popup"`: the SDK draws its own trigger (`type: 'point'`) into a box of at least 362×40,
 *   given that size from the start so the page does not jump when it renders.
 * - PC, `type="embed"`: at least 300×270.
 * - Mobile: the seed's H5 call `capInit(document, { callback, showHeader: true })`: the SDK takes the
 *   full screen itself, with its header (back and help buttons), only while verifying (the element's
 *   own trigger opens it).
 *
 * The callback's `randstr` (seed `003`: `{ ret, ticket, randstr }`) is passed through; when the
 * callback has none, `capGetTicket()`'s is used; when neither has one, it is `''` (the legacy
 * verifier does not require it).
 */
import { LEGACY_LAYOUT, type LegacyCapInitOptions, type LegacyCaptchaGlobals, type LegacyCaptchaResult } from '@tencent-captcha/protocol';
import { legacyGlobal, loadLegacySdk } from '../sdk-loader.js';
import { type CaptchaDriver, type DriverConfig, type DriverOutcome } from './driver.js';

/** Inline styles of the legacy SDK's box on PC (CSS property names in camelCase); on mobile the SDK covers the screen itself. */
export function legacyLayout(type: 'popup' | 'embed'): Record<string, string> {
  const { width, height } = type === 'embed' ? LEGACY_LAYOUT.embed : LEGACY_LAYOUT.pcTrigger;
  return { width: `${width}px`, height: `${height}px`, minWidth: `${width}px`, minHeight: `${height}px` };
}

/** The legacy SDK's `lang`: 2052 simplified Chinese, 1028 traditional Chinese, 1033 English. */
export function toLegacyLang(lang: string): 2052 | 1028 | 1033 {
  const tag = lang.toLowerCase();
  if (!tag.startsWith('zh')) return 1033;
  return /-(tw|hk|mo|hant)\b/.test(tag) ? 1028 : 2052;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * Reads the legacy callback: a ticket is a solve; no ticket (ret 1) is the user giving up. The legacy
 * SDK has no errorCodes. `current` is `capGetTicket()`'s answer, read for a randstr (and a ticket)
 * the callback did not carry.
 */
export function classifyLegacyResult(
  result: LegacyCaptchaResult,
  config: Pick<DriverConfig, 'appId' | 'bizState'>,
  current?: Partial<LegacyCaptchaResult> | null,
): DriverOutcome {
  const extra = config.bizState === undefined ? {} : { bizState: config.bizState };
  const ticket = text(result.ticket) || (result.ret === 0 ? text(current?.ticket) : '');
  if (ticket !== '') {
    // capGetTicket()'s randstr only belongs to this ticket if it reports the same ticket (or none).
    const sameTicket = !text(current?.ticket) || text(current?.ticket) === ticket;
    const randstr = text(result.randstr) || (sameTicket ? text(current?.randstr) : '');
    return { status: 'verified', ticket, randstr, appId: config.appId, driver: 'legacy', ...extra };
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
  /** Counts `show()` calls, so a late callback of an earlier one does not tear down the current one. */
  let shows = 0;

  const size = (container: HTMLElement, config: DriverConfig) => {
    Object.assign(container.style, legacyLayout(config.type));
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
      const loaded = sdk;
      const shown = ++shows;
      const options: LegacyCapInitOptions = {
        ...(config.options as LegacyCapInitOptions),
        callback: (result) => {
          let current: LegacyCaptchaResult | undefined;
          try {
            current = loaded.capGetTicket();
          } catch {
            // An SDK without (a working) capGetTicket: the callback alone decides.
          }
          // On mobile the SDK covers the screen; give the page back once the user is done.
          if (mobile && live && shown === shows) destroy();
          onOutcome(classifyLegacyResult(result ?? { ret: 1 }, config, current));
        },
      };
      if (config.lang !== undefined) options.lang = toLegacyLang(config.lang);
      try {
        if (mobile) {
          // The H5 API (seed 003): `capInit(document, { callback, showHeader: true })`, no type; the
          // SDK covers the screen itself.
          options.showHeader ??= true;
          delete options.type;
          sdk.capInit(container.ownerDocument, options);
        } else {
          options.type = config.type === 'embed' ? 'embed' : 'point';
          size(container, config);
          sdk.capInit(container, options);
        }
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
