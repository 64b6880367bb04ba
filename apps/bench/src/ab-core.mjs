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
import { pairedAB, startEndpoint } from './measure.mjs';

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
const ratios = await pairedAB(a.call, b.call, { pairs, roundMs, concurrency, peer: endpoint.cpu });
console.log(JSON.stringify({ b: bPath, pairs, roundMs, concurrency, ...ratios }, null, 2));
await a.close();
await b.close();
await endpoint.stop();
process.exit(0);
