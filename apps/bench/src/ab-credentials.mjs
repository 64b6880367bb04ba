// A/B of issue 20 on a busy machine: core with a static key against core with a credentials provider
// (cached temporary key + X-TC-Token), in adjacent short rounds (A B, B A, A B, …) so that load drift
// hits both alike; reports the median of the per-pair ratios of CPU µs/call and calls/s.
// Run: node --expose-gc src/ab-credentials.mjs [pairs=30] [roundMs=400] [concurrency=64]
import { createCore, createCoreWithProvider } from './clients.mjs';
import { pairedAB, startEndpoint } from './measure.mjs';

const [pairs = 30, roundMs = 400, concurrency = 64] = process.argv.slice(2).map(Number);
const endpoint = await startEndpoint();
const a = createCore(endpoint.port);
const b = createCoreWithProvider(endpoint.port);
if (!b) throw new Error('this core has no credentials option');
// Ratios provider ÷ static: A is the provider here.
const ratios = await pairedAB(b.call, a.call, { pairs, roundMs, concurrency, peer: endpoint.cpu });
console.log(JSON.stringify({ pairs, roundMs, concurrency, ...ratios }, null, 2));
await a.close();
await b.close();
await endpoint.stop();
process.exit(0);
