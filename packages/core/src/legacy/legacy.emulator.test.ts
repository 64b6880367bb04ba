// The legacy verifier over real HTTP (undici, the default transport) against the emulator's
// `/v2/index.php`: CaptchaCheck verdicts, the second use refused locally, input rules, API faults under
// the policy, misconfiguration without secrets, and getScriptUrl's URL and typed errors.
import { createServer, type AddressInfo } from 'node:net';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import { buildDisasterTicket } from '@tencent-captcha/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MisconfigurationEvent } from '../types/options.js';
import { httpResponseForVerdict } from '../decision/reasons.js';
import { LegacyScriptUrlError } from './script-url.js';
import { createLegacyCaptchaVerifier, type LegacyCaptchaVerifier } from './verifier.js';
import type { LegacyCaptchaVerifierOptions } from './options.js';

const USER_IP = '203.0.113.7';
let emulator: Emulator;
const open: LegacyCaptchaVerifier[] = [];

beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
  // Load undici once: a cold first request is slow enough on a busy machine to be taken for local overload.
  await legacyVerifier().verify({ ticket: emulator.issueLegacyTicket().ticket, randstr: '', userIp: USER_IP });
});
afterEach(async () => {
  emulator.faults.clear();
  await Promise.all(open.splice(0).map((v) => v.close()));
});
afterAll(async () => {
  await emulator.close();
});

function legacyVerifier(options: LegacyCaptchaVerifierOptions = {}): LegacyCaptchaVerifier {
  const v = createLegacyCaptchaVerifier({
    captchaAppId: emulator.appId,
    secretId: emulator.secretId,
    secretKey: emulator.secretKey,
    endpoint: emulator.legacyApiUrl,
    env: {},
    retry: { enabled: false },
    logger: false,
    ...options,
  });
  open.push(v);
  return v;
}

