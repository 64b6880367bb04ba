// A/B of two builds of core in one process: the workspace's dist (A) against another build (B, a
// dist/index.js path, e.g. a build of an older commit), each `verify()` over the default undici
// transport to the same trivial endpoint, in adjacent short rounds (A B, B A, …) so that load drift
// hits both alike. Prints the median and quartiles of the per-pair ratios A ÷ B of CPU µs/call and
// calls/s. The issues' "bench figures stay within N %" are checked with it (see the README).
// Run: node --expose-gc src/ab-core.mjs <path to B's dist/index.js> [pairs=30] [roundMs=400] [concurrency=64]
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as workspaceCore from '@tencent-captcha/core';
import { CLIENT_IPS, CREDENTIALS, RANDSTR, ticketFor } from './clients.mjs';
import { median, round, startEndpoint } from './measure.mjs';

const [bPath, ...rest] = process.argv.slice(2);
if (!bPath) throw new Error('usage: node --expose-gc src/ab-core.mjs <path to dist/index.js of B> [pairs] [roundMs] [concurrency]');
const [pairs = 30, roundMs = 400, concurrency = 64] = rest.map(Number);
const other = await import(isAbsolute(bPath) ? pathToFileURL(bPath).href : bPath);
const endpoint = await startEndpoint();

function client(core) {
  const verifier = core.createCaptchaVerifier({ ...CREDENTIALS, endpoint: `http://127.0.0.1:${endpoint.port}/`, logger: {} });
  return {
    async call(i) {
      const v = await verifier.verify({ ticket: ticketFor(i), randstr: RANDSTR, userIp: CLIENT_IPS[i & 255] });
      if (v.reason !== 'verified' || v.attempts !== 1) throw new Error(`unexpected verdict ${v.reason} (${v.attempts} attempts)`);
    },
    close: () => verifier.close(),
  };
}

const a = client(workspaceCore);
const b = client(other);
const run = (c) => {
  globalThis.gc?.();
  return round(c.call, { concurrency, ms: roundMs, peer: endpoint.cpu });
};
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
  cpu.push(ra.cpuUsPerCall / rb.cpuUsPerCall);
  rate.push(ra.callsPerSec / rb.callsPerSec);
}
const q = (xs, p) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) * p)];
console.log(JSON.stringify({
  b: bPath, pairs, roundMs, concurrency,
  cpuRatio: { median: median(cpu), p25: q(cpu, 0.25), p75: q(cpu, 0.75) },
  rateRatio: { median: median(rate), p25: q(rate, 0.25), p75: q(rate, 0.75) },
}, null, 2));
await a.close();
await b.close();
await endpoint.stop();
process.exit(0);
