import { createServer, request as httpRequest } from 'node:http';
import { createEmulator } from '@tencent-captcha/emulator';
import { describe, expect, it } from 'vitest';
import { CREDENTIALS, ENDPOINT, createFakeTencent } from '../../test/helpers/fake-tencent.js';
import { CaptchaConfigError } from '../config/errors.js';
import { createCaptchaVerifier } from '../engine/verifier.js';
import { MALFORMED_FIELD_VALUE } from './extract.js';
import { createVerdictResponse, fetchRequestBudgetScope, forwardedClientIp, readCaptchaFields, verifyFetchRequest } from './fetch.js';

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
    await expect(readCaptchaFields(req)).resolves.toEqual({ ticket: T, randstr: R, malformed: null });
    // The original body is still there for the route.
    await expect(req.json()).resolves.toMatchObject({ user: 'a' });
  });

  it('reads an urlencoded body', async () => {
    const req = post(new URLSearchParams({ 'tencent-captcha-ticket': T, 'tencent-captcha-randstr': R }));
    await expect(readCaptchaFields(req)).resolves.toEqual({ ticket: T, randstr: R, malformed: null });
  });

  it('reads a multipart body', async () => {
    const form = new FormData();
    form.set('tencent-captcha-ticket', T);
    form.set('tencent-captcha-randstr', R);
    form.set('avatar', new Blob(['x']), 'a.png');
    await expect(readCaptchaFields(post(form))).resolves.toEqual({ ticket: T, randstr: R, malformed: null });
  });

  it('reads a multipart body whose boundary has upper-case letters, as browsers send it', async () => {
    const boundary = '----WebKitFormBoundaryAbCdEfGh12345678';
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="tencent-captcha-ticket"',
      '',
      T,
      `--${boundary}`,
      'Content-Disposition: form-data; name="tencent-captcha-randstr"',
      '',
      R,
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const req = post(body, { 'content-type': `multipart/form-data; boundary=${boundary}` });
    await expect(readCaptchaFields(req)).resolves.toEqual({ ticket: T, randstr: R, malformed: null });
  });

  it('reads the headers when the body has no fields', async () => {
    const req = post(JSON.stringify({ user: 'a' }), { 'content-type': 'application/json', 'x-tencent-captcha-ticket': T, 'x-tencent-captcha-randstr': R });
    await expect(readCaptchaFields(req)).resolves.toEqual({ ticket: T, randstr: R, malformed: null });
    await expect(readCaptchaFields(new Request(URL_, { headers: { 'x-tencent-captcha-ticket': T, 'x-tencent-captcha-randstr': R } }))).resolves.toEqual({ ticket: T, randstr: R, malformed: null });
  });

  it('prefers body fields over headers', async () => {
    const req = post(JSON.stringify({ 'tencent-captcha-ticket': T }), { 'content-type': 'application/json', 'x-tencent-captcha-ticket': 'tr03other*', 'x-tencent-captcha-randstr': R });
    await expect(readCaptchaFields(req)).resolves.toEqual({ ticket: T, randstr: R, malformed: null });
  });

  it.each([
    ['malformed JSON', post('{"tencent-captcha-ticket":', { 'content-type': 'application/json' })],
    ['JSON that is not an object', post('"x"', { 'content-type': 'application/json' })],
    ['an unknown content type', post('tencent-captcha-ticket=x', { 'content-type': 'text/plain' })],
    ['a body over the limit', post(JSON.stringify({ 'tencent-captcha-ticket': T, pad: 'x'.repeat(2000) }), { 'content-type': 'application/json' })],
  ])('finds nothing, without throwing, in %s', async (_name, req) => {
    await expect(readCaptchaFields(req, { maxBodyBytes: 1000 })).resolves.toEqual({ ticket: undefined, randstr: undefined, malformed: null });
  });

  it('finds nothing in a body already read', async () => {
    const req = post(JSON.stringify({ 'tencent-captcha-ticket': T }), { 'content-type': 'application/json' });
    await req.text();
    await expect(readCaptchaFields(req)).resolves.toEqual({ ticket: undefined, randstr: undefined, malformed: null });
  });
});

