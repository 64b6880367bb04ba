/**
 * The page's `load` event: what the element waits for before it starts anything on its own (an
 * embedded challenge, the legacy SDK's box, preloading), since a script or frame that is still
 * loading holds that event back, with the tab's spinner, analytics and Lighthouse waiting on it.
 */

/**
 * `true` when `doc` has finished loading; otherwise `false`, and `then` runs after its `load` event
 * (callers re-check their own state then: a `then` queued twice runs twice).
 */
export function afterPageLoad(doc: Document, then: () => void): boolean {
  const loaded = doc.readyState === 'complete';
  if (!loaded) doc.defaultView?.addEventListener('load', then, { once: true });
  return loaded;
}
