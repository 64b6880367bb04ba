/**
 * Loads Tencent's browser SDK: once per page however many elements ask, within a deadline (Tencent's
 * script has none of its own), with one bounded retry, and forgetting a failed load so that the next
 * call tries again.
 */
import type { LegacyCaptchaGlobals, TencentCaptchaConstructor } from '@tencent-captcha/protocol';

/** How long to wait for Tencent's script before falling back, in ms. */
export const DEFAULT_LOAD_TIMEOUT = 8000;

/** Pause before the one retry after a network error, in ms (still within the load timeout). */
export const LOAD_RETRY_DELAY = 250;

/** Why {@link loadTencentSdk} rejected. */
export const SdkLoadErrorKind = {
  /** The script failed to load twice (HTTP error, network error, blocked by CSP). */
  Error: 'error',
  /** The script did not finish loading within the timeout. */
  Timeout: 'timeout',
  /** The script loaded but did not define the SDK's global (it threw while evaluating). */
  Missing: 'missing',
} as const;
/** One of {@link SdkLoadErrorKind}'s values. */
export type SdkLoadErrorKind = (typeof SdkLoadErrorKind)[keyof typeof SdkLoadErrorKind];

/** The SDK could not be loaded. */
export class SdkLoadError extends Error {
  readonly kind: SdkLoadErrorKind;
  readonly src: string;
  constructor(kind: SdkLoadErrorKind, src: string) {
    super(`Tencent's captcha script did not load (${kind}): ${src}`);
    this.name = 'SdkLoadError';
    this.kind = kind;
    this.src = src;
  }
}

/** Options of {@link loadTencentSdk} and {@link loadLegacySdk}. */
export interface LoadSdkOptions {
  /** The script's URL. */
  src: string;
  /** CSP nonce for the `<script>` element (needed under `script-src 'nonce-…'` without `'strict-dynamic'`). */
  nonce?: string | undefined;
  /** Deadline for the whole load, retry included, in ms. @default DEFAULT_LOAD_TIMEOUT */
  timeout?: number | undefined;
}

type Kind = 'modern' | 'legacy';
// In-flight loads only. A finished load is remembered by the global it defined; a failed one is
// forgotten, so the next call starts over.
const inflight = new Map<Kind, Promise<unknown>>();
// Script URLs whose load failed or timed out on this page. A browser hands a second request for the
// same URL the first one, still pending, so a retry asks for a URL of its own.
const failed = new Set<string>();

/** `src` with a cache-busting query parameter when an earlier load of it failed (retries only). */
const attemptUrl = (src: string): string =>
  failed.has(src) ? `${src}${src.includes('?') ? '&' : '?'}_tcr=${Date.now().toString(36)}` : src;

/** The global `TencentCaptcha` class if the SDK is loaded. */
export const modernGlobal = (): TencentCaptchaConstructor | undefined => {
  const g = (globalThis as { TencentCaptcha?: unknown }).TencentCaptcha;
  return typeof g === 'function' ? (g as TencentCaptchaConstructor) : undefined;
};

/** The legacy SDK's globals if loaded. */
export const legacyGlobal = (): LegacyCaptchaGlobals | undefined => {
  const g = globalThis as Partial<LegacyCaptchaGlobals>;
  return typeof g.capInit === 'function' ? (g as LegacyCaptchaGlobals) : undefined;
};

/**
 * Resolves with the global `TencentCaptcha` class, loading `options.src` if it is not there yet.
 * Concurrent calls share one `<script>`; the first caller's `src` wins, because Tencent's script throws
 * when evaluated twice. Rejects with {@link SdkLoadError}.
 */
export function loadTencentSdk(options: LoadSdkOptions): Promise<TencentCaptchaConstructor> {
  return load('modern', modernGlobal, options);
}

/**
 * Resolves with the legacy SDK's globals (`capInit`, `capGetTicket`, `capRefresh`, `capDestroy`),
 * loading `options.src` (the one-time URL your server got from `CaptchaIframeQuery`) if needed.
 */
export function loadLegacySdk(options: LoadSdkOptions): Promise<LegacyCaptchaGlobals> {
  return load('legacy', legacyGlobal, options);
}

function load<T>(kind: Kind, read: () => T | undefined, options: LoadSdkOptions): Promise<T> {
  const ready = read();
  if (ready) return Promise.resolve(ready);
  let pending = inflight.get(kind) as Promise<T> | undefined;
  if (!pending) {
    pending = loadWithDeadline(read, options).finally(() => inflight.delete(kind));
    inflight.set(kind, pending);
  }
  return pending;
}

function loadWithDeadline<T>(read: () => T | undefined, options: LoadSdkOptions): Promise<T> {
  const { src, nonce } = options;
  const url = attemptUrl(src);
  const timeout = options.timeout ?? DEFAULT_LOAD_TIMEOUT;
  const scripts: HTMLScriptElement[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settled = false;

  const attempt = () =>
    new Promise<void>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = url;
      script.async = true;
      if (nonce) script.nonce = nonce;
      script.addEventListener('load', () => resolve(), { once: true });
      script.addEventListener(
        'error',
        () => {
          script.remove();
          reject(new SdkLoadError('error', src));
        },
        { once: true },
      );
      scripts.push(script);
      document.head.append(script);
    });

  const run = async (): Promise<T> => {
    try {
      await attempt();
    } catch {
      // One retry, for a network blip. Not after a script that loaded and threw: evaluating Tencent's
      // script a second time throws by design.
      await new Promise((r) => setTimeout(r, LOAD_RETRY_DELAY));
      if (settled) throw new SdkLoadError('timeout', src);
      await attempt();
    }
    const value = read();
    if (!value) throw new SdkLoadError('missing', src);
    return value;
  };

  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SdkLoadError('timeout', src)), timeout);
  });

  return Promise.race([run(), deadline]).then(
    (value) => {
      settled = true;
      clearTimeout(timer);
      return value;
    },
    (error: unknown) => {
      settled = true;
      clearTimeout(timer);
      failed.add(src);
      // The page keeps no broken or hung tags. A hung request may still finish later and define the
      // global, which the next call then picks up instead of loading again.
      for (const script of scripts) script.remove();
      throw error;
    },
  );
}
