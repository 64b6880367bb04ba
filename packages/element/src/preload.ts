/**
 * Preloading Tencent's script before the first `show()` (the `preload` attribute), and `preconnect`
 * hints to the hosts it uses. A preload is the same once-per-page `<script>` load as `show()`'s (with
 * its nonce, straight from Tencent, nothing cached by us), started earlier; it never starts before
 * the page's `load` event.
 */
import { afterPageLoad } from './page-load.js';

/** When the element loads Tencent's script ahead of the first `show()`. */
export const PreloadMode = {
  /** Only on `show()`. */
  None: 'none',
  /** When a pointer (mouse, pen or touch) enters, or focus moves into the element. */
  Intent: 'intent',
  /** When the element scrolls into view. */
  Visible: 'visible',
  /** As soon as the page has loaded. */
  Eager: 'eager',
} as const;
/** One of {@link PreloadMode}'s values. */
export type PreloadMode = (typeof PreloadMode)[keyof typeof PreloadMode];

/** The default `preload`: see the element README's measurements. */
export const DEFAULT_PRELOAD: PreloadMode = 'intent';

const hinted = new Set<string>();

/** `<link rel="preconnect">` to the script's origin and, for Tencent's own script, its challenge CDN; once per page. */
export function preconnect(doc: Document, src: string): void {
  let origin = '';
  try {
    origin = new URL(src, doc.baseURI).origin;
  } catch {
    // Not a URL: the load itself will fail and fall back; nothing to hint.
  }
  for (const href of [origin, origin.endsWith('.captcha.qcloud.com') ? 'https://turing.captcha.gtimg.com' : '']) {
    if (!href.startsWith('http') || hinted.has(href)) continue;
    hinted.add(href);
    const link = doc.createElement('link');
    link.rel = 'preconnect';
    link.href = href;
    doc.head.append(link);
  }
}

/**
 * Unless `mode` is `none`: preconnects to `src`'s hosts and calls `load` once when `mode` says it is
 * time (never before the page's `load`). Returns a function that disarms it.
 */
export function armPreload(host: HTMLElement, mode: string, src: string, load: () => void): () => void {
  const doc = host.ownerDocument;
  let armed = mode !== 'none';
  if (armed) preconnect(doc, src);
  const cleanups: (() => void)[] = [];
  const disarm = () => {
    armed = false;
    for (const cleanup of cleanups) cleanup();
  };
  const fire = (): void => {
    if (armed && afterPageLoad(doc, fire)) {
      disarm();
      load();
    }
  };
  if (mode === 'eager') fire();
  else if (mode === 'visible') {
    // On demand (next to the element's script, like the language modules): only this mode needs it.
    void import('./preload-visible.js').then(({ whenVisible }) => armed && cleanups.push(whenVisible(host, fire)), () => {});
  } else if (armed) {
    for (const type of ['pointerenter', 'focusin']) {
      host.addEventListener(type, fire, { passive: true });
      cleanups.push(() => host.removeEventListener(type, fire));
    }
  }
  return disarm;
}
