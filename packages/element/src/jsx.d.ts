/**
 * Types for `<tencent-captcha>` in React 19 JSX (React 18.3's types work the same way). Opt in once,
 * e.g. in a `.d.ts` of your app: `import type {} from '@tencent-captcha/element/jsx';`
 *
 * React 19 sets these props as properties when the element has them (so `options` and `bizState`
 * take objects) and adds `on<event>` props as listeners: `onverified`, `onfallback`, `onclosed`, `onexpired`.
 * `onChange` / `onInput` (React's own props) hear the element's `change` / `input`, fired whenever its
 * `value` (the ticket, `''` when none) changes: `onChange={(e) => setTicket(e.currentTarget.value)}`.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type {
  TencentCaptchaClosedEvent,
  TencentCaptchaElement,
  TencentCaptchaExpiredEvent,
  TencentCaptchaFallbackEvent,
  TencentCaptchaVerifiedEvent,
  TencentCaptchaTemplateProps,
} from './index.js';

/** Attributes and properties of `<tencent-captcha>` in JSX. */
export interface TencentCaptchaJsxProps
  extends Omit<DetailedHTMLProps<HTMLAttributes<TencentCaptchaElement>, TencentCaptchaElement>, keyof TencentCaptchaTemplateProps>,
    TencentCaptchaTemplateProps {
  onverified?: (event: TencentCaptchaVerifiedEvent) => void;
  onfallback?: (event: TencentCaptchaFallbackEvent) => void;
  onclosed?: (event: TencentCaptchaClosedEvent) => void;
  onexpired?: (event: TencentCaptchaExpiredEvent) => void;
}

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'tencent-captcha': TencentCaptchaJsxProps;
    }
  }
}
