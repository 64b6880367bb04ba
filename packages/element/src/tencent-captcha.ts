import { LitElement, html, nothing } from 'lit';
import { SdkUrl } from '@tencent-captcha/protocol';
import { CaptchaStatus } from './status.js';
import { TencentCaptchaError, type TencentCaptchaErrorCode } from './errors.js';
import {
  TencentCaptchaClosedEvent,
  TencentCaptchaExpiredEvent,
  TencentCaptchaFallbackEvent,
  TencentCaptchaVerifiedEvent,
  type ExpiredDetail,
  type TencentCaptchaVerification,
} from './events.js';
import { DEFAULT_LOAD_TIMEOUT, SdkLoadError, legacyGlobal, loadLegacySdk, loadTencentSdk } from './sdk-loader.js';
import { DEFAULT_PRELOAD, armPreload, type PreloadMode } from './preload.js';
import { createFallback, type CaptchaDriver, type DriverConfig, type DriverOutcome } from './drivers/driver.js';
import { createModernDriver } from './drivers/modern.js';
import { isMobileLegacyScript } from './drivers/legacy-layout.js';
import { isRtl, observeLang, resolveLang, stringsFor } from './i18n/index.js';
import { styles } from './tencent-captcha.styles.js';
import { afterPageLoad } from './page-load.js';

/** Where Tencent's script comes from when `src` is not set. */
export const CaptchaRegion = {
  /** `TCaptcha.js` on turing.captcha.qcloud.com (Captcha 1.0; the long-standing URL). */
  China: 'china',
  /** `TJCaptcha.js` on turing.captcha.qcloud.com (Captcha 2.0, same API). */
  ChinaV2: 'china-v2',
  /** `TJNCaptcha-global.js` on ca.turing.captcha.qcloud.com (tencentcloud.com accounts). */
  International: 'international',
} as const;
/** One of {@link CaptchaRegion}'s values. */
export type CaptchaRegion = (typeof CaptchaRegion)[keyof typeof CaptchaRegion];

const REGION_SRC: Record<CaptchaRegion, string> = {
  china: SdkUrl.China,
  'china-v2': SdkUrl.ChinaV2,
  international: SdkUrl.International,
};

/** Prefix of the form fields when `name` is not set: `tencent-captcha-ticket`, `tencent-captcha-randstr`. */
export const DEFAULT_FIELD_PREFIX = 'tencent-captcha';

/** The form field names for a `name` prefix (the server adapters read the default ones). */
export function fieldNames(prefix: string = DEFAULT_FIELD_PREFIX): { ticket: string; randstr: string } {
  const p = prefix || DEFAULT_FIELD_PREFIX;
  return { ticket: `${p}-ticket`, randstr: `${p}-randstr` };
}

/** ms to wait for the challenge to appear after `show()` (Tencent's SDK itself waits 20 s, or ~90 s for a second captcha). */
export const DEFAULT_SHOW_TIMEOUT = 10_000;

/** Seconds a ticket is valid for (Tencent: 5 minutes, also the server's default freshness of disaster tickets). */
export const DEFAULT_TICKET_LIFETIME = 300;

/** A ticket is dropped this much before its lifetime ends: 10 %, at most 15 s (the form still has to reach the server). */
const expiryMargin = (ms: number): number => Math.min(15_000, ms / 10);

const APP_ID = /^\d{1,12}$/;
/** Tencent could not load the app's configuration: usually a wrong app id. */
const CONFIG_ERROR = 1006;

/** A finite number > 0 from an attribute or property, else `fallback`. */
const positive = (value: unknown, fallback: number): number => {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};

/** Imports `drivers/legacy.js` (next to the element's script, like the language modules) and makes a legacy driver. */
const legacyDriver = async (): Promise<CaptchaDriver> =>
  (await import('./drivers/legacy.js')).createLegacyDriver({ legacyGlobal, loadLegacySdk, createFallback });

/** Small screens, where the legacy SDK must go full screen: used only when its script URL does not say (`clientype`). */
export const MOBILE_QUERY = '(max-width: 767px), (hover: none) and (pointer: coarse)';

