/**
 * Registers `<tencent-captcha>`. This entry is the package's only side effect:
 * `import '@tencent-captcha/element/define';`
 */
import { TencentCaptchaElement } from './tencent-captcha.js';

// No registry (a server importing the bundle): nothing to register.
if (globalThis.customElements && !customElements.get('tencent-captcha')) customElements.define('tencent-captcha', TencentCaptchaElement);

export { TencentCaptchaElement };
