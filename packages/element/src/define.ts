/**
 * Registers `<tencent-captcha>`. This entry is the package's only side effect:
 * `import '@tencent-captcha/element/define';`
 */
import { TencentCaptchaElement } from './tencent-captcha.js';

if (!customElements.get('tencent-captcha')) customElements.define('tencent-captcha', TencentCaptchaElement);

export { TencentCaptchaElement };
