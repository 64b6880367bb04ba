/**
 * JSX typing of <tencent-captcha> for React 19, which passes custom elements' props through as
 * properties/attributes and turns `on<event>` props into listeners of `<event>` (case kept): so
 * `onverified` listens to the element's `verified` event.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type {
  TencentCaptchaClosedEvent,
  TencentCaptchaElement,
  TencentCaptchaFallbackEvent,
  TencentCaptchaVerifiedEvent,
} from '@tencent-captcha/element';

interface TencentCaptchaProps extends DetailedHTMLProps<HTMLAttributes<TencentCaptchaElement>, TencentCaptchaElement> {
  'app-id'?: string;
  src?: string;
  type?: 'popup' | 'embed';
  name?: string;
  required?: boolean;
  disabled?: boolean;
  'load-timeout'?: number;
  onverified?: (event: TencentCaptchaVerifiedEvent) => void;
  onfallback?: (event: TencentCaptchaFallbackEvent) => void;
  onclosed?: (event: TencentCaptchaClosedEvent) => void;
}

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'tencent-captcha': TencentCaptchaProps;
    }
  }
}