const darkModeConverter = {
  fromAttribute: (value: string | null): boolean | 'force' => (value === null || value === 'false' ? false : value === 'force' ? 'force' : true),
  toAttribute: (value: boolean | 'force'): string | null => (value === 'force' ? 'force' : value ? '' : null),
};

const EVENTS = { verified: TencentCaptchaVerifiedEvent, fallback: TencentCaptchaFallbackEvent, closed: TencentCaptchaClosedEvent, expired: TencentCaptchaExpiredEvent };
const SYNC_ATTRIBUTES = ['lang', 'dir', 'name', 'required', 'disabled'];
const PENDING: readonly CaptchaStatus[] = ['loading', 'ready', 'verifying'];
const FAILED_CODE: Partial<Record<CaptchaStatus, TencentCaptchaErrorCode>> = { closed: 'closed', idle: 'cancelled', error: 'misconfigured' };

interface Waiter {
  resolve(value: TencentCaptchaVerification): void;
  reject(reason: unknown): void;
}

/**
 * Tencent Cloud Captcha (腾讯云验证码) as a form control. It loads Tencent's script once per page, shows
 * the challenge as a popup (from its own button or a slotted one) or embedded, and puts the ticket and
 * randstr into its form. When the script cannot load, hangs, throws, or the SDK reports an errorCode,
 * a disaster ticket in Tencent's format stands in, so the form is never stuck.
 *
 * Form fields: `<name>-ticket` and `<name>-randstr`, with `name` defaulting to `tencent-captcha`.
 *
 * @summary Tencent Cloud Captcha as a form-associated custom element with client-side disaster recovery.
 * @tagname tencent-captcha
 *
 * @attr lang - Language of the element's strings and of the challenge (Tencent's `userLanguage`). Falls back to the nearest ancestor's `lang`, `<html lang>`, then the browser's language (which is not passed to the SDK).
 * @attr name - Prefix of the form fields (`<name>-ticket`, `<name>-randstr`); default `tencent-captcha`. Property `name`.
 * @attr {boolean} required - Blocks form submission until verified or fallen back. Property `required`.
 * @attr {boolean} disabled - Disables the trigger and `show()`; a disabled control is not submitted. Property `disabled`.
 * @attr show-timeout - ms from the first `show()` (script load included) until the challenge must have appeared (the SDK's `ready`), else a fallback with errorCode 1002 (`reason: 'sdk_show_timeout'`), or 1001 while the script still loads: a ceiling that clicks and further `show()` calls do not restart. Default 10000. Property `showTimeout`.
 * @attr preload - When to load Tencent's script before the first `show()`: `none`, `intent` (default: a pointer entering or focus reaching the element), `visible` (in view) or `eager` (after the page's `load`). Never before the page's `load`. Property `preload`.
 * @attr ticket-lifetime - Seconds a ticket stays in the form (less a 10 % margin, at most 15 s) before it is dropped with an `expired` event. Default 300. Property `ticketLifetime`.
 * @attr nonce - CSP nonce for the `<script>` that loads Tencent's SDK (needed under `script-src 'nonce-…'` without `'strict-dynamic'`). Read through the `nonce` property, which survives the browser's nonce hiding.
 *
 * @fires {TencentCaptchaVerifiedEvent} verified - The user solved the challenge. `detail`: `{ ticket, randstr, appId, bizState, sid, … }`. The ticket is now in the form.
 * @fires {TencentCaptchaFallbackEvent} fallback - A disaster ticket stands in: the script failed (at once), hung (after `load-timeout`), the challenge did not appear (after `show-timeout`), the constructor or `show()` threw, or the SDK reported an `errorCode` (its own ticket is passed through). `detail`: `{ ticket, randstr, errorCode, errorMessage, reason, … }`. The ticket is now in the form.
 * @fires {TencentCaptchaClosedEvent} closed - The user closed the challenge (ret 2; ret 1 in the legacy SDK). `detail`: `{ ret, appId, bizState }`.
 * @fires {Event} input - `value` changed (a ticket arrived, expired or was cleared by reset, form reset or refresh); fired after the specific event. For two-way bindings.
 * @fires {Event} change - Fired right after every `input`.
 * @fires {TencentCaptchaExpiredEvent} expired - A ticket outlived `ticket-lifetime`: it left the form and the element is `idle` again (an embedded challenge is shown anew). `detail`: `{ ticket, appId, previous }`.
 *
 * @slot trigger - Your own trigger, replacing the default button (popup). Clicks on it open the challenge; use a real `<button type="button">`.
 * @slot captcha - Filled by the element: the light-DOM box the SDK renders into (embed type and the legacy SDK). Style it from outside as `tencent-captcha > [slot=captcha]`.
 *
 * @csspart base - The wrapper of button and status.
 * @csspart button - The default trigger button.
 * @csspart icon - The checkbox / spinner / check mark in the button.
 * @csspart label - The button's text.
 * @csspart status - The `role="status"` live region with the current state in words.
 *
 * @cssprop --tencent-captcha-background - Button background. Default `#fff` (`#1f1f1f` dark).
 * @cssprop --tencent-captcha-color - Button text colour. Default `#1f1f1f` (`#ececec` dark).
 * @cssprop --tencent-captcha-border-color - Button and checkbox border. Default `#767676` (`#8c8c8c` dark).
 * @cssprop --tencent-captcha-accent - Focus ring and spinner. Default `#0052d9` (`#6ea1ff` dark).
 * @cssprop --tencent-captcha-success - Check mark. Default `#00803d` (`#5fd38d` dark).
 * @cssprop --tencent-captcha-warning - Fallback icon. Default `#a15c00` (`#f5b14c` dark).
 * @cssprop --tencent-captcha-radius - Button corner radius. Default `4px`.
 * @cssprop --tencent-captcha-min-height - Button height. Default `2.5rem`.
 * @cssprop --tencent-captcha-font - Font shorthand. Default `inherit`.
 */
