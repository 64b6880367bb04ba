/**
 * The key the verifier signs with, kept fresh without ever making a verification wait for a
 * provider while a valid key is held:
 *
 * - **When to refresh.** Half-way through a key's remaining life (a 2-hour CVM role key: after about
 *   an hour), in the background, started by the first verification that notices. Half-way, not just
 *   before expiry, because then a provider outage (metadata service, STS) has the other half of the
 *   lifetime to heal while verification goes on with the current key; it costs one provider call per
 *   half-lifetime. A refresh that brings back the same key (the metadata service hands out the same
 *   key until it rotates it) is asked again half-way through what is left, at least 1 s later.
 * - **When to stop using a key.** A quarter of its lifetime (at most 60 s) before it expires, so a
 *   request signed with it, possibly retried, still reaches Tencent before the key dies.
 * - **Providers that do not say when their key expires** (the official SDK's: they return only
 *   `{ secretId, secretKey, token }`, and cache and rotate internally with 30 s to spare) are asked
 *   again every 10 s — a memory read for them — and an answer is used for at most 25 s.
 * - **Single flight.** One provider call at a time, however many verifications arrive.
 * - **Failures.** The current key stays in use until it is no longer usable; retries back off
 *   (1 s, 2 s, 4 s … 60 s). Each failure is reported to `onEvent`, which the verifier turns into one
 *   rate-limited log line naming the provider and the error (never a secret). With no usable key
 *   left, `get()` rejects with a {@link CredentialProviderError}: the verdict is `misconfigured`
 *   (503), never accepted, and the breaker never hears of it. Between retries such a rejection is
 *   immediate: verifications cannot be used to hammer the metadata service.
 */
import { checkCredential, redactSecrets, type ActiveCredential } from './validate.js';
import { CredentialProviderError, isCredentialProvider, providerNameOf, type CredentialProvider, type CredentialsOption } from './types.js';

/** Timing of the refresh policy above, in ms. @internal */
export const CREDENTIAL_TIMING = {
  minRefreshIntervalMs: 1000,
  maxExpiryMarginMs: 60_000,
  unknownExpiryRefreshMs: 10_000,
  unknownExpiryUseMs: 25_000,
  firstBackoffMs: 1000,
  maxBackoffMs: 60_000,
  /** A provider call that takes longer has failed (and frees the single flight). */
  providerTimeoutMs: 10_000,
} as const;

/** What happened to the credentials, for logs and the doctor; no secret in it. */
export type CredentialEvent =
  | { kind: 'refresh_failed'; provider: string; error: string; failures: number; usableUntil: number | null }
  | { kind: 'refreshed'; provider: string; expiresAt: number | null; afterFailures: number };

/** A snapshot for the doctor. */
export interface CredentialStatus {
  /** `static`, or the provider's name (`cvm-role`, `STSCredential`, `chain:cvm-role`, …). */
  provider: string;
  /** Whether the key is temporary (has a token). `null` before the first key. */
  temporary: boolean | null;
  /** When the key in use expires (Unix ms); `null` when unknown or none. */
  expiresAt: number | null;
  /** Until when it will be used (Unix ms); `null` for a static key or none. */
  usableUntil: number | null;
  /** When the next background refresh is due (Unix ms); `null` for a static key. */
  refreshAt: number | null;
  /** Consecutive failed refreshes. */
  failures: number;
  /** The last refresh error (redacted); `null` when the last one worked. */
  lastError: string | null;
}

/** The verifier's view of its credentials. @internal */
export interface CredentialSource {
  readonly provider: string;
  readonly isStatic: boolean;
  /** The key to sign with now: synchronously while one is usable, else a single-flight refresh. */
  get(): ActiveCredential | Promise<ActiveCredential>;
  /** Starts the first refresh in the background (at creation, so the first verification rarely waits). */
  prime(): void;
  /** Asks the provider now (doctor), whatever the schedule; never throws. */
  refreshNow(): Promise<{ ok: true; credential: ActiveCredential } | { ok: false; error: string }>;
  status(): CredentialStatus;
}

interface Held {
  credential: ActiveCredential;
  usableUntil: number;
  refreshAt: number;
}

/** Creates the source for the `credentials` option (already shape-checked for a static key). @internal */
export function createCredentialSource(
  option: CredentialsOption,
  deps: { now: () => number; onEvent?: (event: CredentialEvent) => void },
): CredentialSource {
  return isCredentialProvider(option) ? new ProviderSource(option, deps) : staticSource(option, deps.now);
}

/** A static key: used as is, nothing to refresh. */
function staticSource(option: CredentialsOption, now: () => number): CredentialSource {
  const checked = checkCredential(option, now());
  if (typeof checked === 'string') throw new TypeError(checked);
  const result = { ok: true as const, credential: checked };
  return {
    provider: 'static',
    isStatic: true,
    get: () => checked,
    prime() {},
    refreshNow: () => Promise.resolve(result),
    status: () => ({ provider: 'static', temporary: checked.token !== undefined, expiresAt: null, usableUntil: null, refreshAt: null, failures: 0, lastError: null }),
  };
}

