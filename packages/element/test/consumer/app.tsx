// Type-checked against dist/ by scripts/smoke.mjs: what an app sees of the published package.
import * as React from 'react';
import type {} from '@tencent-captcha/element/jsx';
import type {} from '@tencent-captcha/element/vue';
import type { GlobalComponents } from 'vue';
import { TencentCaptchaElement, fieldNames, type TencentCaptchaVerification } from '@tencent-captcha/element';

// React JSX: attributes, properties and typed `on<event>` listeners.
export const jsx = (
  <tencent-captcha
    app-id="189990000"
    type="popup"
    dark-mode="force"
    required
    name="captcha"
    options={{ needFeedBack: false }}
    onverified={(e) => e.detail.ticket.toUpperCase()}
    onfallback={(e) => e.detail.errorCode.toFixed()}
    onclosed={(e) => e.detail.ret}
    onexpired={(e) => e.detail.previous.toUpperCase()}
    show-timeout={8000}
    ticketLifetime={120}
    onChange={(e) => e.currentTarget.value.toUpperCase()}
    onInput={(e) => e.currentTarget.value.length}
  />
);
// @ts-expect-error `type` is popup | embed
export const badJsx = <tencent-captcha type="modal" />;

// The DOM: tag name map and event map.
const el = document.querySelector('tencent-captcha');
el?.addEventListener('fallback', (e) => e.detail.reason.toUpperCase());
document.addEventListener('verified', (e) => e.detail.randstr);
el?.addEventListener('expired', (e) => e.detail.ticket.length);
const made: TencentCaptchaElement = document.createElement('tencent-captcha');
export const verification: Promise<TencentCaptchaVerification> = made.verify();
export const names: { ticket: string; randstr: string } = fieldNames('captcha');

// Vue templates: GlobalComponents props and events.
type VueProps = InstanceType<GlobalComponents['tencent-captcha']>['$props'];
export const vue: VueProps = { appId: '1', required: true, showTimeout: 8000, onVerified: (e) => e.detail.randstr, onExpired: (e) => e.detail.previous };
// v-model: `value` + `input` on a custom element (vue-tsc types it as `modelValue`).
export const vueModel: VueProps = { modelValue: '', 'onUpdate:modelValue': (v) => v.toUpperCase(), value: '', onInput: (e) => e.type };
// The element's value is the ticket; '' resets it.
export const value: string = made.value;
made.value = '';
// @ts-expect-error the handler gets the event, not a string
export const badVue: VueProps = { onClosed: (e: string) => e };