describe('createLegacyCaptchaVerifier().verify()', () => {
  it('verifies a solved legacy ticket (200) and refuses its second use itself: ticket_reused (403), though Tencent would accept it', async () => {
    const verifier = legacyVerifier();
    const { ticket, randstr } = emulator.issueLegacyTicket();
    const first = await verifier.verify({ ticket, randstr, userIp: USER_IP });
    expect(first).toMatchObject({ status: 'verified', accepted: true, reason: 'verified', captchaCode: 1, attempts: 1, branch: 'tencent_answer' });
    expect(httpResponseForVerdict(first).status).toBe(200);
    const replay = await verifier.verify({ ticket, randstr, userIp: USER_IP });
    expect(replay).toMatchObject({ status: 'rejected', accepted: false, reason: 'ticket_reused', branch: 'replay_guard', attempts: 1 });
    expect(httpResponseForVerdict(replay)).toMatchObject({ status: 403, body: { code: 'ticket_reused' } });
    // Tencent's own limit (two checks) then answers 5100.
    expect((await verifier.verify({ ticket, randstr, userIp: USER_IP })).reason).toBe('ticket_invalid');
  });

  it('needs no randstr (the legacy SDK may give none); HmacSHA256 works too', async () => {
    const verifier = legacyVerifier({ signatureMethod: 'HmacSHA256' });
    await expect(verifier.verify({ ticket: emulator.issueLegacyTicket().ticket, randstr: '', userIp: USER_IP })).resolves.toMatchObject({ reason: 'verified' });
    await expect(verifier.verify({ ticket: emulator.issueLegacyTicket().ticket, randstr: undefined, userIp: USER_IP })).resolves.toMatchObject({ reason: 'verified' });
  });

  it('refuses bad input before any request: 400 reasons, attempts 0', async () => {
    const verifier = legacyVerifier();
    const { ticket } = emulator.issueLegacyTicket();
    const cases = [
      [{ ticket: '', randstr: '', userIp: USER_IP }, 'ticket_missing'],
      [{ ticket: 'bad ticket <script>', randstr: '', userIp: USER_IP }, 'ticket_malformed'],
      [{ ticket, randstr: 'white space', userIp: USER_IP }, 'randstr_malformed'],
      [{ ticket, randstr: ['@a'] as never, userIp: USER_IP }, 'randstr_malformed'],
      [{ ticket, randstr: '', userIp: 'not-an-ip' }, 'user_ip_invalid'],
      [null as never, 'ticket_missing'],
    ] as const;
    for (const [input, reason] of cases) {
      const verdict = await verifier.verify(input);
      expect(verdict, reason).toMatchObject({ reason, attempts: 0, branch: 'input' });
      expect(httpResponseForVerdict(verdict).status).toBe(400);
    }
    // None of them spent the ticket.
    await expect(verifier.verify({ ticket, randstr: '', userIp: USER_IP })).resolves.toMatchObject({ reason: 'verified' });
  });

  it('an unknown ticket is ticket_invalid (5100)', async () => {
    await expect(legacyVerifier().verify({ ticket: 't02nonsense*', randstr: '', userIp: USER_IP })).resolves.toMatchObject({ status: 'rejected', reason: 'ticket_invalid', captchaCode: 15 });
  });

  it('a disaster ticket of our app id is degraded (5100 from Tencent reads as 21); another app\'s is refused locally', async () => {
    const verifier = legacyVerifier();
    const ours = buildDisasterTicket({ errorCode: 1001, appId: emulator.appId, prefix: 'terror_' });
    await expect(verifier.verify({ ticket: ours, randstr: '@abc', userIp: USER_IP })).resolves.toMatchObject({ status: 'degraded', accepted: true, reason: 'disaster_ticket', attempts: 1 });
    await expect(verifier.verify({ ticket: ours, randstr: '@abc', userIp: USER_IP }, { mode: 'closed' })).resolves.toMatchObject({ accepted: false, reason: 'disaster_ticket' });
    const theirs = buildDisasterTicket({ errorCode: 1001, appId: '190000000', prefix: 'terror_' });
    await expect(verifier.verify({ ticket: theirs, randstr: '@abc', userIp: USER_IP })).resolves.toMatchObject({ reason: 'disaster_ticket_app_id_mismatch', attempts: 0 });
  });

  it('API hang: the policy decides within the deadline (adaptive accepts as degraded, closed answers 503 + Retry-After)', async () => {
    const verifier = legacyVerifier({ deadlineMs: 1200, attemptTimeoutMs: 800, storeTimeoutMs: 200 });
    emulator.faults.set('api', { kind: 'hang' });
    const started = performance.now();
    const adaptive = await verifier.verify({ ticket: emulator.issueLegacyTicket().ticket, randstr: '', userIp: USER_IP });
    const closed = await verifier.verify({ ticket: emulator.issueLegacyTicket().ticket, randstr: '', userIp: USER_IP }, { mode: 'closed' });
    expect(performance.now() - started).toBeLessThan(2 * 1200 + 200);
    expect(adaptive).toMatchObject({ status: 'degraded', accepted: true, reason: 'upstream_timeout' });
    expect(closed).toMatchObject({ status: 'degraded', accepted: false, reason: 'upstream_timeout', branch: 'mode_closed' });
    expect(httpResponseForVerdict(closed)).toMatchObject({ status: 503, headers: { 'retry-after': expect.any(String) } });
  });

  it.each([
    [{ kind: 'internal-error' }, 'upstream_internal_error', 'degraded'],
    [{ kind: 'captcha-code', code: 26 }, 'upstream_internal_error', 'degraded'],
    [{ kind: 'http-error', status: 502 }, 'upstream_error', 'degraded'],
    [{ kind: 'malformed-json' }, 'upstream_error', 'degraded'],
    [{ kind: 'connection-reset' }, 'upstream_unreachable', 'degraded'],
    [{ kind: 'request-limit-exceeded' }, 'upstream_rate_limited', 'degraded'],
    [{ kind: 'api-error', code: 'UnauthorizedOperation.Unauthorized' }, 'misconfigured', 'rejected'],
  ] as const)('API fault %j → %s', async (fault, reason, status) => {
    const verifier = legacyVerifier({ mode: 'closed' });
    emulator.faults.set('api', fault, { times: 1 });
    await expect(verifier.verify({ ticket: emulator.issueLegacyTicket().ticket, randstr: '', userIp: USER_IP })).resolves.toMatchObject({ reason, status, accepted: false });
  });

  it('a wrong secret key is misconfigured (503, reported once), with no secret in the verdict, the event or the logs', async () => {
    const secretKey = 'wrong-secret-key-5f1d2e9a';
    const events: MisconfigurationEvent[] = [];
    const logs: unknown[] = [];
    const verifier = legacyVerifier({
      secretKey,
      hooks: { onMisconfiguration: (e) => events.push(e) },
      logger: { error: (...args) => logs.push(args), warn: (...args) => logs.push(args), debug: (...args) => logs.push(args) },
    });
    const verdict = await verifier.verify({ ticket: emulator.issueLegacyTicket().ticket, randstr: '', userIp: USER_IP });
    expect(verdict).toMatchObject({ reason: 'misconfigured', branch: 'misconfigured', apiError: { code: '4100' } });
    expect(httpResponseForVerdict(verdict)).toMatchObject({ status: 503, headers: expect.not.objectContaining({ 'retry-after': expect.anything() }) });
    expect(events).toEqual([expect.objectContaining({ source: 'api_error', apiErrorCode: '4100' })]);
    const everything = JSON.stringify([verdict, events, logs, verifier.options, verifier.legacyOptions]);
    expect(everything).not.toContain(secretKey);
    expect(everything).not.toContain(emulator.secretKey);
  });
});

