/**
 * Browser-side helpers for the tests: the emulator started by web-test-runner.config.mjs, its fault
 * switches (the JSON control endpoint) and its solve hook (`window.__tencentCaptchaEmulator`).
 */
import { parseDisasterTicket } from '@tencent-captcha/protocol';

/** The emulator's SDK faults (see its README); typed here to keep its Node code out of this tsconfig. */
export type SdkFault =
  | { kind: 'script-404' | 'script-hang' | 'user-close' | 'pass' | 'legacy-subscript-hang' | 'legacy-subscript-error' }
  | { kind: 'script-latency'; ms: number }
  | { kind: 'script-throw' | 'constructor-throw' | 'show-throw'; message?: string }
  | { kind: 'error-code'; errorCode: number; errorMessage?: string }
  | { kind: 'challenge-hang'; timeScale?: number };

export interface EmulatorInfo {
  url: string;
  sdkUrl: string;
  sdkUrls: { TCaptcha: string; TJCaptcha: string; TCaptchaGlobal: string; TJNCaptchaGlobal: string };
  controlUrl: string;
  appId: string;
}

let info: Promise<EmulatorInfo> | undefined;

/** The emulator of this test run. */
export function emulator(): Promise<EmulatorInfo> {
  info ??= fetch('/__emulator.json').then((r) => r.json() as Promise<EmulatorInfo>);
  return info;
}

async function control(method: 'POST' | 'DELETE', body?: unknown): Promise<void> {
  const { controlUrl } = await emulator();
  const res = await fetch(`${controlUrl}/faults`, {
    method,
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`emulator control ${method}: ${res.status} ${await res.text()}`);
}

/** Sets an SDK fault for the next `times` calls of its kind (until cleared when omitted). */
export function setSdkFault(fault: SdkFault, times?: number): Promise<void> {
  return control('POST', times === undefined ? { target: 'sdk', fault } : { target: 'sdk', fault, times });
}

/** Clears every fault. */
export function clearFaults(): Promise<void> {
  return control('DELETE');
}

interface Hook {
  readonly active: boolean;
  solve(options?: { timeoutMs?: number }): Promise<unknown>;
  close(options?: { timeoutMs?: number }): Promise<unknown>;
}

/** The emulator's in-page hook, or `undefined` before its SDK script ran in this page. */
export function hook(): Hook | undefined {
  return (window as unknown as { __tencentCaptchaEmulator?: Hook }).__tencentCaptchaEmulator;
}

async function withHook<T>(use: (h: Hook) => Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const h = hook();
    if (h) return use(h);
    if (performance.now() > deadline) throw new Error(`the emulator SDK did not run within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Solves the challenge on screen as a user would (waits for the SDK and the challenge). */
export function solve(): Promise<unknown> {
  return withHook((h) => h.solve());
}

/** Closes the challenge on screen as a user would. */
export function closeChallenge(): Promise<unknown> {
  return withHook((h) => h.close());
}

/** How many times the page fetched `url` (Resource Timing; failed and hung requests count once they end). */
export function requestsFor(url: string): number {
  return performance.getEntriesByName(url).length;
}

/** `<script>` elements in the document loading `url`. */
export function scriptsFor(url: string): number {
  return [...document.scripts].filter((s) => s.src === url).length;
}

/** Asserts `ticket` is a well-formed disaster ticket for `appId` and `errorCode`, made about now. */
export function expectDisasterTicket(ticket: string, appId: string, errorCode: number): void {
  const parsed = parseDisasterTicket(ticket);
  if (!parsed.ok) throw new Error(`not a well-formed disaster ticket (${parsed.error}): ${ticket}`);
  const now = Math.floor(Date.now() / 1000);
  const { ticket: t } = parsed;
  if (t.appId !== appId || t.errorCode !== errorCode || Math.abs(t.timestamp - now) > 60) {
    throw new Error(`disaster ticket ${ticket}: expected app id ${appId}, errorCode ${errorCode}, a timestamp near ${now}`);
  }
}

/**
 * Swallows the uncaught error an SDK script fault throws on purpose, so that mocha (which listens
 * through `window.onerror`) does not count it; any other error still reaches mocha.
 */
export function ignoreScriptErrors(match: RegExp): () => void {
  const previous = window.onerror;
  window.onerror = function (this: WindowEventHandlers, message, source, line, column, error) {
    if (match.test(String(message))) return true;
    return previous ? previous.call(this, message, source, line, column, error) : false;
  };
  return () => {
    window.onerror = previous;
  };
}

/** A fresh single-use legacy script URL, as a server gets it from CaptchaIframeQuery: a PC script (`clientType` 2) unless asked for a mobile one (1). */
export async function legacyScriptUrl(clientType: 1 | 2 = 2): Promise<string> {
  const { url } = (await (await fetch(`/__legacy-url.json?clientType=${clientType}`, { cache: 'no-store' })).json()) as { url: string };
  return url;
}

/** Waits `ms` (short, bounded waits only: to let a late callback arrive and be ignored). */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Collects the events of `type` that `target` fires. */
export function collect<E extends Event>(target: EventTarget, type: string): E[] {
  const seen: E[] = [];
  target.addEventListener(type, (event) => seen.push(event as E));
  return seen;
}

/** Records `console.warn` calls until the returned restore function runs. */
export function captureWarnings(): { messages: string[]; restore(): void } {
  const original = console.warn;
  const messages: string[] = [];
  console.warn = (...args: unknown[]) => {
    messages.push(args.map(String).join(' '));
  };
  return { messages, restore: () => void (console.warn = original) };
}

/** Waits (bounded) until `predicate` holds. */
export async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
