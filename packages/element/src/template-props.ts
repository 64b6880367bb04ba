/**
 * The attributes and properties of `<tencent-captcha>` as templates set them, shared by the React JSX
 * (`jsx.d.ts`) and Vue (`vue.d.ts`) typings, which add their own event-prop spelling.
 */
import type { CaptchaRegion } from './tencent-captcha.js';
import type { PreloadMode } from './preload.js';

/** Attributes (kebab case) and properties (camel case) a template may set on `<tencent-captcha>`. */
export interface TencentCaptchaTemplateProps {
  'app-id'?: string;
  appId?: string;
  type?: 'popup' | 'embed';
  'dark-mode'?: boolean | 'force' | 'true' | 'false' | '';
  darkMode?: boolean | 'force';
  'biz-state'?: string;
  bizState?: unknown;
  'aid-encrypted'?: string;
  aidEncrypted?: string;
  'load-timeout'?: number | string;
  loadTimeout?: number;
  'show-timeout'?: number | string;
  showTimeout?: number;
  'ticket-lifetime'?: number | string;
  ticketLifetime?: number;
  src?: string;
  region?: CaptchaRegion;
  driver?: 'modern' | 'legacy';
  preload?: PreloadMode;
  name?: string;
  required?: boolean;
  disabled?: boolean;
  options?: Readonly<Record<string, unknown>>;
}
