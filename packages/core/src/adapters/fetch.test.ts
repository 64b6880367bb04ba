import { describe, expect, it } from 'vitest';
import { CREDENTIALS, ENDPOINT, createFakeTencent } from '../../test/helpers/fake-tencent.js';
import { createCaptchaVerifier } from '../verifier.js';
import { createVerdictResponse, readCaptchaFields, verifyFetchRequest } from './fetch.js';

const URL_ = 'https://app.example/login';
const T = 'tr03XaCUZPAlPdIMqv17-KQ*';
const R = '@EcL';
const getUserIp = (r: Request) => r.headers.get('cf-connecting-ip');

function setup() {
  const tencent = createFakeTencent();
  const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint: ENDPOINT, fetch: tencent.fetch, retry: { enabled: false } });
  return { tencent, verifier };
}

const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request(URL_, { method: 'POST', body, headers: { 'cf-connecting-ip': '203.0.113.7', ...headers } });

describe('readCaptchaFields()', () => {
  it('reads a JSON body', async () => {
    const req = post(JSON.stringify({ 'tencent-captcha-ticket': T, 'tencent-captcha-randstr': R, user: 'a' }), { 'content-type': 'application/json' });
    await expect(readCaptchaFields(req)).resolves.toEqual({ ticket: T, randstr: R });
    // The original body is still there for the route.
    await expect(req.json()).resolves.toMatchObject({ user: 'a' });
  });

  it('reads an urlencoded body', async () => {
    const req = post(new URLSearchParams({ 'tencent-captcha-ticket': T, 'tencent-captcha-randstr': R }));
    await expect(readCaptchaFields(req)).resolves.toEqual({ ticket: T, randstr: R });
  });

  it('reads a multipart body', async () => {
    const form = new FormData();
    form.set('tencent-captcha-ticket', T);
    form.set('tencent-captcha-randstr', R);
    form.set('avatar', new Blob(['x']), 'a.png');
    await expect(readCaptchaFields(post(form))).resolves.toEqual({ ticket: T, randstr: R });
  });

  it('reads the headers when the body has no fields', async () => {
    const req = post(JSON.stringify({ user: 'a' }), { 'content-type': 'application/json', 'x-tencent-captcha-ticket': T, 'x-tencent-captcha-randstr': R });
    await expect(readCaptchaFields(req)).resolves.toEqual({ ticket: T, randstr: R });
    await expect(readCaptchaFields(new Request(URL_, { headers: { 'x-tencent-captcha-ticket': T, 'x-tencent-captcha-randstr': R } }))).resolves.toEqual({ ticket: T, randstr: R });
  });

  it('prefers body fields over headers', async () => {
    const req = post(JSON.stringify({ 'tencent-captcha-ticket': T }), { 'content-type': 'application/json', 'x-tencent-captcha-ticket': 'tr03other*', 'x-tencent-captcha-randstr': R });
    await expect(readCaptchaFields(req)).resolves.toEqual({ ticket: T, randstr: R });
  });

  it.each([
    ['malformed JSON', post('{"tencent-captcha-ticket":', { 'content-type': 'application/json' })],
    ['JSON that is not an object', post('"x"', { 'content-type': 'application/json' })],
    ['non-string JSON fields', post(JSON.stringify({ 'tencent-captcha-ticket': 1, 'tencent-captcha-randstr': ['@x'] }), { 'content-type': 'application/json' })],
    ['an unknown content type', post('tencent-captcha-ticket=x', { 'content-type': 'text/plain' })],
    ['a body over the limit', post(JSON.stringify({ 'tencent-captcha-ticket': T, pad: 'x'.repeat(2000) }), { 'content-type': 'application/json' })],
  ])('finds nothing, without throwing, in %s', async (_name, req) => {
    await expect(readCaptchaFields(req, { maxBodyBytes: 1000 })).resolves.toEqual({ ticket: undefined, randstr: undefined });
  });

  it('finds nothing in a body already read', async () => {
    const req = post(JSON.stringify({ 'tencent-captcha-ticket': T }), { 'content-type': 'application/json' });
    await req.text();
    await expect(readCaptchaFields(req)).resolves.toEqual({ ticket: undefined, randstr: undefined });
  });
});

