/**
 * The attacks of design §3.2a, played against the emulator over real HTTP while it is healthy. The
 * invariant: while Tencent is healthy, no sequence of requests raises degraded acceptances above the
 * healthy budgets. Bounded in count and time; loopback only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEmulator } from '@tencent-captcha/emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CaptchaVerifierOptions } from './types/options.js';
import type { CaptchaStore } from './stores/contract.js';
import { createCaptchaVerifier } from './engine/verifier.js';
import type { CaptchaVerdict } from './types/verdict.js';
import type { CaptchaVerifier } from './types/verifier.js';
import { startEmulatorProcess } from '../test/helpers/emulator-process.js';

type Emulator = Awaited<ReturnType<typeof createEmulator>>;
let emulator: Emulator;
const open: CaptchaVerifier[] = [];
const HEALTHY = { perIp: 3, global: 30 };

beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
});
afterEach(async () => {
  emulator.faults.clear();
  await Promise.all(open.splice(0).map((v) => v.close()));
});
afterAll(async () => {
  await emulator.close();
});

function verifierFor(options: CaptchaVerifierOptions = {}): CaptchaVerifier {
  const v = createCaptchaVerifier({
    captchaAppId: emulator.appId,
    appSecretKey: emulator.appSecretKey,
    secretId: emulator.secretId,
    secretKey: emulator.secretKey,
    endpoint: emulator.apiUrl,
    env: {},
    ...options,
  });
  open.push(v);
  return v;
}

const junk = (i: number) => ({ ticket: `tr03junk${i}AAAA*`, randstr: `@j${i}`, userIp: `198.51.${(i >> 8) & 255}.${i & 255}` });
const forged = (i: number, ip: string) => ({
  ticket: `trerror_1001_${emulator.appId}_${Math.floor(Date.now() / 1000)}`,
  randstr: `@forged${i}`,
  userIp: ip,
});
const count = (verdicts: CaptchaVerdict[], predicate: (v: CaptchaVerdict) => boolean) => verdicts.filter(predicate).length;

describe('attack: saturating the verifier opens the breaker', () => {
  it.each([50, 100])('keeps the breaker closed and accepts no more than the healthy budget with %i ms answers', async (latencyMs) => {
    emulator.faults.set('api', { kind: 'latency', ms: latencyMs });
    const verifier = verifierFor({ budgets: HEALTHY });
    // 2,500 junk tickets at once: far more than 64 connections can carry within the deadline.
    const verdicts = await Promise.all(Array.from({ length: 2500 }, (_, i) => verifier.verify(junk(i))));
    const accepted = count(verdicts, (v) => v.accepted);
    const overloaded = count(verdicts, (v) => v.reason === 'overloaded');
    expect(verifier.breakerState).toBe('closed');
    expect(accepted).toBeLessThanOrEqual(HEALTHY.global);
    // The flood was real: part of it was refused locally, as overload, with Retry-After.
    expect(overloaded).toBeGreaterThan(0);
    for (const v of verdicts.filter((x) => x.reason === 'overloaded')) {
      expect(v).toMatchObject({ status: 'rejected', accepted: false, branch: 'overloaded', attempts: 0, retryAfterSeconds: 1 });
    }
    // Nothing the flood produced counts as degraded.
    expect(count(verdicts, (v) => v.status === 'degraded')).toBe(0);

    // Right after, one IP tries 20 forged disaster tickets: the healthy per-IP budget holds.
    emulator.faults.clear();
    const after = await Promise.all(Array.from({ length: 20 }, (_, i) => verifier.verify(forged(i, '203.0.113.50'))));
    expect(count(after, (v) => v.accepted)).toBeLessThanOrEqual(HEALTHY.perIp);
    expect(verifier.breakerState).toBe('closed');
  }, 30_000);

  it('refuses at once when the local queue is full, without touching the network', async () => {
    emulator.faults.set('api', { kind: 'latency', ms: 200 });
    const verifier = verifierFor({ maxConnections: 2, maxQueued: 3 });
    const verdicts = await Promise.all(Array.from({ length: 10 }, (_, i) => verifier.verify(junk(i))));
    // 2 on the wire, 3 waiting, 5 refused straight away.
    expect(count(verdicts, (v) => v.reason === 'overloaded')).toBe(5);
    expect(count(verdicts, (v) => v.attempts === 1)).toBe(5);
    expect(verifier.breakerState).toBe('closed');
  });
});

describe('attack: lagging the event loop makes Tencent look slow', () => {
  const busy = (ms: number) => {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      // A synchronous stall of this process, as a flood of CPU work would cause.
    }
  };

  it('takes an answer that arrived while the loop was blocked, instead of timing out', async () => {
    // Tencent in a process of its own, so that its answer really lands in the socket while this one is
    // blocked (an emulator in this process could not answer before the block ends).
    const remote = await startEmulatorProcess(0);
    try {
      const options = { captchaAppId: remote.appId, appSecretKey: remote.appSecretKey, secretId: remote.secretId, secretKey: remote.secretKey, endpoint: remote.apiUrl, logger: false } as const;
      // Warm the emulator process first with default timeouts (its first answers are slow while it compiles).
      const warmer = createCaptchaVerifier(options);
      for (let i = 0; i < 3; i++) await warmer.verify(junk(i));
      await warmer.close();
      const verifier = createCaptchaVerifier({ ...options, attemptTimeoutMs: 200, deadlineMs: 2000, retry: { enabled: false }, breaker: { failureThreshold: 1 } });
      await verifier.verify(junk(0)); // warm the connection
      expect(verifier.breakerState).toBe('closed');
      const faults = `${remote.controlUrl}/faults`;
      await fetch(faults, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ target: 'api', fault: { kind: 'latency', ms: 30 }, times: 1 }) });
      const t = await remote.issueTicket();
      const p = verifier.verify({ ticket: t.ticket, randstr: t.randstr, userIp: '203.0.113.1' });
      // Block once Tencent has the request (it took its one latency fault), not after a fixed wait: on
      // a loaded machine the request may not be written 10 ms after verify() was called.
      let pending = 1;
      for (let i = 0; i < 200 && pending > 0; i++) {
        pending = ((await (await fetch(faults)).json()) as { api: unknown[] }).api.length;
        if (pending > 0) await new Promise((r) => setTimeout(r, 5));
      }
      expect(pending, 'the emulator got the request').toBe(0);
      busy(330); // the answer lands in the socket ~30 ms into the block; the attempt timer is due at 200 ms
      await expect(p).resolves.toMatchObject({ status: 'verified' });
      expect(verifier.breakerState).toBe('closed');
      await verifier.close();
    } finally {
      await remote.close();
    }
  });

  it('refuses as overloaded, and keeps the breaker closed, when the timer fires far too late to judge Tencent', async () => {
    emulator.faults.set('api', { kind: 'hang' });
    const verifier = verifierFor({ attemptTimeoutMs: 200, deadlineMs: 3000, retry: { enabled: false }, breaker: { failureThreshold: 1 } });
    const p = verifier.verify(junk(1));
    await new Promise((r) => setTimeout(r, 10));
    busy(800);
    await expect(p).resolves.toMatchObject({ accepted: false, reason: 'overloaded', status: 'rejected' });
    expect(verifier.breakerState).toBe('closed');
  });
});

describe('attack: aborting the half-open probe keeps the breaker open', () => {
  it('closes the breaker within 6 probe cycles whose clients disconnect after 5 ms', async () => {
    const onBreakerClose = vi.fn();
    const verifier = verifierFor({ breaker: { failureThreshold: 1, halfOpenAfterMs: 100 }, retry: { enabled: false }, hooks: { onBreakerClose } });
    // A real blip opens the breaker.
    emulator.faults.set('api', { kind: 'internal-error' }, { times: 1 });
    await verifier.verify(junk(1));
    expect(verifier.breakerState).toBe('open');
    // Tencent is healthy again but slower than the attacker's patience.
    emulator.faults.set('api', { kind: 'latency', ms: 30 });
    for (let cycle = 0; cycle < 6 && verifier.breakerState !== 'closed'; cycle++) {
      await new Promise((r) => setTimeout(r, 110));
      const controller = new AbortController();
      const p = verifier.verify(junk(10 + cycle), { signal: controller.signal });
      setTimeout(() => controller.abort(new Error('client went away')), 5);
      await expect(p).rejects.toThrow('client went away');
      // Let the abandoned probe finish on its own.
      await new Promise((r) => setTimeout(r, 60));
    }
    expect(verifier.breakerState).toBe('closed');
    expect(onBreakerClose).toHaveBeenCalledTimes(1);
  });

  it('does not count a cancelled request as a failure while the breaker is closed', async () => {
    const verifier = verifierFor({ breaker: { failureThreshold: 1, halfOpenAfterMs: 60_000 }, retry: { enabled: false } });
    emulator.faults.set('api', { kind: 'hang' });
    for (let i = 0; i < 5; i++) {
      const controller = new AbortController();
      const p = verifier.verify(junk(i), { signal: controller.signal });
      setTimeout(() => controller.abort(new Error('gone')), 5);
      await expect(p).rejects.toThrow('gone');
    }
    expect(verifier.breakerState).toBe('closed');
  });
});

/** A server that answers with an endless (but bounded) stream, counting what it managed to send. */
async function startFloodServer(mode: 'chunked' | 'length'): Promise<{ url: string; sent: () => number; server: Server }> {
  let sent = 0;
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const total = 100 * 1024 * 1024;
      res.writeHead(200, mode === 'length' ? { 'content-type': 'application/json', 'content-length': String(total) } : { 'content-type': 'application/json' });
      res.write('{"Response":{"CaptchaCode":1,"CaptchaMsg":"');
      const pump = (): void => {
        while (sent < total) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end('"}}');
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, sent: () => sent, server };
}

