/**
 * The emulator's fault switches as types: the targets (`api`, `sdk`), every fault kind with its
 * fields, and the queue entries and controller the rest of the emulator uses (queues in faults.ts,
 * validation in fault-commands.ts).
 */
/** The two things that can fail: Tencent's API host, or its browser SDK host. */
export const FaultTarget = {
  /** `POST /` (DescribeCaptchaResult) and the legacy `/v2/index.php` (answered in its shape). */
  Api: 'api',
  /** The SDK script and what the SDK does in the page. */
  Sdk: 'sdk',
} as const;
/** One of {@link FaultTarget}'s values. */
export type FaultTarget = (typeof FaultTarget)[keyof typeof FaultTarget];

/** Kinds of {@link ApiFault}. */
export const ApiFaultKind = {
  /** Answer normally (a step in a sequence). */
  Pass: 'pass',
  /** Wait `ms`, then answer normally. */
  Latency: 'latency',
  /** Accept the request and never answer (until the client gives up or the emulator closes). */
  Hang: 'hang',
  /** An HTTP 5xx with a small HTML body, like a failing gateway. */
  HttpError: 'http-error',
  /** HTTP 200 with `Response.Error.Code` `InternalError`. */
  InternalError: 'internal-error',
  /** HTTP 200 with `Response.Error.Code` `RequestLimitExceeded`. */
  RequestLimitExceeded: 'request-limit-exceeded',
  /** HTTP 200 with any `Response.Error.Code` you name (e.g. `UnauthorizedOperation.Unauthorized`). */
  ApiError: 'api-error',
  /** A normal answer carrying this CaptchaCode (default 26 `system busy`); the ticket is not consumed. */
  CaptchaCode: 'captcha-code',
  /** HTTP 200, `application/json`, with a truncated JSON body. */
  MalformedJson: 'malformed-json',
  /** Reset the TCP connection (the client sees `ECONNRESET`). */
  ConnectionReset: 'connection-reset',
} as const;
/** One of {@link ApiFaultKind}'s values. */
export type ApiFaultKind = (typeof ApiFaultKind)[keyof typeof ApiFaultKind];

/** Optional delay before an API fault takes effect. */
export interface FaultDelay {
  /** Wait this long (ms) before answering with the fault. @default 0 */
  delayMs?: number;
}

/** A fault of the API host. Faults are applied before the request is authenticated, so no ticket is consumed. */
export type ApiFault =
  | { kind: 'pass' }
  | { kind: 'latency'; /** Delay in ms (0–600000). */ ms: number }
  | { kind: 'hang' }
  | ({ kind: 'http-error'; /** 500–599. @default 502 */ status?: number } & FaultDelay)
  | ({ kind: 'internal-error' } & FaultDelay)
  | ({ kind: 'request-limit-exceeded' } & FaultDelay)
  | ({ kind: 'api-error'; /** e.g. `UnauthorizedOperation.Unauthorized`. */ code: string; message?: string } & FaultDelay)
  | ({ kind: 'captcha-code'; /** @default 26 */ code?: number; /** @default the table's CaptchaMsg */ message?: string } & FaultDelay)
  | ({ kind: 'malformed-json' } & FaultDelay)
  | ({ kind: 'connection-reset' } & FaultDelay);

/** Kinds of {@link SdkFault}. */
export const SdkFaultKind = {
  /** `show()` behaves normally (a step in a sequence). */
  Pass: 'pass',
  /** The script request answers 404. */
  Script404: 'script-404',
  /** The script request is accepted and never answered. */
  ScriptHang: 'script-hang',
  /** The script is served after `ms`. */
  ScriptLatency: 'script-latency',
  /** The script is served but throws when evaluated (and defines no `TencentCaptcha`). */
  ScriptThrow: 'script-throw',
  /** `new TencentCaptcha(…)` throws. */
  ConstructorThrow: 'constructor-throw',
  /** `show()` throws. */
  ShowThrow: 'show-throw',
  /** `show()` calls back with `ret: 0`, this errorCode and the SDK's own disaster ticket. */
  ErrorCode: 'error-code',
  /** `show()` calls back as if the user closed the captcha (`ret: 2`, `ticket: null`). */
  UserClose: 'user-close',
  /**
   * The script loads but its second stage (the challenge frame from Tencent's CDN) never arrives:
   * the challenge never appears. As Tencent's SDK does then: silence, errorCode 1002 to the first
   * waiting `show()` after the page-wide show timer (20 s), 1004 to every other waiting `show()` once
   * the frame script's retries give up (3 tries × 15 s on 2 hosts, 90 s), and from then on 1004
   * synchronously on every `show()`. Times are multiplied by `timeScale`.
   */
  ChallengeHang: 'challenge-hang',
  /**
   * Legacy script: its second stage (the sub-script Tencent's `TCapIframeApi.js` loads from its CDN
   * before it sets up) is accepted and never answered. As with Tencent's loader, nothing reports it:
   * `capInit` stays without effect, `capGetTicket()` keeps throwing, no callback ever comes.
   */
  LegacySubscriptHang: 'legacy-subscript-hang',
  /** Legacy script: its second stage answers 404 (the loader has no `onerror`: the same silence). */
  LegacySubscriptError: 'legacy-subscript-error',
} as const;
/** One of {@link SdkFaultKind}'s values. */
export type SdkFaultKind = (typeof SdkFaultKind)[keyof typeof SdkFaultKind];

