/**
 * Driver for the legacy 天御 SDK (`capInit` / `capGetTicket` / `capRefresh` / `capDestroy`,
 * protocol.md §4.2). Its script URL is single use: your server gets it from `CaptchaIframeQuery` and
 * hands it to the element as `src`.
 *
 * The script is a PC or a mobile one (`CaptchaIframeQuery`'s `clientType`; its URL says which in
 * `clientype=2|1`), and `capInit` is called in the form that script expects:
 * - PC, `type="popup"`: `capInit(box, …)`; the SDK draws its own trigger (`type: 'point'`) into a box
 *   of at least 362×40, given that size from the start so the page does not jump when it renders.
 * - PC, `type="embed"`: at least 300×270.
 * - Mobile: the seed's H5 call `capInit(document, { callback, showHeader: true })`: the SDK takes the
 *   full screen itself, with its header (back and help buttons), only while verifying (the element's
 *   own trigger opens it). Never on a PC script: Tencent's PC script throws in its set-up then.
 *
 * What Tencent's loader (`TCapIframeApi.js`) does that this driver works around:
 * - `capInit` only stores its arguments; the set-up runs when the loader's sub-scripts (from Tencent's
 *   CDN) have loaded, with no `onerror` and no timer, and a throw there is uncaught. So a watchdog:
 *   when neither a callback came nor the set-up ran (`capGetTicket()` throws until it has) within
 *   `showTimeout` of `show()`, the element falls back with errorCode 1002 and ignores the SDK from then
 *   on. Once set up, the SDK's own trigger may wait for the user as long as they like.
 * - Closing the PC popup calls back nothing (the docs say `ret: 1`): only the undocumented `end` hook
 *   runs, after `start` ran when the challenge opened. An `end` followed by no callback is a close.
 *
 * The callback's `randstr` (seed `003`: `{ ret, ticket, randstr }`) is passed through; when the
 * callback has none, `capGetTicket()`'s is used; when neither has one, it is `''` (the legacy
 * verifier does not require it).
 */
import type { LegacyCapInitOptions, LegacyCaptchaGlobals, LegacyCaptchaResult } from '@tencent-captcha/protocol';
import type { legacyGlobal, loadLegacySdk } from '../sdk-loader.js';
import type { CaptchaDriver, DriverConfig, DriverOutcome, createFallback } from './driver.js';
import { legacyLayout } from './legacy-layout.js';

/**
 * What the driver takes from the element's own code. This module loads on demand (only pages that
 * use the legacy SDK fetch it: `dist/drivers/legacy.js`, next to `bundle.js` too, built with what it
 * takes of `@tencent-captcha/protocol` inside), so it imports nothing of the element and shares the element's script loader (one per page) rather than a copy of it.
 */
export interface LegacyDriverDeps {
  legacyGlobal: typeof legacyGlobal;
  loadLegacySdk: typeof loadLegacySdk;
  createFallback: typeof createFallback;
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
  const base = { appId: config.appId, driver: 'legacy' as const, ...(config.bizState === undefined ? {} : { bizState: config.bizState }) };
  const got = text(current?.ticket);
  const ticket = text(result.ticket) || (result.ret === 0 ? got : '');
  // capGetTicket()'s randstr only belongs to this ticket if it reports the same ticket (or none).
  return ticket
    ? { status: 'verified', ticket, randstr: text(result.randstr) || (!got || got === ticket ? text(current?.randstr) : ''), ...base }
    : { status: 'closed', ret: result.ret, ...base };
}

/** A driver for `capInit`. The legacy SDK is a page-wide singleton, so use one legacy element per page. */
export function createLegacyDriver({ legacyGlobal, loadLegacySdk, createFallback }: LegacyDriverDeps): CaptchaDriver {
  let sdk: LegacyCaptchaGlobals | undefined;
  /** The box with layout styles applied (from the start of loading on desktop). */
  let box: HTMLElement | undefined;
  /** Whether `capInit` ran and `capDestroy` is due. */
  let live = false;
  /** Counts `show()` calls, so a late callback of an earlier one does not tear down the current one. */
  let shows = 0;
  /** The current show's watchdog. */
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  /** A challenge of the current show is open (between the SDK's `start` and `end`). */
  let open = false;
  /** Bumped by every callback and `end`: a close is a pending `end` no callback overtook. */
  let closes = 0;

  const size = (container: HTMLElement, config: DriverConfig) => {
    Object.assign(container.style, legacyLayout(config.type));
    box = container;
  };

  const destroy = () => {
    clearTimeout(watchdog);
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
      const ours = () => live && shown === shows;
      open = false;
      // Only while this show is the SDK's: after the watchdog fell back (or a later show), the SDK is
      // ignored. On mobile the SDK covers the screen; give the page back once the user is done.
      const report = (outcome: DriverOutcome) => {
        if (ours()) {
          if (mobile) destroy();
          onOutcome(outcome);
        }
      };
      const options: LegacyCapInitOptions = {
        ...(config.options as LegacyCapInitOptions),
        callback: (result) => {
          // A solve calls back right after `end` (a kept-open embed right before it): not a close.
          open = false;
          closes++;
          let current: Partial<LegacyCaptchaResult> | undefined;
          try {
            current = loaded.capGetTicket();
          } catch {
            // An SDK without (a working) capGetTicket: the callback alone decides.
          }
          report(classifyLegacyResult(result ?? { ret: 1 }, config, current));
        },
        // The SDK's hooks around a challenge (the element's; they replace any in `options`).
        start: () => {
          open = true;
        },
        end: () => {
          if (!open) return;
          open = false;
          const close = ++closes;
          setTimeout(() => close === closes && report(classifyLegacyResult({ ret: 1 }, config)));
        },
      };
      if (config.lang !== undefined) options.lang = toLegacyLang(config.lang);
      try {
        if (mobile) {
          // The H5 API (seed 003): `capInit(document, { callback, showHeader: true })`; the SDK covers
          // the screen itself.
          options.showHeader ??= true;
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
      watchdog = setTimeout(() => {
        try {
          // Set up (as it must be to have called back): from here the SDK waits for the user.
          if (ours()) loaded.capGetTicket();
        } catch {
          // Not set up: its sub-scripts hang or failed, or its set-up threw.
          destroy();
          // 1002: Tencent's errorCode for a challenge that did not appear in time (CAPTCHA_SHOW_TIMEOUT).
          onOutcome(createFallback('legacy', config, 'sdk_show_timeout', 1002, 'captcha_show_timeout'));
        }
      }, config.showTimeout);
      return undefined;
    },
    refresh() {
      if (!live || !sdk) return false;
      // The SDK runs `end` as it takes the open challenge down: no close.
      open = false;
      sdk.capRefresh();
      return true;
    },
    destroy,
  };
}
