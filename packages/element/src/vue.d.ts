/**
 * Types for `<tencent-captcha>` in Vue 3 templates (Volar / vue-tsc). Opt in once, e.g. in
 * `env.d.ts`: `import type {} from '@tencent-captcha/element/vue';`. Tell Vue's compiler that the
 * tag is a custom element: `compilerOptions.isCustomElement: (tag) => tag === 'tencent-captcha'`.
 * Then `@verified="(e) => e.detail.ticket"` is typed.
 */
import type { DefineComponent } from 'vue';
import type {
  TencentCaptchaClosedEvent,
  TencentCaptchaExpiredEvent,
  TencentCaptchaFallbackEvent,
  TencentCaptchaVerifiedEvent,
  TencentCaptchaTemplateProps,
} from './index.js';

/** Attributes, properties and events of `<tencent-captcha>` in Vue templates. */
export interface TencentCaptchaVueProps extends TencentCaptchaTemplateProps {
  lang?: string;
  nonce?: string;
  onVerified?: (event: TencentCaptchaVerifiedEvent) => void;
  onFallback?: (event: TencentCaptchaFallbackEvent) => void;
  onClosed?: (event: TencentCaptchaClosedEvent) => void;
  onExpired?: (event: TencentCaptchaExpiredEvent) => void;
}

declare module 'vue' {
  interface GlobalComponents {
    'tencent-captcha': DefineComponent<TencentCaptchaVueProps>;
  }
}