/** A fault of the SDK host or of the SDK in the page. */
export type SdkFault =
  | { kind: 'pass' }
  | { kind: 'script-404' }
  | { kind: 'script-hang' }
  | { kind: 'script-latency'; /** Delay in ms (0–600000). */ ms: number }
  | { kind: 'script-throw'; message?: string }
  | { kind: 'constructor-throw'; message?: string }
  | { kind: 'show-throw'; message?: string }
  | {
      kind: 'error-code';
      /** Any client errorCode, e.g. 1006 (see protocol's `CLIENT_ERROR_CODES`). */
      errorCode: number;
      /** @default the table's errorMessage for the code, else `unknown_error` */
      errorMessage?: string;
    }
  | { kind: 'user-close' }
  | {
      kind: 'challenge-hang';
      /** Multiplies Tencent's timings (20 s show timer, 90 s of frame retries), e.g. `0.01` in tests. Greater than 0, at most 10. @default 1 */
      timeScale?: number;
    }
  | { kind: 'legacy-subscript-hang' }
  | { kind: 'legacy-subscript-error' };

/** Tencent's SDK: how long a `show()` waits for the challenge before calling back errorCode 1002, in ms. */
export const SDK_SHOW_TIMEOUT_MS = 20_000;
/** Tencent's SDK: how long its frame script's retries take before it calls back errorCode 1004 (3 tries × 15 s on 2 hosts), in ms. */
export const SDK_FRAME_RETRY_MS = 3 * 15_000 * 2;

/** The fault type of a target. */
export type FaultFor<T extends FaultTarget> = T extends 'api' ? ApiFault : SdkFault;

/** One step of a sequence: a fault, applied to `times` calls (default 1). */
export interface FaultStep<F> {
  fault: F;
  /** How many calls this step covers. @default 1 in a sequence */
  times?: number;
}

/** One queued fault as reported by {@link FaultController.state}. */
export interface FaultQueueEntry<F> {
  fault: F;
  /** Calls left, or `null` for "until cleared". */
  remaining: number | null;
}

/** Snapshot of every queue (also the JSON of `GET /__emulator/faults`). */
export interface FaultState {
  api: FaultQueueEntry<ApiFault>[];
  sdk: FaultQueueEntry<SdkFault>[];
}

/** Options of {@link FaultController.set}. */
export interface SetFaultOptions {
  /** Apply to the next `times` calls, then stop. @default until cleared */
  times?: number;
}

/** Where in the SDK's life a call happens; an SDK fault applies only at its own site. */
export type SdkCallSite = 'script' | 'construct' | 'show' | 'subscript';

/** Switches faults on and off. Also reachable over HTTP at `/__emulator/faults`. */
export interface FaultController {
  /** Replaces the target's queue with one fault, for the next `times` calls or until cleared. */
  set<T extends FaultTarget>(target: T, fault: FaultFor<T>, options?: SetFaultOptions): void;
  /** Replaces the target's queue with these steps, applied in order (each step once unless it says `times`). */
  sequence<T extends FaultTarget>(target: T, steps: ReadonlyArray<FaultFor<T> | FaultStep<FaultFor<T>>>): void;
  /** Clears one target's queue, or all. */
  clear(target?: FaultTarget): void;
  /** A copy of every queue. */
  state(): FaultState;
}

/** The controller plus what the emulator itself uses to take faults. @internal */
export interface FaultQueues extends FaultController {
  takeApi(): ApiFault | undefined;
  takeSdk(site: SdkCallSite): SdkFault | undefined;
}
