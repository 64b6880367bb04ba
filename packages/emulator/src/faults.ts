/**
 * Every fault switch of the emulator lives here: the fault types, their validation (shared by the
 * programmatic API and the JSON control endpoint) and the per-target queues that decide which
 * call gets which fault.
 *
 * Model: each target (`api`, `sdk`) has a queue of entries `{ fault, remaining }`. A call takes
 * the head entry (if it applies to that call), decrements `remaining` and drops the entry at 0.
 * `remaining: null` means "until cleared". `set` replaces a target's queue with one entry;
 * `sequence` replaces it with several, applied in order. An empty queue means normal behaviour.
 */
import { EmulatorError } from './errors.js';

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

const MAX_DELAY_MS = 600_000;
const MAX_TIMES = 1_000_000;
const MAX_STEPS = 100;
const MAX_TEXT = 500;

/** Result of validating a fault or command: the value, or why it was refused. */
export type FaultCheck<T> = { ok: true; value: T } | { ok: false; message: string };
const fail = (message: string): { ok: false; message: string } => ({ ok: false, message });

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function allowOnly(obj: Record<string, unknown>, keys: readonly string[], what: string): string | undefined {
  const extra = Object.keys(obj).filter((k) => !keys.includes(k));
  return extra.length ? `${what} has unknown field(s): ${extra.map((k) => JSON.stringify(k)).join(', ')}` : undefined;
}

function intIn(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function optionalText(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > MAX_TEXT) return `\`${key}\` must be a string of at most ${MAX_TEXT} characters`;
  return undefined;
}

function optionalDelay(obj: Record<string, unknown>): string | undefined {
  if (obj.delayMs === undefined || intIn(obj.delayMs, 0, MAX_DELAY_MS)) return undefined;
  return `\`delayMs\` must be an integer from 0 to ${MAX_DELAY_MS}`;
}

const API_FIELDS: Record<ApiFaultKind, readonly string[]> = {
  pass: [],
  latency: ['ms'],
  hang: [],
  'http-error': ['status', 'delayMs'],
  'internal-error': ['delayMs'],
  'request-limit-exceeded': ['delayMs'],
  'api-error': ['code', 'message', 'delayMs'],
  'captcha-code': ['code', 'message', 'delayMs'],
  'malformed-json': ['delayMs'],
  'connection-reset': ['delayMs'],
};

const SDK_FIELDS: Record<SdkFaultKind, readonly string[]> = {
  pass: [],
  'script-404': [],
  'script-hang': [],
  'script-latency': ['ms'],
  'script-throw': ['message'],
  'constructor-throw': ['message'],
  'show-throw': ['message'],
  'error-code': ['errorCode', 'errorMessage'],
  'user-close': [],
  'challenge-hang': ['timeScale'],
  'legacy-subscript-hang': [],
  'legacy-subscript-error': [],
};

/** Validates an API fault (from code or JSON). */
export function checkApiFault(input: unknown): FaultCheck<ApiFault> {
  if (!isRecord(input)) return fail('an api fault must be an object with a `kind`');
  const kind = input.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(API_FIELDS, kind)) {
    return fail(`unknown api fault kind ${JSON.stringify(kind)}; expected one of ${Object.keys(API_FIELDS).join(', ')}`);
  }
  const problem =
    allowOnly(input, ['kind', ...API_FIELDS[kind as ApiFaultKind]], `api fault \`${kind}\``) ??
    optionalDelay(input) ??
    optionalText(input, 'message');
  if (problem) return fail(problem);
  switch (kind as ApiFaultKind) {
    case 'latency':
      if (!intIn(input.ms, 0, MAX_DELAY_MS)) return fail(`\`ms\` must be an integer from 0 to ${MAX_DELAY_MS}`);
      break;
    case 'http-error':
      if (input.status !== undefined && !intIn(input.status, 500, 599)) return fail('`status` must be an integer from 500 to 599');
      break;
    case 'api-error':
      if (typeof input.code !== 'string' || !/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$/.test(input.code) || input.code.length > 100) {
        return fail('`code` must be a Tencent error code such as `UnauthorizedOperation.Unauthorized`');
      }
      break;
    case 'captcha-code':
      if (input.code !== undefined && !intIn(input.code, 0, 999_999)) return fail('`code` must be an integer CaptchaCode');
      break;
    default:
      break;
  }
  return { ok: true, value: { ...input } as ApiFault };
}

/** Validates an SDK fault (from code or JSON). */
export function checkSdkFault(input: unknown): FaultCheck<SdkFault> {
  if (!isRecord(input)) return fail('an sdk fault must be an object with a `kind`');
  const kind = input.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(SDK_FIELDS, kind)) {
    return fail(`unknown sdk fault kind ${JSON.stringify(kind)}; expected one of ${Object.keys(SDK_FIELDS).join(', ')}`);
  }
  const problem =
    allowOnly(input, ['kind', ...SDK_FIELDS[kind as SdkFaultKind]], `sdk fault \`${kind}\``) ??
    optionalText(input, 'message') ??
    optionalText(input, 'errorMessage');
  if (problem) return fail(problem);
  if (kind === 'script-latency' && !intIn(input.ms, 0, MAX_DELAY_MS)) return fail(`\`ms\` must be an integer from 0 to ${MAX_DELAY_MS}`);
  if (kind === 'error-code' && !intIn(input.errorCode, 0, 999_999)) return fail('`errorCode` must be an integer, e.g. 1006');
  const scale = input.timeScale;
  if (kind === 'challenge-hang' && scale !== undefined && !(typeof scale === 'number' && scale > 0 && scale <= 10)) {
    return fail('`timeScale` must be a number greater than 0 and at most 10');
  }
  return { ok: true, value: { ...input } as SdkFault };
}

