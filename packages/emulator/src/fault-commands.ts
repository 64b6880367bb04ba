/**
 * Validation of faults and fault commands, shared by the programmatic API and the JSON control
 * endpoint: every field checked, bounded and named in the message when refused.
 */
import type { ApiFault, FaultStep, FaultTarget, SdkFault } from './fault-types.js';
import { ApiFaultKind, SdkFaultKind } from './fault-types.js';

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

export function checkFault(target: FaultTarget, input: unknown): FaultCheck<ApiFault | SdkFault> {
  return target === 'api' ? checkApiFault(input) : checkSdkFault(input);
}

export function checkTimes(times: unknown, what: string): FaultCheck<number | undefined> {
  if (times === undefined) return { ok: true, value: undefined };
  if (!intIn(times, 1, MAX_TIMES)) return fail(`${what} must be an integer from 1 to ${MAX_TIMES}`);
  return { ok: true, value: times };
}

/** A parsed control-endpoint command (`POST /__emulator/faults`). */
export type FaultCommand =
  | { target: FaultTarget; fault: ApiFault | SdkFault; times?: number }
  | { target: FaultTarget; sequence: FaultStep<ApiFault | SdkFault>[] };

export function checkTarget(target: unknown): FaultCheck<FaultTarget> {
  if (target === 'api' || target === 'sdk') return { ok: true, value: target };
  return fail('`target` must be "api" or "sdk"');
}

export function checkSteps(target: FaultTarget, steps: unknown): FaultCheck<FaultStep<ApiFault | SdkFault>[]> {
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
