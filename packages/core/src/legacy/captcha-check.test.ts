// The CaptchaCheck client without a network: v2 signing (Tencent's L1–L4 vectors through the code that
// signs our requests), the form it sends, and how every legacy answer maps into the one reason table.
import { LEGACY_CODES, buildV2StringToSign, signV2StringToSign } from '@tencent-captcha/protocol';
import { describe, expect, it } from 'vitest';
import { decide } from '../decision/policy.js';
import { describeVerdictReason } from '../decision/reasons.js';
import type { Transport, TransportRequest } from '../network/transport.js';
import { classifyCaptchaCheckResponse, createCaptchaCheckClient } from './captcha-check.js';
import { normaliseLegacyOptions } from './options.js';
import { buildLegacyForm, createNonce, signLegacyParams } from './request.js';

describe('v2 signing (protocol.md §4.8 vectors, as our requests are signed)', () => {
  const L2 = { Action: 'DescribeInstances', Nonce: '1290303896666895346', Region: 'ap-guangzhou', SecretId: 'secretIdFoo', Timestamp: 1512393162, Version: '2017-03-12' };

  it('L1: GET, HmacSHA1, mixed-case keys, `.` keys', async () => {
    const params = {
      Action: 'DescribeInstances', Nonce: 11886, Region: 'gz', SecretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA',
      Timestamp: 1465185768, 'instanceIds.0': 'ins-09dx96dg', limit: 20, offset: 0,
    };
    const signature = await signLegacyParams({ method: 'GET', host: 'cvm.api.qcloud.com', path: '/v2/index.php', params, secretKey: 'Gu5t9xGARNpq86cd98joQYCN3Cozk1qA', signatureMethod: 'HmacSHA1' });
    expect(signature).toBe('NSI3UqqD99b/UJb4tbG/xZpRW64=');
    expect(new URLSearchParams({ Signature: signature }).toString()).toBe('Signature=NSI3UqqD99b%2FUJb4tbG%2FxZpRW64%3D');
  });

  it.each([
    ['L2', 'POST', 'HmacSHA1', 'p3n+pxBqF5JGZtDSxoVn5tGngf0='],
    ['L3', 'GET', 'HmacSHA1', '5HAq1BOKNLEE2/uauWnp6Zv9Z3c='],
    ['L4', 'POST', 'HmacSHA256', 'B2T37FRSP6Fk0/q/cdfrTE0p3zX5ooB/2BPWZUFpsj4='],
  ] as const)('%s: %s with SignatureMethod=%s', async (_name, method, signatureMethod, expected) => {
    const params = { ...L2, SignatureMethod: signatureMethod };
    const signature = await signLegacyParams({ method, host: 'cvm.api.qcloud.com', path: '/v2/index.php', params, secretKey: 'secretKeyBar', signatureMethod });
    expect(signature).toBe(expected);
  });
});

