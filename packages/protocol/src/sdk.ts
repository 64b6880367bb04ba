/**
 * Types of Tencent's browser SDK (`TCaptcha.js` / `TJCaptcha.js`, global `TencentCaptcha`) and of
 * the legacy `capInit` SDK. Source: protocol.md §1 and §4.2.
 */

/** Where Tencent serves its browser SDK. Load it from Tencent; self-hosting breaks updates. */
export const SdkUrl = {
  /** Captcha 1.0 SDK, China site. */
  China: 'https://turing.captcha.qcloud.com/TCaptcha.js',
  /** Captcha 2.0 SDK (2024-11), China site; same `TencentCaptcha` API. */
  ChinaV2: 'https://turing.captcha.qcloud.com/TJCaptcha.js',
  /** International site (tencentcloud.com). */
  International: 'https://ca.turing.captcha.qcloud.com/TJNCaptcha-global.js',
} as const;
/** One of {@link SdkUrl}'s values. */
export type SdkUrl = (typeof SdkUrl)[keyof typeof SdkUrl];

/** Presentation of the captcha: a centred overlay, or rendered inside the element passed in. */
export type CaptchaType = 'popup' | 'embed';

/** `options`, the third argument of `new TencentCaptcha(appId, callback, options)`. */
export interface TencentCaptchaOptions {
  /** Opaque value copied into the callback result as `bizState`. */
  bizState?: unknown;
  /** `true` follows the system's dark mode, `'force'` is always dark. */
  enableDarkMode?: boolean | 'force';
  /** Native-app WebView only: size of the loading popup. */
  sdkOpts?: { width: number; height: number };
  /** Called once the captcha has loaded, with its real size in px. */
  ready?: (info: { sdkView: { width: number; height: number } }) => void;
  /** `false` hides the help button; a URL string replaces the help link. */
  needFeedBack?: boolean | string;
  /** Show a loading box while loading. `false` is not supported in embed mode. @default true */
  loading?: boolean;
  /** Prompt language, overriding the console setting (see {@link USER_LANGUAGES}). */
  userLanguage?: string;
  /** @default 'popup' */
  type?: CaptchaType;
  /** Encrypted CaptchaAppId proof, required once CaptchaAppId enforcement is on (protocol.md §1.10). */
  aidEncrypted?: string;
  /** Cipher of `aidEncrypted`. @default 'cbc' */
  aidEncryptedType?: 'cbc' | 'gcm';
  /** GCM additional authenticated data, Base64. */
  aidEncryptedAad?: string;
  /** Called when rendered: render time in ms and a trace id. */
  showFn?: (info: { duration: number; sid: string }) => void;
  /** Called on each verification attempt. */
  verifyFn?: (info: { pass: boolean; sid: string }) => void;
}

/**
 * What the SDK passes to the callback. Decide on `ticket` + `errorCode`, never on `ret`:
 * `ret` is `0` in disaster cases too.
 */
export interface TencentCaptchaResult {
  /** `0` done (also when a disaster ticket stands in), `2` the user closed the captcha. */
  ret: number;
  /** The ticket, or `null` when the user closed the captcha. */
  ticket: string | null;
  /** Random string to send with the ticket. */
  randstr?: string;
  /** App id (lowercase form, as in real payloads). */
  appid?: string;
  /** App id (form used in some doc tables). */
  CaptchaAppId?: string;
  /** Echo of `options.bizState`. */
  bizState?: unknown;
  /** Present when the SDK hit an error and produced a disaster ticket. */
  errorCode?: number;
  /** Short machine string such as `jsload_error`. */
  errorMessage?: string;
  /** ms spent on the verify request (2.0 SDK). */
  verifyDuration?: number;
  /** ms from user action to success (2.0 SDK). */
  actionDuration?: number;
  /** Trace/session id (2.0 SDK). */
  sid?: string;
}

/** The SDK's callback. */
export type TencentCaptchaCallback = (result: TencentCaptchaResult) => void;

/** An instance of the global `TencentCaptcha` class. */
export interface TencentCaptchaInstance {
  /** Display the captcha; may be called repeatedly. */
  show(): void;
  /** Hide and tear down; may be called repeatedly. */
  destroy(): void;
  /** The ticket after success (older SDKs: the callback-shaped object), or `null`. */
  getTicket(): { CaptchaAppId?: string; appid?: string; ticket: string } | null;
  /** Undocumented; present in some SDK versions. */
  refresh?(): void;
}

