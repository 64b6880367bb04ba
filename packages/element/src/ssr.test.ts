import { describe, expect, it } from 'vitest';

// Runs in plain Node (no DOM). Lit's Node build brings its own `customElements` shim for SSR; what
// matters is that our modules neither need a DOM to load nor register anything until `define`.
describe('importing @tencent-captcha/element in Node', () => {
  it('loads without a DOM and registers nothing', async () => {
    expect(globalThis).not.toHaveProperty('document');
    expect(globalThis).not.toHaveProperty('window');

    const element = await import('./index.js');

    expect(element.TencentCaptchaElement).toBeTypeOf('function');
    expect(element.fieldNames()).toEqual({ ticket: 'tencent-captcha-ticket', randstr: 'tencent-captcha-randstr' });
    expect(globalThis).not.toHaveProperty('document');
    expect(globalThis).not.toHaveProperty('window');
    expect(globalThis.customElements?.get('tencent-captcha')).toBeUndefined();
  });

  it('registers the tag only when the define entry is imported', async () => {
    const { TencentCaptchaElement } = await import('./index.js');
    expect(globalThis.customElements?.get('tencent-captcha')).toBeUndefined();

    await import('./define.js');

    expect(customElements.get('tencent-captcha')).toBe(TencentCaptchaElement);
    expect(globalThis).not.toHaveProperty('document');
  });
});