describe('check() (the doctor) on the legacy API', () => {
  it('passes with the right key; a wrong secret key fails api_key (4100) without echoing it', async () => {
    const healthy = await legacyVerifier().check();
    expect(healthy.ok).toBe(true);
    expect(healthy.checks.find((c) => c.name === 'api_key')).toMatchObject({ status: 'pass' });
    const wrongKey = 'wrong-secret-key-42c1';
    const broken = await legacyVerifier({ secretKey: wrongKey }).check();
    expect(broken.ok).toBe(false);
    expect(broken.checks.find((c) => c.name === 'api_key')).toMatchObject({ status: 'fail', summary: expect.stringContaining('4100') });
    expect(JSON.stringify(broken)).not.toContain(wrongKey);
  });
});

describe('getScriptUrl()', () => {
  it('answers the one-time script URL (pc and mobile), loadable once', async () => {
    const verifier = legacyVerifier();
    const pc = await verifier.getScriptUrl({ clientType: 'pc', userIp: USER_IP });
    expect(pc).toMatch(new RegExp(`^${emulator.url}/legacy/TCapIframeApi\\.js\\?.*clientype=2`));
    const mobile = await verifier.getScriptUrl({ clientType: 'mobile' });
    expect(mobile).toContain('clientype=1');
    expect(mobile).not.toBe(pc);
    expect((await fetch(pc)).status).toBe(200);
    expect((await fetch(pc)).status).toBe(403);
  });

  it('chooses a PC or a mobile script from the user agent, and the URL says which (clientype)', async () => {
    const verifier = legacyVerifier();
    const phone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
    const android = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';
    const desktop = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
    expect(new URL(await verifier.getScriptUrl({ userAgent: phone })).searchParams.get('clientype')).toBe('1');
    expect(new URL(await verifier.getScriptUrl({ userAgent: android })).searchParams.get('clientype')).toBe('1');
    expect(new URL(await verifier.getScriptUrl({ userAgent: desktop })).searchParams.get('clientype')).toBe('2');
    // No user agent at all (a bot, a health check): the PC script.
    expect(new URL(await verifier.getScriptUrl({ userAgent: '' })).searchParams.get('clientype')).toBe('2');
    // The page's own word wins over the user agent.
    expect(new URL(await verifier.getScriptUrl({ clientType: 'pc', userAgent: phone })).searchParams.get('clientype')).toBe('2');
    await expect(verifier.getScriptUrl({} as never)).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(verifier.getScriptUrl({ userAgent: 42 } as never)).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('rejects with typed errors and no secret: misconfigured (4100), upstream_error (6000, 5xx), timeout within the deadline, unreachable', async () => {
    const wrongKey = 'wrong-secret-key-77aa';
    await expect(legacyVerifier({ secretKey: wrongKey }).getScriptUrl({ clientType: 'pc' })).rejects.toSatisfy(
      (e: unknown) => e instanceof LegacyScriptUrlError && e.code === 'misconfigured' && e.legacyCode === 4100 && !e.message.includes(wrongKey),
    );
    const verifier = legacyVerifier({ deadlineMs: 300, storeTimeoutMs: 50, attemptTimeoutMs: 200 });
    emulator.faults.sequence('api', [{ kind: 'internal-error' }, { kind: 'http-error', status: 503 }, { kind: 'hang' }]);
    await expect(verifier.getScriptUrl({ clientType: 'pc' })).rejects.toMatchObject({ name: 'LegacyScriptUrlError', code: 'upstream_error', legacyCode: 6000 });
    await expect(verifier.getScriptUrl({ clientType: 'pc' })).rejects.toMatchObject({ code: 'upstream_error', legacyCode: null });
    const started = performance.now();
    await expect(verifier.getScriptUrl({ clientType: 'pc' })).rejects.toMatchObject({ code: 'timeout' });
    expect(performance.now() - started).toBeLessThan(300 + 250);

    const port = await closedPort();
    await expect(legacyVerifier({ endpoint: `http://127.0.0.1:${port}/v2/index.php` }).getScriptUrl({ clientType: 'pc' })).rejects.toMatchObject({ code: 'unreachable' });
  });

  it('rejects bad input with invalid_input, and an abort with the caller\'s reason, untouched', async () => {
    const verifier = legacyVerifier();
    await expect(verifier.getScriptUrl({ clientType: 'tablet' as never })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(verifier.getScriptUrl({ clientType: 'pc', userIp: '999.1.1.1' })).rejects.toMatchObject({ code: 'invalid_input' });
    emulator.faults.set('api', { kind: 'hang' }, { times: 1 });
    const reason = new Error('page request went away');
    const controller = new AbortController();
    const pending = verifier.getScriptUrl({ clientType: 'pc' }, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 20);
    await expect(pending).rejects.toBe(reason);
  });
});

describe('attack: one client floods getScriptUrl()', () => {
  it('300 page views from one client while Tencent answers in 400 ms leave other clients served, not overloaded', async () => {
    const verifier = legacyVerifier();
    emulator.faults.set('api', { kind: 'latency', ms: 400 });
    const flood = Array.from({ length: 300 }, () => verifier.getScriptUrl({ clientType: 'pc', userIp: '198.51.100.9' }).then(() => 'url', (e: LegacyScriptUrlError) => e.code));
    const legit = await Promise.all(Array.from({ length: 10 }, (_, i) => verifier.getScriptUrl({ clientType: 'pc', userIp: `203.0.113.${20 + i}` })));
    expect(legit.every((url) => url.startsWith('http'))).toBe(true);
    const outcomes = await Promise.all(flood);
    // The flooding client alone was held to its share (maxInFlightPerClient, 16).
    expect(outcomes.filter((o) => o === 'url')).toHaveLength(16);
    expect(outcomes.filter((o) => o === 'overloaded')).toHaveLength(284);
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