describe('attack: an unbounded answer fills memory', () => {
  it.each([
    ['undici', 'chunked'],
    ['undici', 'length'],
    ['fetch', 'chunked'],
    ['fetch', 'length'],
  ] as const)('%s stops reading a %s answer over the cap and fails the attempt', async (transport, mode) => {
    const flood = await startFloodServer(mode);
    try {
      const verifier = verifierFor({
        endpoint: flood.url,
        retry: { enabled: false },
        ...(transport === 'fetch' ? { fetch: globalThis.fetch } : {}),
      });
      const before = process.memoryUsage().rss;
      const verdict = await verifier.verify(junk(1));
      // Never parsed as CaptchaCode 1: an upstream error (degraded candidate), not verified.
      expect(verdict.status).not.toBe('verified');
      expect(verdict.reason).toBe('upstream_error');
      expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
      // The connection was dropped long before 100 MB went out.
      await new Promise((r) => setTimeout(r, 50));
      expect(flood.sent()).toBeLessThan(20 * 1024 * 1024);
    } finally {
      flood.server.closeAllConnections();
      await new Promise((r) => flood.server.close(r));
    }
  });
});

describe('attack: one route spends another route’s budget', () => {
  it('keeps per-route budgets apart', async () => {
    const verifier = verifierFor({ budgets: { ...HEALTHY, outagePerIp: 5 } });
    const ip = '203.0.113.77';
    // The comments route (open) is spent by one IP …
    const comments = await Promise.all(Array.from({ length: 8 }, (_, i) => verifier.verify(forged(i, ip), { mode: 'open', budgetScope: 'POST_/comments' })));
    expect(count(comments, (v) => v.accepted)).toBeGreaterThan(0);
    expect(comments.some((v) => v.reason === 'budget_exhausted')).toBe(true);
    // … and a genuine disaster user from the same IP still gets through at login.
    await expect(verifier.verify(forged(100, ip), { budgetScope: 'POST_/login' })).resolves.toMatchObject({ accepted: true, reason: 'disaster_ticket' });
  });

  it('refuses a budget scope that is not printable ASCII', async () => {
    const verifier = verifierFor();
    await expect(verifier.verify(junk(1), { budgetScope: 'has space' })).rejects.toMatchObject({ code: 'invalid_option', option: 'budgetScope' });
  });
});

