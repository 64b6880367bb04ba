// Benchmarks (run: `pnpm bench` at the root, after `pnpm build`). Everything stays on 127.0.0.1 and
// every loop is bounded in count. Figures depend on the machine: compare rows of one run.
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Client } from 'tencentcloud-sdk-nodejs/tencentcloud/services/captcha/v20190722/captcha_client.js';
import { createCaptchaVerifier, createMemoryStore } from '@tencent-captcha/core';
import { CaptchaApi, createTc3Signer } from '@tencent-captcha/protocol';

const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const rows = [];

function startEmulator() {
  const child = fork(new URL('./emulator-child.mjs', import.meta.url), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (info) => resolve({ ...info, stop: () => child.disconnect() }));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
}

async function fault(emu, body) {
  const res = await fetch(`${emu.controlUrl}/faults`, {
    method: body ? 'POST' : 'DELETE',
    headers: { 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`fault control answered ${res.status}`);
}

/** Runs `call` CALLS times, CONCURRENCY at once; returns calls/s and client CPU µs per call. */
async function throughput(name, call) {
  for (let i = 0; i < 500; i++) await call(i); // warm up JIT and keep-alive pools
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CALLS) await call(next++);
    }),
  );
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const row = {
    scenario: name,
    'calls/s': Math.round((CALLS / ms) * 1000),
    'client CPU µs/call': Math.round((cpu.user + cpu.system) / CALLS),
  };
  rows.push(row);
  console.log(row);
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const emu = await startEmulator();
const input = (i) => ({ ticket: `tr03bench${i.toString(36)}*`, randstr: '@bench1', userIp: '203.0.113.7' });

// 1. Transport: the same DescribeCaptchaResult round trip (the emulator answers CaptchaCode 15 for a
//    ticket it never issued, after the full signature check), core's verifier vs the official SDK.
const verifier = createCaptchaVerifier({
  captchaAppId: emu.appId,
  appSecretKey: emu.appSecretKey,
  secretId: emu.secretId,
  secretKey: emu.secretKey,
  endpoint: emu.apiUrl,
});
await throughput('@tencent-captcha/core verify() (undici pool)', async (i) => {
  const v = await verifier.verify(input(i));
  if (v.captchaCode !== 15) throw new Error(`unexpected verdict ${v.reason}`);
});
const fetchVerifier = createCaptchaVerifier({
  captchaAppId: emu.appId,
  appSecretKey: emu.appSecretKey,
  secretId: emu.secretId,
  secretKey: emu.secretKey,
  endpoint: emu.apiUrl,
  fetch: globalThis.fetch,
});
await throughput('@tencent-captcha/core verify() (global fetch)', async (i) => {
  const v = await fetchVerifier.verify(input(i));
  if (v.captchaCode !== 15) throw new Error(`unexpected verdict ${v.reason}`);
});
const sdk = new Client({
  credential: { secretId: emu.secretId, secretKey: emu.secretKey },
  profile: { httpProfile: { endpoint: emu.apiEndpoint, protocol: 'http://', reqTimeout: 10 } },
});
await throughput('tencentcloud-sdk-nodejs DescribeCaptchaResult', async (i) => {
  const r = await sdk.DescribeCaptchaResult({
    CaptchaType: 9,
    Ticket: input(i).ticket,
    Randstr: '@bench1',
    UserIp: '203.0.113.7',
    CaptchaAppId: Number(emu.appId),
    AppSecretKey: emu.appSecretKey,
  });
  if (r.CaptchaCode !== 15) throw new Error(`unexpected CaptchaCode ${r.CaptchaCode}`);
});

// 2. Breaker open: Tencent hangs; after the breaker opens, decisions are made without the network.
await fault(emu, { target: 'api', fault: { kind: 'hang' } });
const dr = createCaptchaVerifier({
  captchaAppId: emu.appId,
  appSecretKey: emu.appSecretKey,
  secretId: emu.secretId,
  secretKey: emu.secretKey,
  endpoint: emu.apiUrl,
  attemptTimeoutMs: 200,
  deadlineMs: 400,
  breaker: { failureThreshold: 3, halfOpenAfterMs: 600_000 },
  budgets: { outagePerIp: 1_000_000, outageGlobal: 1_000_000 },
});
const hungLatencies = [];
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  await dr.verify(input(i));
  hungLatencies.push(performance.now() - t0);
}
if (dr.breakerState !== 'open') throw new Error(`breaker is ${dr.breakerState}, expected open`);
const openLatencies = [];
for (let i = 0; i < 10_000; i++) {
  const t0 = performance.now();
  const v = await dr.verify(input(i + 1000));
  openLatencies.push(performance.now() - t0);
  if (v.attempts !== 0) throw new Error('breaker open but the network was used');
}
openLatencies.sort((a, b) => a - b);
const breakerRow = {
  scenario: 'verify() while the breaker is open (10,000 calls, sequential)',
  'p50 µs': Math.round(percentile(openLatencies, 50) * 1000),
  'p99 µs': Math.round(percentile(openLatencies, 99) * 1000),
  'max µs': Math.round(openLatencies.at(-1) * 1000),
  'hung calls before it opened, ms': hungLatencies.map((l) => Math.round(l)).join(' / '),
};
rows.push(breakerRow);
console.log(breakerRow);
await fault(emu, null);

// 3. Signing: one TC3 signature with the per-day key cached.
const signer = createTc3Signer({ secretId: emu.secretId, secretKey: emu.secretKey, service: CaptchaApi.service, host: CaptchaApi.host });
const body = JSON.stringify({ CaptchaType: 9, Ticket: 'tr03x*', UserIp: '203.0.113.7', Randstr: '@x', CaptchaAppId: Number(emu.appId), AppSecretKey: 'k' });
const now = Math.floor(Date.now() / 1000);
for (let i = 0; i < 2000; i++) await signer.sign({ timestamp: now, payload: body });
const s0 = performance.now();
for (let i = 0; i < 20_000; i++) await signer.sign({ timestamp: now, payload: body });
const signRow = { scenario: 'TC3 signature (cached day key)', 'µs/call': Number((((performance.now() - s0) / 20_000) * 1000).toFixed(1)) };
rows.push(signRow);
console.log(signRow);

// 4. Memory store: bounded by entries whatever the traffic.
globalThis.gc?.();
const heap0 = process.memoryUsage().heapUsed;
const store = createMemoryStore({ maxEntries: 100_000 });
const req = (i) => ({
  replayKey: `replay:trerror_1001_${emu.appId}_${now}_${i.toString(36)}`,
  replayTtlMs: 300_000,
  counters: [
    { scope: 'per_ip', key: `ip:10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:0`, limit: 1_000_000, ttlMs: 60_000 },
    { scope: 'global', key: 'global:0', limit: 1_000_000_000, ttlMs: 60_000 },
  ],
  nowMs: Date.now(),
});
for (let i = 0; i < 500_000; i++) await store.acceptDegraded(req(i));
globalThis.gc?.();
const heapMiB = Number(((process.memoryUsage().heapUsed - heap0) / 2 ** 20).toFixed(1));
const memRow = {
  scenario: 'memory store after 500,000 distinct degraded acceptances (maxEntries 100,000)',
  // Reading `store.size` after the measurement keeps the store alive through it.
  entries: store.size,
  'heap MiB': heapMiB,
};
rows.push(memRow);
console.log(memRow);

await verifier.close();
await fetchVerifier.close();
await dr.close();
emu.stop();
console.log(`\nNode ${process.version}, ${CALLS} calls at concurrency ${CONCURRENCY} per throughput row.`);
console.table(rows);