export class TencentCaptchaElement extends LitElement {
  static override styles = styles;
  /** Makes the element a form control (`ElementInternals`). */
  static formAssociated = true;
  static override properties = {
    appId: { attribute: 'app-id' },
    type: { reflect: true },
    darkMode: { attribute: 'dark-mode', reflect: true, converter: darkModeConverter },
    bizState: { attribute: 'biz-state' },
    aidEncrypted: { attribute: 'aid-encrypted' },
    loadTimeout: { attribute: 'load-timeout', type: Number },
    showTimeout: { attribute: 'show-timeout', type: Number },
    ticketLifetime: { attribute: 'ticket-lifetime', type: Number },
    src: {},
    region: {},
    driver: {},
    preload: {},
    options: { attribute: false },
    _status: { state: true },
    _formDisabled: { state: true },
    _shown: { state: true },
    _invalid: { state: true },
  };

  /** Your CaptchaAppId (digits, from Tencent's console). Required. */
  appId = '';

  /** `popup`: a centred overlay opened from the trigger. `embed`: rendered inline at once. */
  type: 'popup' | 'embed' = 'popup';

  /** Tencent's `enableDarkMode`: `dark-mode` (or `="true"`) follows the system, `dark-mode="force"` is always dark. Also themes the element. */
  darkMode: boolean | 'force' = false;

  /** Opaque value the SDK copies into the result as `bizState`. */
  bizState: unknown = undefined;

  /** Encrypted CaptchaAppId proof (`aidEncrypted`), computed on your server, once CaptchaAppId enforcement is on. */
  aidEncrypted = '';

  /** ms to wait for Tencent's script (retry included) before falling back with errorCode 1001. */
  loadTimeout = DEFAULT_LOAD_TIMEOUT;

  /** ms from the first `show()` (load included) until the challenge must have appeared (the SDK's `ready` callback) before falling back with errorCode 1002: a ceiling, not restarted by clicks. */
  showTimeout = DEFAULT_SHOW_TIMEOUT;

  /** Seconds a ticket stays in the form before it is dropped (`expired` event, back to `idle`); less a margin of 10 %, at most 15 s. */
  ticketLifetime = DEFAULT_TICKET_LIFETIME;

  /** Script URL, overriding `region` (for the emulator, or the legacy SDK's one-time URL). The file name also sets the prefix of the element's own disaster tickets: `terror_` for `TCaptcha.js`, else `trerror_`. */
  src = '';

