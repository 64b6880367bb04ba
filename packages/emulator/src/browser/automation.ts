/**
 * The automated-solve hook, `window.__tencentCaptchaEmulator`, shared by the SDK and the legacy
 * script (whichever loads first creates it):
 *
 * - `solve()` completes the challenge on screen exactly as a person would (moves the slider to the
 *   gap, presses Verify, the server issues a real ticket) and resolves with what the page's
 *   callback received;
 * - `close()` closes it as the user would and resolves with what the callback received (`ret: 2`;
 *   the legacy mobile script `ret: 1`; `null` from the legacy PC script, which calls back nothing);
 * - `active` says whether a challenge is on screen.
 *
 * Both wait up to `timeoutMs` (default 5000) for a challenge to be shown, then reject.
 */

import type { LegacyCaptchaResult, TencentCaptchaResult } from '@tencent-captcha/protocol';

/** What the page's callback received: the SDK's result, or the legacy script's `{ ret, ticket }`. */
export type HookResult = TencentCaptchaResult | LegacyCaptchaResult;

/** A challenge the hook can drive. @internal */
export interface Automatable {
  solve(): Promise<HookResult | null>;
  close(): Promise<HookResult | null>;
}

/** The global hook. */
export interface EmulatorHook {
  readonly version: 1;
  /** Whether a challenge is on screen. */
  readonly active: boolean;
  /** Solves the challenge on screen (waiting up to `timeoutMs` for one to be shown). */
  solve(options?: { timeoutMs?: number }): Promise<HookResult | null>;
  /** Closes the challenge on screen as the user would; `null` when the page's callback received nothing (legacy PC). */
  close(options?: { timeoutMs?: number }): Promise<HookResult | null>;
  /** @internal */
  _register(entry: Automatable): () => void;
}

const KEY = '__tencentCaptchaEmulator';

function createHook(): EmulatorHook {
  const entries: Automatable[] = [];
  const waiters = new Set<() => void>();

  const current = (timeoutMs: number): Promise<Automatable> =>
    new Promise((resolve, reject) => {
      const found = entries[entries.length - 1];
      if (found) return resolve(found);
      const check = () => {
        const entry = entries[entries.length - 1];
        if (!entry) return;
        cleanup();
        resolve(entry);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`tencent-captcha emulator: no challenge was shown within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
    });

  return {
    version: 1,
    get active() {
      return entries.length > 0;
    },
    solve: (options = {}) => current(options.timeoutMs ?? 5000).then((e) => e.solve()),
    close: (options = {}) => current(options.timeoutMs ?? 5000).then((e) => e.close()),
    _register(entry) {
      entries.push(entry);
      for (const w of [...waiters]) w();
      return () => {
        const i = entries.indexOf(entry);
        if (i >= 0) entries.splice(i, 1);
      };
    },
  };
}

/** The page's hook, created on first use. */
export function emulatorHook(): EmulatorHook {
  const w = window as unknown as Record<string, EmulatorHook | undefined>;
  const existing = w[KEY];
  if (existing && existing.version === 1) return existing;
  const hook = createHook();
  Object.defineProperty(window, KEY, { value: hook, configurable: true, enumerable: false, writable: false });
  return hook;
}
