import { expect, fixture, html } from '@open-wc/testing';
import './define.js';
import type { TencentCaptchaElement } from './tencent-captcha.js';

// WCAG 1.4.11: the focus ring needs 3:1 against what it is drawn on. The ring sits outside the
// button, where the page's own background would be (here the worst case for each theme: white
// behind a dark element, black behind a light one), so the element draws the ring on a halo of the
// button's own background.
describe('<tencent-captcha> focus ring', () => {
  const channel = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  /** Relative luminance of a computed `rgb(…)`/`rgba(…)` colour. */
  const luminance = (color: string) => {
    const [r, g, b] = color.match(/[\d.]+/g)!.slice(0, 3).map((v) => channel(Number(v) / 255));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const contrast = (a: string, b: string) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi! + 0.05) / (lo! + 0.05);
  };

  for (const [theme, page] of [['force', '#ffffff'], ['false', '#000000']] as const) {
    it(`dark-mode="${theme}" on a ${page} page: the ring has at least 3:1 against both of its sides`, async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div style="background:${page};padding:20px"><tencent-captcha app-id="189990000" dark-mode=${theme}></tencent-captcha></div>`);
      const el = wrapper.querySelector<TencentCaptchaElement>('tencent-captcha')!;
      await el.updateComplete;
      const button = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="button"]')!;
      button.focus({ focusVisible: true } as FocusOptions);
      expect(button.matches(':focus-visible')).to.equal(true);
      const style = getComputedStyle(button);
      const ring = style.outlineColor;
      const offset = parseFloat(style.outlineOffset);
      const width = parseFloat(style.outlineWidth);
      expect(width).to.be.at.least(2);
      // What lies under the ring and around it: a halo (box-shadow) of at least offset + width + 2 px, or the page.
      const halo = /(rgba?\([^)]*\))\s+0px\s+0px\s+0px\s+([\d.]+)px/.exec(style.boxShadow);
      const haloColor = halo && parseFloat(halo[2]!) >= offset + width + 2 ? halo[1]! : getComputedStyle(wrapper).backgroundColor;
      expect(contrast(ring, haloColor), `${ring} on ${haloColor}`).to.be.at.least(3);
    });
  }
});