function checkFault(target: FaultTarget, input: unknown): FaultCheck<ApiFault | SdkFault> {
  return target === 'api' ? checkApiFault(input) : checkSdkFault(input);
}

function checkTimes(times: unknown, what: string): FaultCheck<number | undefined> {
  if (times === undefined) return { ok: true, value: undefined };
  if (!intIn(times, 1, MAX_TIMES)) return fail(`${what} must be an integer from 1 to ${MAX_TIMES}`);
  return { ok: true, value: times };
}

/** A parsed control-endpoint command (`POST /__emulator/faults`). */
export type FaultCommand =
  | { target: FaultTarget; fault: ApiFault | SdkFault; times?: number }
  | { target: FaultTarget; sequence: FaultStep<ApiFault | SdkFault>[] };

function checkTarget(target: unknown): FaultCheck<FaultTarget> {
  if (target === 'api' || target === 'sdk') return { ok: true, value: target };
  return fail('`target` must be "api" or "sdk"');
}

function checkSteps(target: FaultTarget, steps: unknown): FaultCheck<FaultStep<ApiFault | SdkFault>[]> {
  if (!Array.isArray(steps) || steps.length === 0 || steps.length > MAX_STEPS) {
    return fail(`\`sequence\` must be an array of 1 to ${MAX_STEPS} steps`);
  }
  const out: FaultStep<ApiFault | SdkFault>[] = [];
  for (const [i, step] of steps.entries()) {
    // A step is either a bare fault `{ kind, … }` or `{ fault, times? }`.
    const wrapped = isRecord(step) && 'fault' in step;
    if (wrapped) {
      const extra = allowOnly(step, ['fault', 'times'], `sequence[${i}]`);
      if (extra) return fail(extra);
    }
    const fault = checkFault(target, wrapped ? step.fault : step);
    if (!fault.ok) return fail(`sequence[${i}]: ${fault.message}`);
    const times = checkTimes(wrapped ? step.times : undefined, `sequence[${i}].times`);
    if (!times.ok) return times;
    out.push({ fault: fault.value, times: times.value ?? 1 });
  }
  return { ok: true, value: out };
}

/** Validates the JSON body of `POST /__emulator/faults`. */
export function parseFaultCommand(body: unknown): FaultCheck<FaultCommand> {
  if (!isRecord(body)) return fail('the body must be a JSON object: { target, fault, times? } or { target, sequence }');
  const target = checkTarget(body.target);
  if (!target.ok) return target;
  if ('sequence' in body) {
    const extra = allowOnly(body, ['target', 'sequence'], 'the body');
    if (extra) return fail(extra);
    const steps = checkSteps(target.value, body.sequence);
    return steps.ok ? { ok: true, value: { target: target.value, sequence: steps.value } } : steps;
  }
  const extra = allowOnly(body, ['target', 'fault', 'times'], 'the body');
  if (extra) return fail(extra);
  if (body.fault === undefined) return fail('the body needs `fault` (or `sequence`)');
  const fault = checkFault(target.value, body.fault);
  if (!fault.ok) return fault;
  const times = checkTimes(body.times, '`times`');
  if (!times.ok) return times;
  return {
    ok: true,
    value: times.value === undefined ? { target: target.value, fault: fault.value } : { target: target.value, fault: fault.value, times: times.value },
  };
}

/** The call site an SDK fault belongs to. */
export function sdkFaultSite(fault: SdkFault): SdkCallSite {
  switch (fault.kind) {
    case 'script-404':
    case 'script-hang':
    case 'script-latency':
    case 'script-throw':
      return 'script';
    case 'constructor-throw':
      return 'construct';
    case 'legacy-subscript-hang':
    case 'legacy-subscript-error':
      return 'subscript';
    default:
      return 'show';
  }
}

interface Entry<F> {
  fault: F;
  remaining: number;
}

/** Creates the fault queues of one emulator. @internal */
export function createFaultQueues(): FaultQueues {
  const queues: { api: Entry<ApiFault>[]; sdk: Entry<SdkFault>[] } = { api: [], sdk: [] };

  const orThrow = <T>(check: FaultCheck<T>): T => {
    if (!check.ok) throw new EmulatorError('invalid_fault', check.message);
    return check.value;
  };

  function take<F>(queue: Entry<F>[], applies: (f: F) => boolean): F | undefined {
    const head = queue[0];
    if (!head || !applies(head.fault)) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head.fault;
  }

  const snapshot = <F>(queue: Entry<F>[]): FaultQueueEntry<F>[] =>
    queue.map((e) => ({ fault: structuredClone(e.fault), remaining: Number.isFinite(e.remaining) ? e.remaining : null }));

  return {
    set(target, fault, options = {}) {
      const t = orThrow(checkTarget(target));
      const f = orThrow(checkFault(t, fault));
      const times = orThrow(checkTimes(options.times, '`times`'));
      (queues[t] as Entry<ApiFault | SdkFault>[]).splice(0, Infinity, { fault: f, remaining: times ?? Infinity });
    },
    sequence(target, steps) {
      const t = orThrow(checkTarget(target));
      const parsed = orThrow(checkSteps(t, steps));
      (queues[t] as Entry<ApiFault | SdkFault>[]).splice(0, Infinity, ...parsed.map((s) => ({ fault: s.fault, remaining: s.times ?? 1 })));
    },
    clear(target) {
      if (target === undefined || target === 'api') queues.api.length = 0;
      if (target === undefined || target === 'sdk') queues.sdk.length = 0;
    },
    state() {
      return { api: snapshot(queues.api), sdk: snapshot(queues.sdk) };
    },
    takeApi() {
      return take(queues.api, () => true);
    },
    takeSdk(site) {
      return take(queues.sdk, (f) => sdkFaultSite(f) === site);
    },
  };
}
