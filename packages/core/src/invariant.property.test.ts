/**
 * The disaster-recovery invariant as a randomized property of the whole verifier (issue 18 point 7,
 * design §3.2a). fast-check draws schedules: verifications from several IPs and budget scopes with
 * junk, forged, expired and solved tickets, client aborts, synchronous event-loop stalls, and an
 * upstream answering each request with a random latency, a hang, a reset, `InternalError`, 26 or a
 * 5xx. After each schedule:
 *
 * - while the upstream was healthy, degraded acceptances ≤ the healthy budgets (per IP and scope,
 *   and app-wide), and the breaker never opened;
 * - the app-wide caps hold whatever the upstream did;
 * - every call answered within `deadlineMs` plus a margin (plus the stalls it sat through);
 * - no timer is left after `close()`.
 *
 * Real time (the stalls block the real event loop), so the runs are few: PROPERTY_RUNS (default 8)
 * schedules of at most about a second each. Counterexamples are shrunk and printed by fast-check.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CREDENTIALS, ENDPOINT } from '../test/helpers/fake-tencent.js';
import { createCaptchaVerifier } from './engine/verifier.js';
import type { FetchLike } from './types/options.js';
import type { CaptchaVerdict } from './types/verdict.js';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 8);
const DEADLINE_MS = 600;
const BUDGETS = { perIp: 2, global: 4, appGlobal: 5, outagePerIp: 3, outageGlobal: 8, outageAppGlobal: 10 };

type Upstream = { kind: 'answer'; latencyMs: number } | { kind: 'hang' } | { kind: 'reset'; latencyMs: number } | { kind: 'internal'; latencyMs: number } | { kind: 'busy26'; latencyMs: number } | { kind: 'http5xx'; latencyMs: number };
type TicketKind = 'junk' | 'forged' | 'expired' | 'solved';
type Step = { kind: 'verify'; ticket: TicketKind; ip: number; scope: number; abortAfterMs: number | null } | { kind: 'stall'; ms: number } | { kind: 'gap'; ms: number };

const healthyUpstream = fc.record({ kind: fc.constant('answer' as const), latencyMs: fc.integer({ min: 0, max: 80 }) });
const anyUpstream = fc.oneof(
  healthyUpstream,
  fc.constant({ kind: 'hang' as const }),
  ...(['reset', 'internal', 'busy26', 'http5xx'] as const).map((kind) => fc.record({ kind: fc.constant(kind), latencyMs: fc.integer({ min: 0, max: 80 }) })),
);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('verify' as const), ticket: fc.constantFrom<TicketKind>('forged', 'forged', 'forged', 'junk', 'expired', 'solved'), ip: fc.integer({ min: 0, max: 3 }), scope: fc.integer({ min: 0, max: 2 }), abortAfterMs: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 200 }) }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stall' as const), ms: fc.integer({ min: 100, max: 700 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('gap' as const), ms: fc.integer({ min: 0, max: 40 }) }) },
);
const schedule = fc.oneof(
  fc.record({ healthy: fc.constant(true), upstream: fc.array(healthyUpstream, { minLength: 1, maxLength: 6 }), steps: fc.array(step, { minLength: 20, maxLength: 60 }) }),
  fc.record({ healthy: fc.constant(false), upstream: fc.array(anyUpstream, { minLength: 1, maxLength: 6 }), steps: fc.array(step, { minLength: 20, maxLength: 60 }) }),
);

/** An upstream that plays `upstream` in turn, one entry per request. */
function scriptedFetch(upstream: readonly Upstream[]): FetchLike {
  let n = 0;
  return (_url, init) => {
    const u = upstream[n++ % upstream.length]!;
    const ticket = String(JSON.parse(init.body).Ticket);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(init.signal.reason);
      };
      const answer = (body: unknown, status = 200) => {
        init.signal.removeEventListener('abort', onAbort);
        resolve({ status, text: async () => JSON.stringify(body) });
      };
      const timer: ReturnType<typeof setTimeout> | undefined =
        u.kind === 'hang'
          ? undefined
          : setTimeout(() => {
              if (u.kind === 'reset') {
                init.signal.removeEventListener('abort', onAbort);
                return reject(Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }));
              }
              if (u.kind === 'http5xx') return answer('bad gateway', 502);
              if (u.kind === 'internal') return answer({ Response: { Error: { Code: 'InternalError', Message: 'internal' }, RequestId: `r${n}` } });
              const code = u.kind === 'busy26' ? 26 : ticket.startsWith('trerror_') ? 21 : ticket.startsWith('tr03solved') ? 1 : 15;
              return answer({ Response: { CaptchaCode: code, CaptchaMsg: 'x', EvilLevel: 0, GetCaptchaTime: 0, EvilBitmap: 0, SubmitCaptchaTime: 0, RequestId: `r${n}` } });
            }, u.latencyMs);
      init.signal.addEventListener('abort', onAbort, { once: true });
    });
  };
}

