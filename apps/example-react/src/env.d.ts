/// <reference types="vite/client" />
// Types <tencent-captcha> in JSX (props, and the onverified / onfallback / onclosed listeners).
import type {} from '@tencent-captcha/element/jsx';