describe('verifyFetchRequest()', () => {
  it('verifies with the fields, the IP from the getter and the route mode', async () => {
    const { verifier, tencent } = setup();
    tencent.reply({ apiError: 'InternalError' });
    const req = post(JSON.stringify({ 'tencent-captcha-ticket': T, 'tencent-captcha-randstr': R }), { 'content-type': 'application/json' });
    const verdict = await verifyFetchRequest(verifier, req, { getUserIp, mode: 'closed' });
    expect(verdict).toMatchObject({ accepted: false, reason: 'upstream_internal_error', mode: 'closed' });
    expect(tencent.calls[0]!.body).toMatchObject({ Ticket: T, Randstr: R, UserIp: '203.0.113.7' });
  });

  it('uses custom getters instead of the body', async () => {
    const { verifier, tencent } = setup();
    const req = new Request(`${URL_}?t=${encodeURIComponent(T)}`, { headers: { 'cf-connecting-ip': '203.0.113.7' } });
    const verdict = await verifyFetchRequest(verifier, req, { getUserIp, getTicket: (r) => new URL(r.url).searchParams.get('t'), getRandstr: () => R });
    expect(verdict.status).toBe('verified');
    expect(tencent.calls[0]!.body).toMatchObject({ Ticket: T });
  });

  it('returns ticket_missing without calling Tencent when nothing was sent', async () => {
    const { verifier, tencent } = setup();
    await expect(verifyFetchRequest(verifier, post(null), { getUserIp })).resolves.toMatchObject({ reason: 'ticket_missing' });
    expect(tencent.calls).toHaveLength(0);
  });

  it('rejects with the request signal’s reason when the client goes away', async () => {
    const { verifier, tencent } = setup();
    tencent.reply({ hang: true });
    const controller = new AbortController();
    const req = new Request(URL_, { method: 'POST', signal: controller.signal, headers: { 'x-tencent-captcha-ticket': T, 'x-tencent-captcha-randstr': R, 'cf-connecting-ip': '203.0.113.7' } });
    const p = verifyFetchRequest(verifier, req, { getUserIp });
    const reason = new Error('client gone');
    setTimeout(() => controller.abort(reason), 5);
    await expect(p).rejects.toBe(reason);
  });
});

describe('createVerdictResponse()', () => {
  it.each([
    [{ captchaCode: 1 }, {}, 200, undefined, 'verified'],
    [{ captchaCode: 8 }, {}, 403, undefined, 'ticket_expired'],
    [{ captchaCode: 100 }, {}, 503, undefined, 'misconfigured'],
    [{ apiError: 'InternalError' }, { mode: 'closed' as const }, 503, '10', 'upstream_internal_error'],
  ] as const)('answers %j with the mapped status', async (reply, opts, status, retryAfter, code) => {
    const { verifier, tencent } = setup();
    tencent.reply(reply);
    const res = createVerdictResponse(await verifier.verify({ ticket: T, randstr: R, userIp: '203.0.113.7' }, opts));
    expect(res.status).toBe(status);
    expect(res.headers.get('retry-after') ?? undefined).toBe(retryAfter);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    await expect(res.json()).resolves.toEqual({ code, message: expect.any(String) });
  });

  it('answers 400 for missing input', async () => {
    const { verifier } = setup();
    const res = createVerdictResponse(await verifier.verify({ ticket: '', randstr: R, userIp: '203.0.113.7' }));
    expect(res.status).toBe(400);
    await expect(res.json()).resolves.toEqual({ code: 'ticket_missing', message: 'The captcha ticket is missing.' });
  });
});
