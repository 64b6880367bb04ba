import { css } from 'lit';

/**
 * Styles of `<tencent-captcha>`. Theme through the `--tencent-captcha-*` custom properties and the
 * parts. The button carries its own colours (dark ones in dark mode); the status text takes the
 * page's colour, since it sits on the page's background.
 */
export const styles = css`
  :host {
    color-scheme: light;
    --_bg: var(--tencent-captcha-background, light-dark(#fff, #1f1f1f));
    --_fg: var(--tencent-captcha-color, light-dark(#1f1f1f, #ececec));
    --_border: var(--tencent-captcha-border-color, light-dark(#767676, #8c8c8c));
    --_accent: var(--tencent-captcha-accent, light-dark(#0052d9, #6ea1ff));
    --_success: var(--tencent-captcha-success, light-dark(#00803d, #5fd38d));
    --_warning: var(--tencent-captcha-warning, light-dark(#a15c00, #f5b14c));
    display: inline-block;
    font: var(--tencent-captcha-font, inherit);
  }
  /* As Tencent's enableDarkMode: dark-mode follows the system, dark-mode="force" is always dark. */
  :host([dark-mode]:not([dark-mode='false'], [dark-mode='force'])) {
    color-scheme: light dark;
  }
  :host([dark-mode='force']) {
    color-scheme: dark;
  }
  :host([hidden]) {
    display: none;
  }
  :host([type='embed']) {
    display: block;
  }
  [part='base'] {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5em;
  }
  :host([type='embed']) [part='base'] {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
  }
  button {
    display: inline-flex;
    align-items: center;
    gap: 0.5em;
    box-sizing: border-box;
    min-height: var(--tencent-captcha-min-height, 2.5rem);
    padding: 0 1em;
    border: 1px solid var(--_border);
    border-radius: var(--tencent-captcha-radius, 4px);
    background: var(--_bg);
    color: var(--_fg);
    font: inherit;
    cursor: pointer;
  }
  /* The ring lies on a halo of the button's own background, not on the page's (3:1 on any page). */
  button:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
    box-shadow: 0 0 0 6px var(--_bg);
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  [part='icon'] {
    flex: none;
    box-sizing: border-box;
    width: 1.1em;
    height: 1.1em;
    border: 2px solid var(--_border);
    border-radius: 3px;
  }
  [part='icon'].busy {
    border-color: var(--_accent);
    border-right-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  [part='icon'].verified {
    border-color: var(--_success);
    background: var(--_success);
    clip-path: polygon(14% 48%, 0 64%, 38% 100%, 100% 22%, 85% 8%, 38% 70%);
  }
  [part='icon'].fallback {
    border-color: var(--_warning);
  }
  /* Right to left (ar, he, ur, or an inherited dir="rtl"): the flex row already starts at the right;
     the icon is mirrored too (the spinner's gap and turn, the check mark). */
  :host(:dir(rtl)) [part='icon'],
  [dir='rtl'] [part='icon'] {
    scale: -1 1;
  }
  [part='status'] {
    font-size: 0.875em;
  }
  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    [part='icon'].busy {
      animation: none;
      border-right-color: var(--_accent);
      border-style: dotted;
    }
  }
`;
