/**
 * The demo page's script: registers `<tencent-captcha>`, submits the login form with the element's
 * fields, shows the server's verdict, logs the element's events, and drives the drill panel (emulator
 * faults through the proxied control endpoint, the policy mode through the demo's API).
 */
import '@tencent-captcha/element/define';
import type { TencentCaptchaElement } from '@tencent-captcha/element';

interface DemoConfig {
  backend: 'emulator' | 'tencent';
  appId: string;
  mode: string;
  faultsUrl: string | null;
  /** The operator's panel's counters; `null` where the server has none. */
  liveUrl: string | null;
}

interface FaultState {
  api: { fault: { kind: string; code?: number } }[];
  sdk: { fault: { kind: string } }[];
}

const $ = <T extends Element>(selector: string): T => {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`demo page: ${selector} is missing`);
  return found;
};

const config = JSON.parse($<HTMLScriptElement>('#demo-config').textContent ?? '{}') as DemoConfig;
const captcha = $<TencentCaptchaElement>('#captcha');
const loginForm = $<HTMLFormElement>('#login');
const submit = $<HTMLButtonElement>('#submit');
const pending = $<HTMLElement>('#pending');
const elapsed = $<HTMLElement>('#elapsed');
const result = $<HTMLElement>('#result');
const drill = $<HTMLFormElement>('#drill');
const drillStatus = $<HTMLElement>('#drill-status');
const breaker = $<HTMLElement>('#breaker');
const events = $<HTMLOListElement>('#events');

document.documentElement.dataset.backend = config.backend;
$<HTMLElement>('#backend').dataset.backend = config.backend;

// ── Element events ────────────────────────────────────────────────────────────────────────────────
function logEvent(name: string, text: string): void {
  events.querySelector('.empty')?.remove();
  const item = document.createElement('li');
  item.dataset.event = name;
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString();
  const label = document.createElement('strong');
  label.textContent = name;
  item.append(time, ' ', label, ` ${text}`);
  events.prepend(item);
  while (events.children.length > 8) events.lastElementChild?.remove();
}

const shortTicket = (ticket: string): string => (ticket.length > 28 ? `${ticket.slice(0, 28)}…` : ticket);
captcha.addEventListener('verified', (e) => logEvent('verified', `ticket ${shortTicket(e.detail.ticket)}`));
captcha.addEventListener('fallback', (e) =>
  logEvent('fallback', `errorCode ${e.detail.errorCode} (${e.detail.reason}): disaster ticket ${shortTicket(e.detail.ticket)}`),
);
captcha.addEventListener('closed', () => logEvent('closed', 'the challenge was closed; nothing can be submitted'));
captcha.addEventListener('expired', () => logEvent('expired', 'the ticket expired and left the form; verify again'));

// ── Login ─────────────────────────────────────────────────────────────────────────────────────────
interface LoginAnswer {
  ok: boolean;
  code?: string;
  message?: string;
  summary?: { outcome: string; title: string; text: string };
  verdict?: { breaker?: string };
}

function showAnswer(status: number, answer: LoginAnswer | undefined, raw: string): void {
  const summary = answer?.summary;
  result.dataset.outcome = summary?.outcome ?? (status >= 500 ? 'refused' : 'rejected');
  $('#result-headline').textContent = summary?.title ?? `HTTP ${status}`;
  $('#result-text').textContent = summary?.text ?? answer?.message ?? 'The server answered without a verdict.';
  $('#http-status').textContent = `HTTP ${status}`;
  $('#verdict-json').textContent = answer ? JSON.stringify(answer, null, 2) : raw;
  if (answer?.verdict?.breaker) breaker.textContent = answer.verdict.breaker;
  // The operator's view changes with every login.
  pollLive();
}

loginForm.addEventListener('submit', async (event) => {
  // The browser only gets here once every control is valid: `required` on the element blocks
  // submission until it holds a ticket (a real one, or a disaster ticket after a fallback).
  event.preventDefault();
  const body = new URLSearchParams();
  for (const [name, value] of new FormData(loginForm)) if (typeof value === 'string') body.append(name, value);
  submit.disabled = true;
  pending.hidden = false;
  const started = performance.now();
  const timer = setInterval(() => (elapsed.textContent = ((performance.now() - started) / 1000).toFixed(1)), 100);
  result.dataset.outcome = 'pending';
  $('#result-headline').textContent = 'Verifying…';
  $('#result-text').textContent = 'The server is asking Tencent about the ticket.';
  try {
    const response = await fetch(loginForm.action, { method: 'POST', body, headers: { accept: 'application/json' } });
    const raw = await response.text();
    let answer: LoginAnswer | undefined;
    try {
      answer = JSON.parse(raw) as LoginAnswer;
    } catch {
      answer = undefined;
    }
    showAnswer(response.status, answer, raw);
  } catch (error) {
    showAnswer(0, undefined, `The request failed: ${String(error)}`);
  } finally {
    clearInterval(timer);
    submit.disabled = false;
    pending.hidden = true;
    // A ticket is good for one verification: ask for a fresh one next time.
    captcha.reset();
  }
});