function ticketFor(kind: TicketKind, i: number): { ticket: string; randstr: string } {
  const second = Math.floor(Date.now() / 1000);
  if (kind === 'forged') return { ticket: `trerror_1001_${CREDENTIALS.captchaAppId}_${second}`, randstr: `@f${i}` };
  if (kind === 'expired') return { ticket: `trerror_1001_${CREDENTIALS.captchaAppId}_${second - 3600}`, randstr: `@e${i}` };
  return { ticket: `tr03${kind}${i}x*`, randstr: `@r${i}` };
}

const block = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // a synchronous stall of this process
  }
};
const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

async function play(s: { healthy: boolean; upstream: Upstream[]; steps: Step[] }): Promise<void> {
  const baseline = timers();
  let opened = 0;
  const verifier = createCaptchaVerifier({
    ...CREDENTIALS,
    endpoint: ENDPOINT,
    fetch: scriptedFetch(s.upstream),
    deadlineMs: DEADLINE_MS,
    attemptTimeoutMs: 300,
    retry: { delayMs: 0 },
    budgets: BUDGETS,
    logger: false,
    hooks: { onBreakerOpen: () => opened++ },
  });
  const calls: Array<Promise<{ verdict: CaptchaVerdict | 'aborted'; ip: number; scope: number; ms: number; stalled: number; window: number }>> = [];
  let stalledMs = 0;
  for (const [i, st] of s.steps.entries()) {
    if (st.kind === 'stall') {
      block(st.ms);
      stalledMs += st.ms;
    } else if (st.kind === 'gap') {
      await new Promise((r) => setTimeout(r, st.ms));
    } else {
      const controller = new AbortController();
      const timer = st.abortAfterMs === null ? undefined : setTimeout(() => controller.abort(new Error('client went away')), st.abortAfterMs);
      const started = performance.now();
      const startWindow = Math.floor(Date.now() / 60_000);
      const stalledBefore = stalledMs;
      calls.push(
        verifier
          .verify({ ...ticketFor(st.ticket, i), userIp: `198.51.100.${st.ip + 1}` }, { budgetScope: `/route${st.scope}`, signal: controller.signal })
          .then(
            (verdict) => verdict,
            () => 'aborted' as const,
          )
          .then((verdict) => {
            clearTimeout(timer);
            // The budget window of the call (-1 when it straddled two: then it is checked against both).
            const window = Math.floor(Date.now() / 60_000) === startWindow ? startWindow : -1;
            return { verdict, ip: st.ip, scope: st.scope, ms: performance.now() - started, stalled: stalledMs - stalledBefore, window };
          }),
      );
    }
  }
  const results = await Promise.all(calls);
  await verifier.close();

  const degraded = results.filter((r): r is typeof r & { verdict: CaptchaVerdict } => r.verdict !== 'aborted' && r.verdict.status === 'degraded' && r.verdict.accepted);
  if (process.env["PROPERTY_DEBUG"]) console.log(s.healthy, results.map((r) => (r.verdict === "aborted" ? "aborted" : `${r.verdict.reason}:${r.verdict.accepted}`)).join(" "));
  // Per budget window (a call that straddled two windows counts in both).
  const windows = [...new Set(degraded.map((r) => r.window).filter((w) => w >= 0))];
  if (windows.length === 0) windows.push(0);
  for (const w of windows) {
    const inWindow = degraded.filter((r) => r.window === w || r.window === -1);
    // The app-wide caps hold whatever Tencent does.
    expect(inWindow.length).toBeLessThanOrEqual(BUDGETS.appGlobal + BUDGETS.outageAppGlobal);
    if (!s.healthy) continue;
    expect(inWindow.length).toBeLessThanOrEqual(BUDGETS.appGlobal);
    const perKey = new Map<string, number>();
    for (const r of inWindow) perKey.set(`${r.ip}/${r.scope}`, (perKey.get(`${r.ip}/${r.scope}`) ?? 0) + 1);
    for (const count of perKey.values()) expect(count).toBeLessThanOrEqual(BUDGETS.perIp);
  }
  if (s.healthy) expect(opened).toBe(0);
  // Every call answered by its deadline, plus a margin for this busy machine and the stalls it sat through.
  for (const r of results) expect(r.ms).toBeLessThanOrEqual(DEADLINE_MS + 400 + r.stalled);
  // Nothing left running after close().
  await new Promise((r) => setImmediate(r));
  expect(timers()).toBeLessThanOrEqual(baseline);
}

describe('the disaster-recovery invariant, randomized (fast-check)', () => {
  it(`holds over ${RUNS} random schedules of faults, stalls, aborts, IPs, scopes and tickets`, async () => {
    await fc.assert(fc.asyncProperty(schedule, play), { numRuns: RUNS, verbose: true, endOnFailure: false });
  }, 60_000 + RUNS * 5_000);
});