/** When a key just received is used until, and when it is refreshed (see the module comment). */
function holdFor(credential: ActiveCredential, at: number, previous: Held | undefined): Held {
  const { expiresAtMs } = credential;
  if (expiresAtMs === undefined) {
    return { credential, usableUntil: at + CREDENTIAL_TIMING.unknownExpiryUseMs, refreshAt: at + CREDENTIAL_TIMING.unknownExpiryRefreshMs };
  }
  // The same key again keeps the margin it got when it was new.
  const same = previous !== undefined && previous.credential.secretId === credential.secretId && previous.credential.expiresAtMs === expiresAtMs;
  const usableUntil = same ? previous.usableUntil : expiresAtMs - Math.min(CREDENTIAL_TIMING.maxExpiryMarginMs, (expiresAtMs - at) / 4);
  return { credential, usableUntil, refreshAt: at + Math.max(CREDENTIAL_TIMING.minRefreshIntervalMs, (usableUntil - at) / 2) };
}

/** Asks a provider once, with a timeout, and checks its answer. */
async function askProvider(provider: CredentialProvider, now: () => number): Promise<ActiveCredential> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CREDENTIAL_TIMING.providerTimeoutMs} ms`)), CREDENTIAL_TIMING.providerTimeoutMs);
    (timer as { unref?: () => void }).unref?.();
  });
  try {
    const raw = await Promise.race([Promise.resolve().then(() => provider.getCredential()), timeout]);
    const checked = checkCredential(raw, now());
    if (typeof checked === 'string') throw new Error(checked);
    return checked;
  } finally {
    clearTimeout(timer);
  }
}

/** A provider's keys, refreshed in the background (see the module comment). */
class ProviderSource implements CredentialSource {
  readonly provider: string;
  readonly isStatic = false;
  private held: Held | undefined;
  private inflight: Promise<ActiveCredential | CredentialProviderError> | undefined;
  private failures = 0;
  private nextAttemptAt = 0;
  private lastError: CredentialProviderError | undefined;

  constructor(
    private readonly source: CredentialProvider,
    private readonly deps: { now: () => number; onEvent?: (event: CredentialEvent) => void },
  ) {
    this.provider = providerNameOf(source);
  }

  get(): ActiveCredential | Promise<ActiveCredential> {
    const at = this.deps.now();
    const current = this.held;
    if (current && at < current.usableUntil) {
      if (at >= current.refreshAt && !this.inflight && at >= this.nextAttemptAt) void this.refresh();
      return current.credential;
    }
    if (this.inflight) return this.inflight.then(unwrap);
    if (at < this.nextAttemptAt && this.lastError) return Promise.reject(this.lastError);
    return this.refresh().then(unwrap);
  }

  prime(): void {
    if (!this.held && !this.inflight) void this.refresh();
  }

  async refreshNow(): Promise<{ ok: true; credential: ActiveCredential } | { ok: false; error: string }> {
    const result = await (this.inflight ?? this.refresh());
    return result instanceof CredentialProviderError ? { ok: false, error: result.message } : { ok: true, credential: result };
  }

  status(): CredentialStatus {
    const { held } = this;
    return {
      provider: held?.credential.source ? `${this.provider}:${held.credential.source}` : this.provider,
      temporary: held ? held.credential.token !== undefined : null,
      expiresAt: held?.credential.expiresAtMs ?? null,
      usableUntil: held?.usableUntil ?? null,
      refreshAt: held?.refreshAt ?? null,
      failures: this.failures,
      lastError: this.lastError?.message ?? null,
    };
  }

  /** One provider call at a time; resolves with the key or the error, never rejects. */
  private refresh(): Promise<ActiveCredential | CredentialProviderError> {
    this.inflight ??= askProvider(this.source, this.deps.now).then(
      (credential) => this.succeeded(credential),
      (error: unknown) => this.failed(error),
    );
    return this.inflight;
  }

  private succeeded(credential: ActiveCredential): ActiveCredential | CredentialProviderError {
    const at = this.deps.now();
    const next = holdFor(credential, at, this.held);
    if (at >= next.usableUntil) return this.failed(new Error('the key it gave expires within the safety margin'));
    this.held = next;
    if (this.failures > 0) this.emit({ kind: 'refreshed', provider: this.provider, expiresAt: credential.expiresAtMs ?? null, afterFailures: this.failures });
    this.failures = 0;
    this.nextAttemptAt = 0;
    this.lastError = undefined;
    this.inflight = undefined;
    return credential;
  }

  private failed(error: unknown): CredentialProviderError {
    const at = this.deps.now();
    this.failures += 1;
    this.nextAttemptAt = at + Math.min(CREDENTIAL_TIMING.maxBackoffMs, CREDENTIAL_TIMING.firstBackoffMs * 2 ** (this.failures - 1));
    const held = this.held?.credential;
    const message = redactSecrets(error instanceof Error ? error.message : String(error), [held?.secretKey, held?.token, held?.secretId]);
    this.lastError = new CredentialProviderError(this.provider, message);
    const usable = this.held && at < this.held.usableUntil ? this.held.usableUntil : null;
    this.emit({ kind: 'refresh_failed', provider: this.provider, error: message, failures: this.failures, usableUntil: usable });
    this.inflight = undefined;
    return this.lastError;
  }

  private emit(event: CredentialEvent): void {
    try {
      this.deps.onEvent?.(event);
    } catch {
      // Logging must not break verification.
    }
  }
}

function unwrap(result: ActiveCredential | CredentialProviderError): ActiveCredential {
  if (result instanceof CredentialProviderError) throw result;
  return result;
}