/**
 * A DOM element where the DOM library is loaded, and `never` elsewhere, so these types compile in
 * server code that has no DOM typings (`skipLibCheck: false`) as well.
 */
export type SdkElement = typeof globalThis extends { HTMLElement: { prototype: infer E } } ? E : never;
/** The DOM's `Document` where the DOM library is loaded, else `never` (same trick as {@link SdkElement}). */
export type SdkDocument = typeof globalThis extends { Document: { prototype: infer D } } ? D : never;

/** The global `TencentCaptcha` class with its documented constructor forms (protocol.md §1.3). */
export interface TencentCaptchaConstructor {
  new (captchaAppId: string, callback: TencentCaptchaCallback, options?: TencentCaptchaOptions): TencentCaptchaInstance;
  new (element: SdkElement): TencentCaptchaInstance;
  new (
    element: SdkElement,
    captchaAppId: string,
    callback: TencentCaptchaCallback,
    options?: TencentCaptchaOptions,
  ): TencentCaptchaInstance;
}

/** `userLanguage` values in Tencent's newest list (protocol.md §1.5). */
export const USER_LANGUAGES = [
  'zh-cn', 'zh-hk', 'zh-tw', 'en', 'ar', 'cs-cz', 'de', 'en-in', 'es', 'es-la', 'fil', 'fr', 'he', 'hi', 'id',
  'it', 'ja', 'ko', 'lo', 'ms', 'my', 'nl', 'pl', 'pt', 'pt-pt', 'ro-ro', 'ru', 'th', 'tr', 'uk-ua', 'ur', 'vi',
] as const;
/** One of {@link USER_LANGUAGES}. */
export type UserLanguage = (typeof USER_LANGUAGES)[number];

/** Options of the legacy `capInit(div, options)` SDK (天御, protocol.md §4.2). */
export interface LegacyCapInitOptions {
  /** Receives `{ ret, ticket, randstr }`: `ret` 0 verified, 1 not verified. */
  callback?: (result: LegacyCaptchaResult) => void;
  /** Hex colour without `#`, e.g. `ff572d`. */
  themeColor?: string;
  /** Mobile header with back/help buttons. */
  showHeader?: boolean;
  /** `point` (trigger style, default), `embed` or `popup` (PC only). */
  type?: 'point' | 'embed' | 'popup';
  /** PC popup positioning. */
  pos?: 'absolute' | 'fixed' | 'static' | 'relative';
  /** `false`: refresh after pass; `true`: keep shown. */
  keepOpen?: boolean;
  /** `2052` zh-CN (default), `1028` zh-TW, `1033` en. */
  lang?: 2052 | 1028 | 1033;
  /** Undocumented, read from Tencent's loader: called when a challenge opens (and again as a ticket arrives). */
  start?: () => void;
  /**
   * Undocumented, read from Tencent's loader: called when the challenge closes: before the callback on
   * a solve, alone when the user closes it (the PC SDK then calls back nothing), and on `capRefresh` / `capDestroy`.
   */
  end?: () => void;
}

/** Legacy callback result. Note `ret` 1 (not 2) means the user did not verify. */
export interface LegacyCaptchaResult {
  ret: 0 | 1;
  ticket?: string;
  /** Seed `003`'s callback carries one; older revisions of the SDK give none. */
  randstr?: string;
}

/** Globals the legacy SDK script defines. */
export interface LegacyCaptchaGlobals {
  /** `container`: the box on PC; `document` on mobile, where the SDK takes the full screen (seed `003`). */
  capInit(container: SdkElement | SdkDocument, options?: LegacyCapInitOptions): void;
  /** The last result, `{ ticket, randstr }` (Tencent's loader has no `ret`; `ticket` is `''` until solved). Throws until the SDK's set-up has run (its sub-scripts loaded). */
  capGetTicket(): Partial<LegacyCaptchaResult>;
  capRefresh(): void;
  capDestroy(): void;
}

/** Minimum layout boxes of the legacy SDK, in CSS px (PC; mobile must be full screen). */
export const LEGACY_LAYOUT = {
  /** Trigger ("point") box on PC: design.md §4 asks for at least 362×40. */
  pcTrigger: { width: 362, height: 40 },
  embed: { width: 300, height: 270 },
  popup: { width: 300, height: 310 },
} as const;