  /** Which of Tencent's scripts to load when `src` is not set. */
  region: CaptchaRegion = 'china';

  /** `modern`: the `TencentCaptcha` SDK. `legacy`: the 天御 `capInit` SDK (needs `src`). */
  driver: 'modern' | 'legacy' = 'modern';

  /** When to load Tencent's script ahead of the first `show()` (popup, modern SDK): `none`, `intent` (a pointer, mouse or touch, entering or focus reaching the element), `visible` (scrolled into view) or `eager` (once the page has loaded). Read when the element first renders. */
  preload: PreloadMode = DEFAULT_PRELOAD;

  /** Extra SDK options (`needFeedBack`, `loading`, `ready`, `showFn`, `verifyFn`, `aidEncryptedType`, legacy `themeColor`, …). The attributes win. */
  options: Readonly<Record<string, unknown>> = {};

  private _status: CaptchaStatus = 'idle';
  private _formDisabled = false;

  readonly #internals = this.attachInternals();
  #result: TencentCaptchaVerification | undefined;
  #driver: CaptchaDriver | undefined;
  #run = 0;
  #pending: Promise<void> | undefined;
  #stopped = false;
  #waiters = new Set<Waiter>();
  #unobserveLang: (() => void) | undefined;
  /** When the current run started (tickets are counted from then), and the timer that drops its ticket. */
  #startedAt = 0;
  #disarmPreload: (() => void) | undefined;
  /** The challenge of the current run is on screen (the SDK's `ready`); until then the element shows it is waiting. */
  private _shown = false;
  /** A submission was blocked by `required` (the `invalid` event), until a ticket or a reset. */
  private _invalid = false;
  #expiry: ReturnType<typeof setTimeout> | undefined;
  /** The status message says the last ticket expired (until the next change). */
  #expiredNotice = false;
  /** The invalid `app-id` last warned about. */
  #badAppId: string | undefined;

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, ...SYNC_ATTRIBUTES];
  }

  // `name`, `required` and `disabled` live in their attributes and act at once, as on native
  // controls: the form value, validity and disabled state are right before any re-render.

  /** Prefix of the form fields: `<name>-ticket`, `<name>-randstr`. Empty means `tencent-captcha`. */
  get name(): string {
    return this.getAttribute('name') ?? '';
  }
  set name(value: string) {
    this.setAttribute('name', value);
  }

  /** Blocks form submission until verified (or fallen back). */
  get required(): boolean {
    return this.hasAttribute('required');
  }
  set required(value: boolean) {
    this.toggleAttribute('required', Boolean(value));
  }

  /** Disables the trigger and `show()`; a disabled control is not submitted (its ticket is kept). */
  get disabled(): boolean {
    return this.hasAttribute('disabled');
  }
  set disabled(value: boolean) {
    this.toggleAttribute('disabled', Boolean(value));
  }

  /** Where the element is: idle, loading, ready, verifying, verified, fallback, closed or error. Also exposed as the CSS custom state `:state(<status>)`. */
  get status(): CaptchaStatus {
    return this._status;
  }

  /** The form fields this element submits. */
  get fieldNames(): { ticket: string; randstr: string } {
    return fieldNames(this.name);
  }

  /** The form this control belongs to. */
  get form(): HTMLFormElement | null {
    return this.#internals.form;
  }

  /** Constraint validation state (`valueMissing` while `required` and not verified). */
  get validity(): ValidityState {
    return this.#internals.validity;
  }

  /** The localized validation message, or `''`. */
  get validationMessage(): string {
    return this.#internals.validationMessage;
  }

  /** Whether the control takes part in constraint validation. */
  get willValidate(): boolean {
    return this.#internals.willValidate;
  }

  /** As `HTMLInputElement.checkValidity()`. */
  checkValidity(): boolean {
    return this.#internals.checkValidity();
  }

  /** As `HTMLInputElement.reportValidity()`: shows the message at the trigger. */
  reportValidity(): boolean {
    return this.#internals.reportValidity();
  }

  /** Focuses the trigger. The element never moves focus by itself. */
  override focus(options?: FocusOptions): void {
    this.#anchor()?.focus(options);
  }

  /**
   * Loads Tencent's script if needed and shows the challenge. Never rejects: failures end in the
   * `fallback` state and event. Does nothing while disabled or while a show is under way (loading, or
   * the challenge on its way or on screen): that neither restarts it nor its `show-timeout`.
   */
  show(): Promise<void> {
    // A show under way is not restarted (nor its show-timeout, a ceiling from the first call).
    return PENDING.includes(this._status) ? (this.#pending ?? Promise.resolve()) : this.#restart();
  }

  #restart(): Promise<void> {
    if (this.#isDisabled()) return Promise.resolve();
    this.#stopped = false;
    const pending = this.#start().finally(() => {
      if (this.#pending === pending) this.#pending = undefined;
    });
    this.#pending = pending;
    return pending;
  }

  /** Resolves with the result once the user solved the challenge or a disaster ticket stands in; shows the challenge if needed. Rejects with a {@link TencentCaptchaError} when closed, cancelled, disabled or misconfigured, or with `signal.reason`. */
  verify(options: { signal?: AbortSignal } = {}): Promise<TencentCaptchaVerification> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.#expireIfDue();
    if (this.#result) return Promise.resolve(this.#result);
    if (this.#isDisabled()) return Promise.reject(new TencentCaptchaError('disabled', 'Not verified: disabled'));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      this.#waiters.add(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          this.#waiters.delete(waiter);
          reject(signal.reason);
        },
        { once: true },
      );
      if (!PENDING.includes(this._status)) void this.show();
    });
  }

  /** Clears the result and the SDK's UI; back to `idle` (an embedded challenge is shown afresh). */
  reset(): void {
    this.#stopped = false;
    this.#cancel();
  }

  /** Tears the SDK's UI down and clears the result; an embedded challenge stays away until `show()`. */
  destroy(): void {
    this.#stopped = true;
    this.#cancel();
  }

  /**
   * The ticket in the form (a real or a disaster ticket), `''` when there is none: what Vue's `v-model`,
   * Angular's `ngDefaultControl` and React's `onChange` read. `input` and `change` fire whenever it
   * changes. A ticket cannot be written: setting `''` resets the element (when it holds a ticket), any
   * other value is ignored.
   */
  get value(): string {
    return this.getTicket()?.ticket ?? '';
  }
  set value(value: string) {
    if (!value && this.#result) this.reset();
  }

  /** The current ticket and randstr (a real or a disaster ticket), or `null`. */
  getTicket(): { ticket: string; randstr: string } | null {
    this.#expireIfDue();
    const result = this.#result;
    return result ? { ticket: result.ticket, randstr: result.randstr } : null;
  }

  /** Discards the result and asks for a fresh challenge (e.g. after the server rejected the ticket): in place through the SDK's own refresh while a challenge is on screen, else `show()` anew. */
  refresh(): Promise<void> {
    if (this._status === 'verifying' && this.#driver?.refresh()) return Promise.resolve();
    return this.#restart();
  }

  constructor() {
    super();
    this.addEventListener('invalid', () => (this._invalid = true));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#unobserveLang = observeLang(() => this.requestUpdate());
    this.#syncForm();
    if (this.hasUpdated) this.#autoStart();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#disarmPreload?.();
    this.#disarmPreload = undefined;
    this.#unobserveLang?.();
    // A popup or embedded challenge must not outlive the element; a finished result stays (the element may just be moving).
    if (PENDING.includes(this._status)) this.#cancel();
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (SYNC_ATTRIBUTES.includes(name)) {
      this.#syncForm();
      this.requestUpdate();
    }
  }

  /** @internal Form reset: clear the result. */
  formResetCallback(): void {
    this.reset();
  }

  /** @internal The element or its fieldset was disabled or enabled. */
  formDisabledCallback(disabled: boolean): void {
    this._formDisabled = disabled;
  }

  /** @internal */
  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    const server = [...(this.shadowRoot?.childNodes ?? [])];
    const root = super.createRenderRoot();
    // Declarative shadow DOM from a server, and no Lit hydrate support to take it over: Lit would
    // render beside it (two buttons, two live regions). Start afresh instead.
    if (this.renderOptions.renderBefore) {
      for (const node of server) node.remove();
      this.renderOptions.renderBefore = null;
    }
    return root;
  }

  protected override willUpdate(): void {
    this.#checkAppId();
  }

  protected override updated(): void {
    this.#syncForm();
    this.#autoStart();
    if (!this.#disarmPreload && !this.#autoStarts() && this.driver !== 'legacy') {
      const config = this.#config();
      if (config) this.#disarmPreload = armPreload(this, this.preload, config.src, () => void loadTencentSdk({ src: config.src, nonce: config.nonce, timeout: config.loadTimeout }).catch(() => {}));
    }
  }

  protected override render() {
    const { lang } = resolveLang(this);
    const strings = stringsFor(lang);
    const status = this._status;
    const done = status === 'fallback' || status === 'closed' || status === 'error';
    const busy = status === 'loading' || status === 'ready' || (status === 'verifying' && !this._shown);
    const label = status === 'verified' ? strings.triggerVerified : done && status !== 'error' ? strings.triggerRetry : strings.trigger;
    // The legacy SDK's own trigger on desktop waits for a click: nothing to say until then.
    const sdkTrigger = status === 'verifying' && this.type !== 'embed' && this.#autoStarts();
    const invalid = this._invalid && this.required && !this.#result;
    // The validation message while nothing is under way; once the user started, the progress.
    const message = invalid && !this.#expiredNotice && (status === 'idle' || status === 'closed')
      ? strings.required
      : busy
      ? strings.loading
      : status === 'idle' || sdkTrigger
        ? this.#expiredNotice ? strings.expired : ''
        : status === 'fallback' && this.#result?.status === 'fallback' && this.#result.errorCode === CONFIG_ERROR ? strings.fallbackUnavailable : strings[status];
    const icon = busy ? 'busy' : status === 'verified' || status === 'fallback' ? status : '';
    // Compact markup: Lit templates ship as written.
    const aria = invalid ? 'true' : nothing;
    const trigger =
      !this.#autoStarts() || done
        ? html`<slot name="trigger" @click=${this.#onTrigger}><button part="button" type="button" ?disabled=${this.#isDisabled()} aria-disabled=${status === 'verified' ? 'true' : nothing} aria-busy=${busy ? 'true' : nothing} aria-invalid=${aria} aria-describedby="s"><span part="icon" class=${icon} aria-hidden="true"></span><span part="label">${label}</span></button></slot>`
        : nothing;
    // Right to left in ar/he/ur (an inherited `dir="rtl"` reaches the shadow tree by itself); the host's own `dir` wins.
    return html`<div part="base" dir=${isRtl(lang) && !this.dir ? 'rtl' : nothing}>${trigger}<slot name="captcha"></slot><div part="status" role="status" id="s" tabindex=${trigger === nothing ? -1 : nothing} aria-invalid=${trigger === nothing ? aria : nothing}>${message || nothing}</div></div>`;
  }

  readonly #onTrigger = (): void => {
    if (this._status !== 'verified') void this.show();
  };

  async #start(): Promise<void> {
    const run = ++this.#run;
    this.#startedAt = Date.now();
    const config = this.#config();
    let driver = this.#driverFor();
    driver?.destroy();
    if (!config) return this.#commit('error');
    if (!driver) {
      // The legacy driver is a module of its own, loaded on the first legacy show (one request).
      this.#commit('loading');
      try {
        driver = await legacyDriver();
      } catch {
        if (run === this.#run) this.#commit('fallback', createFallback('legacy', config, 'sdk_load_error'));
        return;
      }
      if (run !== this.#run) return;
      this.#driver = driver;
    }
    // `loading` only when the script really has to load: no flash of it when the SDK is there.
    const loading = driver.load(config);
    if (loading) {
      this.#commit('loading');
      try {
        await loading;
      } catch (error) {
        if (run !== this.#run) return;
        driver.destroy();
        const reason = error instanceof SdkLoadError && error.kind === 'timeout' ? 'sdk_load_timeout' : 'sdk_load_error';
        return this.#commit('fallback', createFallback(driver.name, config, reason));
      }
      if (run !== this.#run) return;
    }
    this.#commit('ready');
    // What is left of show-timeout after the load: a ceiling from show(), not from the script's arrival.
    config.showTimeout = Math.max(1, config.showTimeout - (Date.now() - this.#startedAt));
    // The legacy SDK says nothing when its box appears: it counts as shown at once.
    this._shown = driver.name === 'legacy';
    // The modern driver reports one outcome per show (a late SDK callback after its show watchdog, or
    // a repeated one, never arrives here); the legacy SDK may call back again after a close.
    const failed = driver.show(
      config,
      (outcome) => {
        if (run === this.#run) this.#commit(outcome.status, outcome);
      },
      () => {
        if (run === this.#run) this._shown = true;
      },
    );
    if (failed) {
      if (run === this.#run) this.#commit('fallback', createFallback(driver.name, config, failed));
      return;
    }
    // The SDK may have called back synchronously (an errorCode at once): keep what it said.
    if (run === this.#run && this._status === 'ready') this.#commit('verifying');
  }

  /** The single place where the status changes. Form value, validity and custom state follow; then the event; then `verify()` callers. */
  #commit(status: CaptchaStatus, outcome?: DriverOutcome | ExpiredDetail): void {
    const before = this.#result?.ticket;
    this._status = status;
    this.#result = outcome && (outcome.status === 'verified' || outcome.status === 'fallback') ? outcome : undefined;
    if (this.#result || status === 'idle') this._invalid = false;
    this.#expiredNotice = outcome?.status === 'expired';
    clearTimeout(this.#expiry);
    const result = this.#result;
    if (result) {
      this.#expiry = setTimeout(() => this.#expireIfDue(), this.#expiresAt() - Date.now());
      if (result.status === 'fallback' && result.errorCode === CONFIG_ERROR) {
        console.warn(
          `<tencent-captcha>: errorCode 1006: no Tencent config for app-id ${result.appId} (or aid-encrypted, arrears).`,
        );
      }
    }
    this.#syncForm();
    try {
      this.#internals.states.clear();
      this.#internals.states.add(status);
    } catch {
      // CustomStateSet is missing or only takes `--dashed` names in older browsers.
    }
    const event = outcome && new EVENTS[outcome.status](outcome as never);
    if (event) this.dispatchEvent(event);
    // `value` changed: what frameworks' two-way bindings listen to (also on reset, unlike native inputs).
    if (result?.ticket !== before) {
      this.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      this.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
    }
    if (PENDING.includes(status)) return;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    const code = FAILED_CODE[status] ?? 'cancelled';
    for (const waiter of waiters) {
      if (result) waiter.resolve(result);
      else waiter.reject(new TencentCaptchaError(code, `Not verified: ${code}`));
    }
  }

  /** Drops the ticket once its lifetime (less the margin) has passed: `expired`, back to `idle`. */
  #expireIfDue(): void {
    const result = this.#result;
    if (!result || Date.now() < this.#expiresAt()) return;
    this.#run++;
    this.#driver?.destroy();
    this.#commit('idle', { status: 'expired', ticket: result.ticket, appId: result.appId, previous: result.status, driver: result.driver });
  }

  /** When the current run's ticket is dropped: its lifetime (less the margin) after the run started. */
  #expiresAt(): number {
    const lifetime = positive(this.ticketLifetime, DEFAULT_TICKET_LIFETIME) * 1000;
    return this.#startedAt + lifetime - expiryMargin(lifetime);
  }

  /** Without a valid `app-id` nothing can work: say so to the developer at once, and show the error state. */
  #checkAppId(): void {
    const appId = String(this.appId ?? '').trim();
    const bad = APP_ID.test(appId) ? undefined : appId;
    if (bad === undefined) {
      if (this.#badAppId !== undefined && this._status === 'error') this.#commit('idle');
      this.#badAppId = undefined;
    } else if (this._status === 'idle') {
      if (this.#badAppId !== bad) {
        console.warn(`<tencent-captcha>: app-id "${bad}" is not a CaptchaAppId (digits).`);
      }
      this.#badAppId = bad;
      this.#commit('error');
    }
  }

  #cancel(): void {
    this.#run++;
    this.#driver?.destroy();
    this.#commit('idle');
  }

  #syncForm(): void {
    const result = this.#result;
    const names = this.fieldNames;
    let value: FormData | null = null;
    if (result) {
      value = new FormData();
      value.append(names.ticket, result.ticket);
      value.append(names.randstr, result.randstr);
    }
    this.#internals.setFormValue(value);
    if (this.required && !result) {
      this.#internals.setValidity({ valueMissing: true }, stringsFor(resolveLang(this).lang).required, this.#anchor());
    } else {
      this.#internals.setValidity({});
    }
  }

  #anchor(): HTMLElement | undefined {
    const slot = this.renderRoot?.querySelector?.<HTMLSlotElement>('slot[name="trigger"]');
    const slotted = slot?.assignedElements()[0];
    // Without a trigger (embed), the status region (tabindex -1): the browser must be able to focus the anchor.
    return (slotted as HTMLElement | undefined) ?? this.renderRoot?.querySelector?.<HTMLElement>('[part="button"],[part="status"]') ?? undefined;
  }

  #isDisabled(): boolean {
    return this.disabled || this._formDisabled;
  }

  /** A mobile legacy script: its URL says (`clientype=1`), else the screen is small. */
  #mobile(): boolean {
    return this.driver === 'legacy' && (isMobileLegacyScript(this.src) ?? globalThis.matchMedia?.(MOBILE_QUERY).matches ?? false);
  }

  /** Embedded challenges (and the legacy SDK's own trigger on PC) show without a click. */
  #autoStarts(): boolean {
    return this.type === 'embed' || (this.driver === 'legacy' && !this.#mobile());
  }

  readonly #autoStartLater = (): void => this.#autoStart();

  #autoStart(): void {
    if (this.isConnected && !this.#stopped && this._status === 'idle' && this.#autoStarts() && this.appId && !this.#isDisabled()) {
      // Never before the page's `load`: a hanging script or challenge frame would hold it back.
      if (afterPageLoad(this.ownerDocument, this.#autoStartLater)) void this.show();
    }
  }

  /** The driver `driver` asks for; `undefined` when it is the legacy one and not made yet (`legacyDriver()`). */
  #driverFor(): CaptchaDriver | undefined {
    const name = this.driver === 'legacy' ? 'legacy' : 'modern';
    if (this.#driver?.name !== name) {
      this.#driver?.destroy();
      this.#driver = name === 'legacy' ? undefined : createModernDriver();
    }
    return this.#driver;
  }

  #config(): DriverConfig | undefined {
    const appId = String(this.appId ?? '').trim();
    const legacy = this.driver === 'legacy';
    const src = this.src || (legacy ? '' : (REGION_SRC[this.region] ?? SdkUrl.China));
    if (!APP_ID.test(appId) || !src) return undefined;
    const { lang, page } = resolveLang(this);
    const type = this.type === 'embed' ? 'embed' : 'popup';
    const timeout = Number(this.loadTimeout);
    const showTimeout = positive(this.showTimeout, DEFAULT_SHOW_TIMEOUT);
    return {
      appId,
      src,
      nonce: this.nonce || undefined,
      loadTimeout: Math.min(Number.isFinite(timeout) && timeout >= 0 ? timeout : DEFAULT_LOAD_TIMEOUT, showTimeout),
      showTimeout,
      type,
      lang: page ? lang : undefined,
      darkMode: this.darkMode,
      bizState: this.bizState,
      aidEncrypted: this.aidEncrypted || undefined,
      options: this.options ?? {},
      container: type === 'embed' || legacy ? this.#container() : undefined,
      mobile: this.#mobile(),
    };
  }

  #container(): HTMLElement {
    let box = this.querySelector<HTMLElement>(':scope > [slot="captcha"]');
    if (!box) {
      box = this.ownerDocument.createElement('div');
      box.slot = 'captcha';
      this.append(box);
    }
    return box;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tencent-captcha': TencentCaptchaElement;
  }
}
