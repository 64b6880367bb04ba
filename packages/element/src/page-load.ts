/**
 * The page's `load` event: what the element waits for before it starts anything on its own (an
 * embedded challenge, the legacy SDK's box, preloading), since a script or frame that is still
 * loading holds that event back, with the tab's spinner, analytics and Lighthouse waiting on it.
 */
const queued = new WeakMap<Document, Set<() => void>>();

/**
 * `true` when `doc` has finished loading; otherwise `false`, and `then` runs once after its `load`
 * event (the same `then` queued twice runs once).
 */
export function afterPageLoad(doc: Document, then: () => void): boolean {
  if (doc.readyState === 'complete') return true;
  let runs = queued.get(doc);
  if (!runs) {
    const set = (runs = new Set());
    queued.set(doc, set);
    doc.defaultView?.addEventListener('load', () => {
      queued.delete(doc);
      for (const run of set) run();
    }, { once: true });
  }
  runs.add(then);
  return false;
}
