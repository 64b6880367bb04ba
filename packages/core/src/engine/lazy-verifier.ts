/**
 * `createLazyCaptchaVerifier`: the verifier created on first use. For module scope in frameworks that
 * import route modules at build time — `next build` collects page configuration by importing every
 * route, where a module-scope `createCaptchaVerifier({})` throws `CaptchaConfigError` for missing
 * credentials — and for runtimes whose environment exists only per request (a Worker's `env`).
 */
import type { CaptchaCheckReport, CheckOptions } from '../types/check.js';
import type { CaptchaVerifierOptions } from '../types/options.js';
import type { CaptchaVerifier } from '../types/verifier.js';
import { createCaptchaVerifier } from './verifier.js';

/**
 * A {@link CaptchaVerifier} that reads and validates its options on first use — the first `verify()`,
 * `check()`, or read of `options` / `breakerState` — instead of at module load. Nothing is read from
 * the environment and nothing is checked before then.
 *
 * Bad options still fail loudly, once per use until fixed: that first `verify()` or `check()` rejects
 * with the `CaptchaConfigError` that `createCaptchaVerifier` would have thrown (an adapter then
 * answers 500 through your framework's error handling, never a degraded acceptance), and the next use
 * tries again. `close()` before any use resolves at once.
 *
 * @param options The verifier's options, or a function giving them (called on first use: read a
 *   Worker's `env` or a secret manager there).
 *
 * @example
 * ```ts
 * // app/api/login/route.ts: `next build` imports this module without any credentials set.
 * const verifier = createLazyCaptchaVerifier({});
 * ```
 */
export function createLazyCaptchaVerifier(options: CaptchaVerifierOptions | (() => CaptchaVerifierOptions) = {}): CaptchaVerifier {
  let verifier: CaptchaVerifier | undefined;
  const get = (): CaptchaVerifier => (verifier ??= createCaptchaVerifier(typeof options === 'function' ? options() : options));
  return {
    verify: (input, verifyOptions) => {
      try {
        return get().verify(input, verifyOptions);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    check: (checkOptions?: CheckOptions): Promise<CaptchaCheckReport> => {
      try {
        return get().check(checkOptions);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    get breakerState() {
      return get().breakerState;
    },
    get options() {
      return get().options;
    },
    close: () => verifier?.close() ?? Promise.resolve(),
  };
}