describe('smaller holes', () => {
  it('does not accept when a custom store answers a truthy non-true value', async () => {
    const store: CaptchaStore = { acceptDegraded: async () => ({ accepted: 'no' }) as never };
    const verifier = verifierFor({ store });
    await expect(verifier.verify(forged(1, '203.0.113.9'))).resolves.toMatchObject({ accepted: false, reason: 'store_unavailable' });
  });

  it('reports misconfiguration at most once a minute, however often an attacker triggers it', async () => {
    const onMisconfiguration = vi.fn();
    const error = vi.fn();
    const verifier = verifierFor({ hooks: { onMisconfiguration }, logger: { error } });
    emulator.faults.set('api', { kind: 'captcha-code', code: 100 });
    const verdicts = await Promise.all(Array.from({ length: 50 }, (_, i) => verifier.verify(junk(i))));
    expect(count(verdicts, (v) => v.reason === 'misconfigured' && !v.accepted)).toBe(50);
    expect(onMisconfiguration).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledTimes(1);
  });

  it('never accepts an HTTP 429 and does not open the breaker with it', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(429, { 'retry-after': '1' }).end('Too Many Requests'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const verifier = verifierFor({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, mode: 'open', breaker: { failureThreshold: 1 } });
      const verdicts = await Promise.all(Array.from({ length: 5 }, (_, i) => verifier.verify(forged(i, `203.0.113.${i + 1}`))));
      for (const v of verdicts) expect(v).toMatchObject({ accepted: false, reason: 'upstream_rate_limited' });
      expect(verifier.breakerState).toBe('closed');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
