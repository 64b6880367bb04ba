// A/B of issue 20 on a busy machine: core with a static key against core with a credentials provider
// (cached temporary key + X-TC-Token), in adjacent short rounds (A B, B A, A B, …) so that load drift
// hits both alike; reports the median of the per-pair ratios of CPU µs/call and calls/s.
// Run: node --expose-gc src/ab-credentials.mjs [pairs=30] [roundMs=400] [concurrency=64]
import { createCore, createCoreWithProvider } from './clients.mjs';
import { median, round, startEndpoint } from './measure.mjs';

const [pairs = 30, roundMs = 400, concurrency = 64] = process.argv.slice(2).map(Number);
const endpoint = await startEndpoint();
const a = createCore(endpoint.port);
const b = createCoreWithProvider(endpoint.port);
if (!b) throw new Error('this core has no credentials option');
const run = (client) => { globalThis.gc?.(); return round(client.call, { concurrency, ms: roundMs, peer: endpoint.cpu }); };
await run(a);
await run(b);
const cpu = [];
const rate = [];
for (let i = 0; i < pairs; i++) {
  // Alternate which goes first, so neither always gets the warmer (or quieter) slot.
  let ra, rb;
  if (i % 2 === 0) {
    ra = await run(a);
    rb = await run(b);
  } else {
    rb = await run(b);
    ra = await run(a);
  }
  cpu.push(rb.cpuUsPerCall / ra.cpuUsPerCall);
  rate.push(rb.callsPerSec / ra.callsPerSec);
}
const q = (xs, p) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) * p)];
console.log(JSON.stringify({
  pairs, roundMs, concurrency,
  cpuRatio: { median: median(cpu), p25: q(cpu, 0.25), p75: q(cpu, 0.75) },
  rateRatio: { median: median(rate), p25: q(rate, 0.25), p75: q(rate, 0.75) },
}, null, 2));
await a.close();
await b.close();
await endpoint.stop();
process.exit(0);