describe('the CaptchaCheck request', () => {
  const legacy = normaliseLegacyOptions({ captchaAppId: 1, secretId: 'AKIDfoo', secretKey: 'secretKeyBar-long', env: {}, businessId: 7, sceneId: 3 }).legacy;
  const context = { host: 'csec.api.qcloud.com', path: '/v2/index.php', region: 'gz', signatureMethod: 'HmacSHA256' as const, now: () => 1_700_000_000_123 };
  const KEY = { secretId: 'AKIDfoo', secretKey: 'secretKeyBar-long', token: undefined };

  it('sends a temporary key\'s Token as a signed parameter (and none for a permanent key)', async () => {
    const body = Object.fromEntries(new URLSearchParams(await buildLegacyForm(context, { ...KEY, token: 'sessionToken123' }, 'CaptchaCheck', { ticket: 't' })));
    const { Signature, ...signed } = body;
    expect(signed.Token).toBe('sessionToken123');
    expect(Signature).toBe(await signV2StringToSign('secretKeyBar-long', buildV2StringToSign({ method: 'POST', host: context.host, path: context.path, params: signed }), 'HmacSHA256'));
    expect(Object.fromEntries(new URLSearchParams(await buildLegacyForm(context, KEY, 'CaptchaCheck', { ticket: 't' })))).not.toHaveProperty('Token');
  });

  it('is a form POST with Region, a fresh Nonce and Timestamp, the shared parameters, and a valid HmacSHA1 signature (the default, no SignatureMethod); no secret key', async () => {
    const sent: TransportRequest[] = [];
    const transport: Transport = {
      connections: 4,
      async send(request) {
        sent.push(request);
        return { status: 200, body: '{"code":0,"codeDesc":"Success","message":"No Error","is_right":0}' };
      },
      name: 'recording',
      warm: () => Promise.resolve(),
      async close() {},
    };
    let clock = 1_700_000_000_000;
    const client = createCaptchaCheckClient({ legacy, transport, now: () => clock });
    await expect(client.call({ ticket: 't02abc*', randstr: '@x', userIp: '203.0.113.9' }, { cancel: null }, '', KEY)).resolves.toMatchObject({ kind: 'answer', response: { CaptchaCode: 1 } });
    clock += 1000;
    await client.call({ ticket: 't02abc*', randstr: '', userIp: '203.0.113.9' }, { cancel: null }, '', KEY);
    expect(sent[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const [first, second] = sent.map((r) => Object.fromEntries(new URLSearchParams(r.body)));
    expect(first).toMatchObject({
      Action: 'CaptchaCheck', Region: 'gz', SecretId: 'AKIDfoo', Timestamp: '1700000000',
      ticket: 't02abc*', userIp: '203.0.113.9', captchaType: '9', disturbLevel: '1', accountType: '0', businessId: '7', sceneId: '3',
    });
    expect(first!.randstr).toBeUndefined();
    expect(first).not.toHaveProperty('SignatureMethod');
    expect(second!.Timestamp).toBe('1700000001');
    expect(first!.Nonce).toMatch(/^[1-9]\d*$/);
    expect(second!.Nonce).not.toBe(first!.Nonce);
    for (const r of sent) expect(r.body).not.toContain('secretKeyBar');
    // The server side's check: recompute the signature from what was sent.
    const { Signature, ...signed } = first!;
    const expected = await signV2StringToSign('secretKeyBar-long', buildV2StringToSign({ method: 'POST', host: 'csec.api.qcloud.com', path: '/v2/index.php', params: signed }), 'HmacSHA1');
    expect(Signature).toBe(expected);
  });

  it('signs with HmacSHA1 without a SignatureMethod parameter (absent means HmacSHA1, as in the legacy docs)', async () => {
    const body = Object.fromEntries(new URLSearchParams(await buildLegacyForm({ ...context, signatureMethod: 'HmacSHA1' }, KEY, 'CaptchaCheck', { ticket: 't' })));
    const { Signature, ...signed } = body;
    expect(body).not.toHaveProperty('SignatureMethod');
    expect(Signature).toBe(await signV2StringToSign('secretKeyBar-long', buildV2StringToSign({ method: 'POST', host: context.host, path: context.path, params: signed }), 'HmacSHA1'));
  });

  it('draws nonces from a 63-bit range', () => {
    const nonces = new Set(Array.from({ length: 200 }, () => createNonce()));
    expect(nonces.size).toBe(200);
    for (const n of nonces) expect(BigInt(n) > 0n && BigInt(n) < 2n ** 63n).toBe(true);
  });

  it('a transport error is a failure outcome, not an exception', async () => {
    const refused: Transport = {
      connections: 1,
      send: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
      name: 'recording',
      warm: () => Promise.resolve(),
      async close() {},
    };
    const client = createCaptchaCheckClient({ legacy, transport: refused, now: Date.now });
    await expect(client.call({ ticket: 't', randstr: '', userIp: '203.0.113.9' }, { cancel: null }, '', KEY)).resolves.toEqual({
      kind: 'failure', failure: 'upstream_unreachable', detail: 'ECONNREFUSED', notSent: true,
    });
  });
});

describe('every legacy code → the one reason table', () => {
  const answer = (code: number | string, extra: Record<string, unknown> = {}) => JSON.stringify({ code, codeDesc: 'X', message: 'm', ...extra });
  const verdictOf = (status: number, body: string, disaster = false) => {
    const outcome = classifyCaptchaCheckResponse(status, body, disaster);
    const decision = decide({
      mode: 'closed', outcome, attempts: 1, breaker: 'closed', maxEvilLevel: 99, maxScore: 100,
      disasterTicket: disaster ? { prefix: 'terror_', errorCode: 1001, appId: '1', timestamp: 1 } : null,
    });
    return { outcome, reason: decision.type === 'final' ? decision.reason : decision.cause, accepted: decision.type === 'final' && decision.accepted };
  };

  it('0 is verified (is_right is ignored, 0 in Tencent\'s own example)', () => {
    expect(verdictOf(200, answer(0, { is_right: 0 }))).toMatchObject({ reason: 'verified', accepted: true, outcome: { response: { CaptchaCode: 1 } } });
    expect(verdictOf(200, answer('0'))).toMatchObject({ reason: 'verified' });
  });

  it('5100 is ticket_invalid (403); for a disaster ticket it is CaptchaCode 21, so the disaster policy decides', () => {
    const rejected = verdictOf(200, answer(5100, { is_right: 0 }));
    expect(rejected).toMatchObject({ reason: 'ticket_invalid', accepted: false, outcome: { response: { CaptchaCode: 15 } } });
    expect(describeVerdictReason(rejected.reason).httpStatus).toBe(403);
    expect(verdictOf(200, answer(5100), true)).toMatchObject({ reason: 'disaster_ticket', outcome: { response: { CaptchaCode: 21 } } });
  });

  const expectations: Record<number, string> = { 4000: 'upstream_bad_request', 4400: 'upstream_rate_limited', 6000: 'upstream_internal_error', 6200: 'upstream_internal_error' };
  const documented = [...LEGACY_CODES.keys()].filter((c) => c !== 0 && c !== 5100);
  it.each(documented)('code %i', (code) => {
    const { outcome, reason } = verdictOf(200, answer(code));
    expect(outcome).toMatchObject({ kind: 'api_error', code: String(code), message: 'X: m', requestId: null });
    expect(reason).toBe(expectations[code] ?? 'misconfigured');
    const info = describeVerdictReason(reason);
    // Misconfiguration and bad requests are our side: 503 without Retry-After / 400; outages 503 + Retry-After.
    if (reason === 'misconfigured') expect([info.httpStatus, info.retryAfter]).toEqual([503, false]);
    if (reason === 'upstream_internal_error') expect(info.status).toBe('degraded');
  });

  it('an undocumented code is misconfigured (never opens the gate)', () => {
    expect(verdictOf(200, answer(7777)).reason).toBe('misconfigured');
  });

  it.each([
    ['HTTP 502', 502, '<html>', 'upstream_error'],
    ['HTTP 429', 429, '', 'upstream_rate_limited'],
    ['malformed JSON', 200, '{"code":0', 'upstream_error'],
    ['no code', 200, '{"message":"ok"}', 'upstream_error'],
    ['a fractional code', 200, '{"code":0.5}', 'upstream_error'],
    ['an array', 200, '[0]', 'upstream_error'],
  ] as const)('%s', (_name, status, body, reason) => {
    expect(verdictOf(status, body).reason).toBe(reason);
  });
});
