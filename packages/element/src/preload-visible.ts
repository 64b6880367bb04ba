/**
 * `preload="visible"`: calls `fire` when `host` scrolls into view. A module of its own
 * (`dist/preload-visible.js`), imported only by elements that ask for this mode; it imports nothing.
 * Returns a function that stops watching.
 */
export function whenVisible(host: Element, fire: () => void): () => void {
  const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && fire());
  observer.observe(host);
  return () => observer.disconnect();
}
