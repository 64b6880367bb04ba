/**
 * Types for `<tencent-captcha>` in Vue 3 templates (Volar / vue-tsc). Opt in once, e.g. in
 * `env.d.ts`: `import type {} from '@tencent-captcha/element/vue';`. Tell Vue's compiler that the
 * tag is a custom element: `compilerOptions.isCustomElement: (tag) => tag === 'tencent-captcha'`.
 * Then `@verified="(e) => e.detail.ticket"` is typed, and `v-model="ticket"` binds the ticket (`value`,
 * `''` when none; Vue compiles v-model on a custom element to `value` + the `input` event).
 */
import type { DefineComponent } from 'vue';
import type {
  TencentCaptchaClosedEvent,
  TencentCaptchaExpiredEvent,
  TencentCaptchaFallbackEvent,
  TencentCaptchaVerifiedEvent,
  TencentCaptchaTemplateProps,
} from './index.js';

/**
 * Attributes, properties and events of `<tencent-captcha>` in Vue templates. vue-tsc checks a kebab
 * attribute against its camel-case prop (`load-timeout="3000"` against `loadTimeout`), so those props
 * also take the strings HTML allows.
 */
export interface TencentCaptchaVueProps extends Omit<TencentCaptchaTemplateProps, 'loadTimeout' | 'showTimeout' | 'ticketLifetime' | 'darkMode'> {
  loadTimeout?: number | string;
  showTimeout?: number | string;
  ticketLifetime?: number | string;
  darkMode?: boolean | 'force' | 'true' | 'false' | '';
  lang?: string;
  nonce?: string;
  onVerified?: (event: TencentCaptchaVerifiedEvent) => void;
  onFallback?: (event: TencentCaptchaFallbackEvent) => void;
  onClosed?: (event: TencentCaptchaClosedEvent) => void;
  onExpired?: (event: TencentCaptchaExpiredEvent) => void;
  /** The ticket (`''` when none); setting `''` resets the element. */
  value?: string;
  /** `v-model`'s binding as vue-tsc types it on a component tag; the compiler emits `value` + `input` for a custom element. */
  modelValue?: string;
  'onUpdate:modelValue'?: (value: string) => void;
  /** `value` changed. */
  onInput?: (event: Event) => void;
  /** `value` changed (right after `input`). */
  onChange?: (event: Event) => void;
}

declare module 'vue' {
  interface GlobalComponents {
    'tencent-captcha': DefineComponent<TencentCaptchaVueProps>;
  }
}
