/**
 * The key one verification signs with: synchronously while the source holds a usable one (the
 * hot path awaits nothing else), else the source's single-flight refresh, bounded by what is left
 * of the network budget and by the caller's signal. A failure is returned, not thrown: it is a local
 * fault (the verdict is `misconfigured`), never an upstream one.
 */
import type { SigningKey } from '../network/describe-captcha-result.js';
import type { CredentialSource } from './credential-source.js';

/** The key, or why there is none (already redacted). @internal */
export type KeyForCall = SigningKey | { unavailable: string };

/** See the module comment. Rejects only with the caller's abort reason. @internal */
export function keyForCall(source: CredentialSource, signal: AbortSignal | undefined, waitMs: number): KeyForCall | Promise<KeyForCall> {
  const got = source.get();
  if (!(got instanceof Promise)) return got;
  return new Promise<KeyForCall>((resolve, reject) => {
    const timer = setTimeout(() => done({ unavailable: `${source.provider}: no key within the verification's deadline` }), Math.max(1, waitMs));
    const onAbort = (): void => {
      cleanup();
      reject(signal!.reason);
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const done = (value: KeyForCall): void => {
      cleanup();
      resolve(value);
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    got.then(done, (error: unknown) => done({ unavailable: error instanceof Error ? error.message : String(error) }));
  });
}
