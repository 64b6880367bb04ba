// Measurement: time-boxed rounds at a fixed concurrency, client CPU from process.cpuUsage(), cases
// interleaved round by round so drift (other processes, thermal, GC state) hits every case alike.
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** Starts the trivial endpoint in a child process. */
export function startEndpoint() {
  const child = fork(new URL('./endpoint-child.mjs', import.meta.url), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 0;
  const pending = new Map();
  child.on('message', (m) => {
    if (m?.type === 'cpu') {
      pending.get(m.id)?.(m);
      pending.delete(m.id);
    }
  });
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`endpoint exited with ${code}`));
    child.once('error', reject);
    child.once('exit', onExit);
    child.once('message', (m) => {
      if (m?.type !== 'listening') return reject(new Error('endpoint did not report its port'));
      child.off('exit', onExit);
      resolve({
        port: m.port,
        /** The endpoint's CPU time so far, µs (user + system). */
        cpu: () =>
          new Promise((res) => {
            const id = nextId++;
            pending.set(id, (msg) => res(msg.usage.user + msg.usage.system));
            child.send({ type: 'cpu', id });
          }),
        stop: () =>
          new Promise((res) => {
            child.once('exit', () => res());
            child.disconnect();
          }),
      });
    });
  });
}

/**
 * Runs `call(i)` from `concurrency` workers until `ms` have passed (calls in flight then finish and
 * count). Returns calls, wall time, calls/s, client CPU µs/call and CPU utilisation (1 = one core).
 * `peer` (optional) reads another process's CPU µs, reported per call too.
 */
export async function round(call, { concurrency, ms, peer }) {
  globalThis.gc?.();
  const peer0 = peer ? await peer() : 0;
  let calls = 0;
  let i = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + ms;
  const worker = async () => {
    while (performance.now() < end) {
      await call(i++);
      calls++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuUs = cpu.user + cpu.system;
  const peerUs = peer ? (await peer()) - peer0 : null;
  return {
    calls,
    wallMs,
    callsPerSec: (calls / wallMs) * 1000,
    cpuUsPerCall: cpuUs / calls,
    cpuUtil: cpuUs / 1000 / wallMs,
    peerCpuUsPerCall: peerUs === null ? null : peerUs / calls,
    peerCpuUtil: peerUs === null ? null : peerUs / 1000 / wallMs,
  };
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Interleaves cases: one warm-up round of each, then `rounds` rounds in which every case runs once,
 * the starting case rotating each round (A B C D, B C D A, …). Each case is
 * `{ id, concurrency, run(ms) → round result }`. Returns per case the medians and every round.
 */
export async function interleave(cases, { rounds, warmupMs, roundMs, log = () => {} }) {
  const results = new Map(cases.map((c) => [c.id, []]));
  for (const c of cases) await c.run(warmupMs);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + r) % cases.length];
      const res = await c.run(roundMs);
      results.get(c.id).push(res);
    }
    log(`  round ${r + 1}/${rounds} done`);
  }
  return cases.map((c) => {
    const all = results.get(c.id);
    const pick = (key) => (all[0][key] === null ? null : median(all.map((x) => x[key])));
    return {
      id: c.id,
      concurrency: c.concurrency,
      callsPerSec: pick('callsPerSec'),
      cpuUsPerCall: pick('cpuUsPerCall'),
      cpuUtil: pick('cpuUtil'),
      peerCpuUsPerCall: pick('peerCpuUsPerCall'),
      peerCpuUtil: pick('peerCpuUtil'),
      rounds: all,
    };
  });
}

/**
 * A paired A/B for a busy machine: a warm-up round of each, then `pairs` pairs of adjacent rounds
 * (A B, B A, A B, …, so neither always gets the warmer or quieter slot). Returns the median and
 * quartiles of the per-pair ratios A ÷ B of CPU µs/call and of calls/s.
 */
export async function pairedAB(a, b, { pairs, roundMs, concurrency, peer }) {
  const run = (call) => {
    globalThis.gc?.();
    return round(call, { concurrency, ms: roundMs, peer });
  };
  await run(a);
  await run(b);
  const cpu = [];
  const rate = [];
  for (let i = 0; i < pairs; i++) {
    let ra, rb;
    if (i % 2 === 0) {
      ra = await run(a);
      rb = await run(b);
    } else {
      rb = await run(b);
      ra = await run(a);
    }
    cpu.push(ra.cpuUsPerCall / rb.cpuUsPerCall);
    rate.push(ra.callsPerSec / rb.callsPerSec);
  }
  const q = (xs, p) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) * p)];
  return {
    cpuRatio: { median: median(cpu), p25: q(cpu, 0.25), p75: q(cpu, 0.75) },
    rateRatio: { median: median(rate), p25: q(rate, 0.25), p75: q(rate, 0.75) },
  };
}
