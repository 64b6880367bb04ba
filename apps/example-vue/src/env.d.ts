/// <reference types="vite/client" />
// Types <tencent-captcha>'s attributes and events in templates (vue-tsc).
import type {} from '@tencent-captcha/element/vue';

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