// ── Drill panel ───────────────────────────────────────────────────────────────────────────────────
const SDK_FAULTS: Record<string, unknown> = {
  'script-404': { kind: 'script-404' },
  'script-hang': { kind: 'script-hang' },
  // The script loads, Tencent's second stage never arrives: Tencent would be silent for 20 s.
  'challenge-hang': { kind: 'challenge-hang' },
  'error-code': { kind: 'error-code', errorCode: 1006 },
  // /legacy: the one-time script loads, the sub-script it needs from Tencent's CDN never does.
  'legacy-subscript-hang': { kind: 'legacy-subscript-hang' },
};
const API_FAULTS: Record<string, unknown> = {
  hang: { kind: 'hang' },
  'internal-error': { kind: 'internal-error' },
  'captcha-code-26': { kind: 'captcha-code', code: 26 },
};

function check(name: string, value: string): void {
  const input = drill.querySelector<HTMLInputElement>(`input[name="${name}"][value="${CSS.escape(value)}"]`);
  if (input) input.checked = true;
}

function sdkChoice(state: FaultState): string {
  const kind = state.sdk[0]?.fault.kind;
  return kind && kind in SDK_FAULTS ? kind : 'healthy';
}

function apiChoice(state: FaultState): string {
  const fault = state.api[0]?.fault;
  if (!fault) return 'healthy';
  if (fault.kind === 'captcha-code') return 'captcha-code-26';
  return fault.kind in API_FAULTS ? fault.kind : 'healthy';
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init?.headers } });
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url} answered ${response.status}`);
  return (await response.json()) as T;
}

async function setFault(target: 'sdk' | 'api', choice: string): Promise<void> {
  const url = config.faultsUrl as string;
  const fault = (target === 'sdk' ? SDK_FAULTS : API_FAULTS)[choice];
  if (fault === undefined) await json(`${url}?target=${target}`, { method: 'DELETE' });
  else await json(url, { method: 'POST', body: JSON.stringify({ target, fault }) });
}

drill.addEventListener('change', async (event) => {
  const input = event.target as HTMLInputElement;
  try {
    if (input.name === 'mode') {
      await json('/api/mode', { method: 'PUT', body: JSON.stringify({ mode: input.value }) });
      drillStatus.textContent = `Policy mode is now ${input.value}.`;
    } else if (input.name === 'sdk' || input.name === 'api') {
      await setFault(input.name, input.value);
      const label = input.closest('label')?.textContent?.trim() ?? input.value;
      const later = input.name === 'sdk' && /^(script|legacy)/.test(input.value) ? ' Reload the page to load the script again.' : '';
      drillStatus.textContent = `Now: ${label}.${later}`;
    }
    document.documentElement.dataset.drill = 'ok';
  } catch (error) {
    drillStatus.textContent = `Could not switch: ${error instanceof Error ? error.message : String(error)}`;
  }
});

$<HTMLButtonElement>('#reload').addEventListener('click', () => location.reload());

async function loadState(): Promise<void> {
  // The breaker is the operator's: the server tells it to the machine running the demo only.
  const state = await json<{ mode: string; breaker?: string }>('/api/state');
  check('mode', state.mode);
  breaker.textContent = state.breaker ?? 'shown on the machine running the demo only';
  if (config.faultsUrl) {
    const faults = await json<FaultState>(config.faultsUrl);
    check('sdk', sdkChoice(faults));
    check('api', apiChoice(faults));
  } else {
    // No fault switches means no drill for this visitor at all: the server answers the drill (faults
    // and the policy mode) only on the emulator and only to the machine running the demo.
    for (const fieldset of drill.querySelectorAll<HTMLFieldSetElement>('fieldset')) fieldset.disabled = true;
    $('#drill-note').textContent =
      config.backend === 'emulator'
        ? 'The drill works only from the machine running the demo (a visitor must not switch its policy).'
        : 'Real Tencent Cloud: faults exist only in the emulator, and the policy mode is the server’s to set.';
  }
  // Lets a visitor (and the end-to-end tests) see that the panel reflects the server.
  document.documentElement.dataset.ready = 'true';
}

// ── Operator's view: what the metrics say over the last minute (an operator's alert) ───────────────
interface LiveCounters {
  verified: number;
  degradedAccepted: number;
  refused: number;
  breaker: string;
}

async function refreshLive(url: string): Promise<void> {
  const live = await json<LiveCounters>(url);
  $('#live-verified').textContent = String(live.verified);
  $('#live-degraded').textContent = String(live.degradedAccepted);
  $('#live-refused').textContent = String(live.refused);
  $('#live-breaker').textContent = live.breaker;
  breaker.textContent = live.breaker;
  const alert = $<HTMLElement>('#live-alert');
  const firing = live.degradedAccepted > 0 || live.breaker !== 'closed';
  const text = firing
    ? `Alert: ${live.degradedAccepted} login${live.degradedAccepted === 1 ? '' : 's'} accepted without Tencent’s word${live.breaker === 'closed' ? '' : `, breaker ${live.breaker}`}.`
    : '';
  // Only touch the live region when the text changes, so screen readers are not spammed.
  if (alert.textContent !== text) alert.textContent = text;
  alert.hidden = !firing;
}

// Only where the server has the counters (the Koa demo; the Nest demo shows no operator's panel).
function pollLive(): void {
  if (config.liveUrl) refreshLive(config.liveUrl).catch(() => undefined);
}
if (config.liveUrl) {
  $<HTMLElement>('#operator').hidden = false;
  pollLive();
  setInterval(pollLive, 2000);
}

loadState().catch((error: unknown) => {
  drillStatus.textContent = `Could not read the server’s state: ${error instanceof Error ? error.message : String(error)}`;
});