describe('readCaptchaFields() extraction rule', () => {
  const H = { 'x-tencent-captcha-ticket': T, 'x-tencent-captcha-randstr': R };
  const json = (body: unknown) => post(JSON.stringify(body), { 'content-type': 'application/json', ...H });

  it.each([
    ['a number', 1],
    ['an object', { a: T }],
    ['an array', [T]],
    ['null', null],
    ['an oversized string', 'a'.repeat(2049)],
  ])('refuses %s in a JSON body, without falling back to a valid header', async (_name, value) => {
    await expect(readCaptchaFields(json({ 'tencent-captcha-ticket': value, 'tencent-captcha-randstr': R }))).resolves.toEqual({
      ticket: MALFORMED_FIELD_VALUE,
      randstr: R,
      malformed: 'ticket_malformed',
    });
  });

  it('refuses a repeated urlencoded field (not the first value)', async () => {
    const req = post(new URLSearchParams([['tencent-captcha-ticket', T], ['tencent-captcha-randstr', R], ['tencent-captcha-randstr', '@other']]), H);
    await expect(readCaptchaFields(req)).resolves.toMatchObject({ ticket: T, malformed: 'randstr_malformed' });
  });

  it('refuses a repeated multipart field and a file under the field name', async () => {
    const twice = new FormData();
    twice.append('tencent-captcha-ticket', T);
    twice.append('tencent-captcha-ticket', T);
    twice.set('tencent-captcha-randstr', R);
    await expect(readCaptchaFields(post(twice, H))).resolves.toMatchObject({ malformed: 'ticket_malformed' });
    const file = new FormData();
    file.set('tencent-captcha-ticket', new Blob([T]), 't.txt');
    file.set('tencent-captcha-randstr', R);
    await expect(readCaptchaFields(post(file, H))).resolves.toMatchObject({ malformed: 'ticket_malformed' });
  });

  it('refuses a repeated header', async () => {
    const headers = new Headers({ 'x-tencent-captcha-randstr': R });
    headers.append('x-tencent-captcha-ticket', T);
    headers.append('x-tencent-captcha-ticket', 'tr03other*');
    await expect(readCaptchaFields(new Request(URL_, { headers }))).resolves.toMatchObject({ malformed: 'ticket_malformed' });
  });
});

describe('verifyFetchRequest() input and scopes', () => {
  it('answers ticket_malformed for a bad body field with a valid header, without calling Tencent', async () => {
    const { verifier, tencent } = setup();
    const req = post(JSON.stringify({ 'tencent-captcha-ticket': 7 }), { 'content-type': 'application/json', 'x-tencent-captcha-ticket': T, 'x-tencent-captcha-randstr': R });
    const verdict = await verifyFetchRequest(verifier, req, { getUserIp });
    expect(verdict).toMatchObject({ reason: 'ticket_malformed', accepted: false, attempts: 0 });
    expect(createVerdictResponse(verdict).status).toBe(400);
    expect(tencent.calls).toHaveLength(0);
  });

  it('fetchRequestBudgetScope() normalises the method and path (for a handler of one path)', () => {
    const variants = ['/login', '/login/', '/LOGIN', '//login', '/login?x=1', '/%6Cogin', '/Login//?y'];
    const scopes = new Set(variants.map((path) => fetchRequestBudgetScope(new Request(`https://app.example${path}`, { method: 'POST' }))));
    expect(scopes).toEqual(new Set(['POST_/login']));
    expect(fetchRequestBudgetScope(new Request('https://app.example/', { method: 'HEAD' }))).toBe('GET_/');
    expect(fetchRequestBudgetScope(new Request('https://app.example/x', { method: 'PROPFIND' }))).toBe('*_/x');
  });

  it('passes the scope to verify: the default, a value or a function', async () => {
    const { verifier } = setup();
    const scopes: Array<string | undefined> = [];
    const spy = { ...verifier, verify: (input: Parameters<typeof verifier.verify>[0], o?: Parameters<typeof verifier.verify>[1]) => (scopes.push(o?.budgetScope), verifier.verify(input, o)) };
    await verifyFetchRequest(spy as typeof verifier, post(null), { getUserIp });
    await verifyFetchRequest(spy as typeof verifier, post(null), { getUserIp, budgetScope: 'login' });
    await verifyFetchRequest(spy as typeof verifier, post(null), { getUserIp, budgetScope: (r) => `users-${new URL(r.url).host}` });
    expect(scopes).toEqual(['fetch', 'login', 'users-app.example']);
    await expect(verifyFetchRequest(verifier, post(null), { getUserIp, budgetScope: 'a b' })).rejects.toMatchObject({ code: 'invalid_option', option: 'budgetScope' });
  });
});

describe('forwardedClientIp()', () => {
  const req = (xff?: string) => new Request(URL_, xff === undefined ? {} : { headers: { 'x-forwarded-for': xff } });
  it('takes the N-th value from the right, whatever the client wrote on the left', () => {
    expect(forwardedClientIp(req('6.6.6.6, 203.0.113.7'), 1)).toBe('203.0.113.7');
    expect(forwardedClientIp(req('6.6.6.6,203.0.113.7, 10.0.0.2'), 2)).toBe('203.0.113.7');
    expect(forwardedClientIp(req('203.0.113.7'), 2)).toBeUndefined();
    expect(forwardedClientIp(req(), 1)).toBeUndefined();
    expect(() => forwardedClientIp(req('1.2.3.4'), 0)).toThrow(expect.objectContaining({ code: 'invalid_option' }));
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

describe('verifyFetchRequest() behind a proxy', () => {
  it('holds the per-IP budget behind an appending proxy with forwardedClientIp(request, 1), whatever the client puts in X-Forwarded-For', async () => {
    const emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
    const verifier = createCaptchaVerifier({
      captchaAppId: emulator.appId,
      appSecretKey: emulator.appSecretKey,
      secretId: emulator.secretId,
      secretKey: emulator.secretKey,
      endpoint: emulator.apiUrl,
      env: {},
      retry: { enabled: false },
    });
    const ips: string[] = [];
    // A Node server that hands a Fetch-API Request to the helper, as a Fetch runtime would.
    const app = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
        const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) });
        const getUserIp = (r: Request) => {
          const ip = forwardedClientIp(r, 1);
          ips.push(String(ip));
          return ip;
        };
        void verifyFetchRequest(verifier, request, { getUserIp }).then((verdict) => {
          const answer = createVerdictResponse(verdict);
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          void answer.text().then((text) => res.end(text));
        });
      });
    });
    // Like nginx's $proxy_add_x_forwarded_for: keeps what the client sent, appends what it saw.
    const proxy = createServer((req, res) => {
      const xff = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
      const target = app.address() as { port: number };
      const out = httpRequest({ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-for': xff } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.destroy());
      req.pipe(out);
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = proxy.address() as { port: number };
      let accepted = 0;
      for (let i = 0; i < 30; i += 1) {
        const body = JSON.stringify({ 'tencent-captcha-ticket': `terror_1001_${emulator.appId}_${Math.floor(Date.now() / 1000)}_p${i}`, 'tencent-captcha-randstr': '@forged' });
        const res = await fetch(`http://127.0.0.1:${port}/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i + 1}` }, body });
        if (res.status === 200) accepted += 1;
      }
      expect(accepted).toBe(3);
      expect(new Set(ips)).toEqual(new Set(['127.0.0.1']));
    } finally {
      for (const server of [proxy, app]) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await verifier.close();
      await emulator.close();
    }
  });
});

describe('verifyFetchRequest() options', () => {
  it('refuses a missing or non-function getUserIp with CaptchaConfigError, before reading the body or calling Tencent', async () => {
    const { tencent, verifier } = setup();
    const req = post(JSON.stringify({ 'tencent-captcha-ticket': T, 'tencent-captcha-randstr': R }), { 'content-type': 'application/json' });
    const missing = verifyFetchRequest(verifier, req, {} as never);
    await expect(missing).rejects.toBeInstanceOf(CaptchaConfigError);
    await expect(missing).rejects.toMatchObject({ code: 'invalid_option', option: 'getUserIp', message: expect.stringMatching(/getUserIp is required/) });
    await expect(verifyFetchRequest(verifier, req, { getUserIp: 'cf-connecting-ip' } as never)).rejects.toMatchObject({ code: 'invalid_option', option: 'getUserIp' });
    await expect(verifyFetchRequest(verifier, req, undefined as never)).rejects.toMatchObject({ code: 'invalid_option', option: 'options' });
    expect(req.bodyUsed).toBe(false);
    expect(tencent.calls).toHaveLength(0);
  });

  it('refuses an unknown option naming the nearest known one', async () => {
    const { verifier } = setup();
    await expect(verifyFetchRequest(verifier, post(null), { getUserIp, getUserIP: getUserIp } as never)).rejects.toMatchObject({
      code: 'invalid_option',
      option: 'getUserIP',
      message: expect.stringContaining('Did you mean `getUserIp`?'),
    });
    await expect(verifyFetchRequest(verifier, post(null), { getUserIp, mdoe: 'closed' } as never)).rejects.toMatchObject({
      option: 'mdoe',
      message: expect.stringContaining('Did you mean `mode`?'),
    });
  });

  it('refuses getters, mode and maxBodyBytes of the wrong type', async () => {
    const { verifier } = setup();
    for (const [option, value] of [
      ['getTicket', 'ticket'],
      ['getRandstr', 1],
      ['mode', 'strict'],
      ['maxBodyBytes', -1],
      ['signal', {}],
    ] as const) {
      await expect(verifyFetchRequest(verifier, post(null), { getUserIp, [option]: value } as never)).rejects.toMatchObject({ code: 'invalid_option', option });
    }
  });
});
