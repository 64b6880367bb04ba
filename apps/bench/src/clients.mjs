// The clients measured side by side. Each factory returns `{ call(i), close() }`; `call` makes one
// DescribeCaptchaResult round trip to the trivial endpoint and throws unless the answer was CaptchaCode 1
// (so a client that silently fails cannot look fast).
import { createHash, createHmac } from 'node:crypto';
import { Pool } from 'undici';
import { Client as SdkClient } from 'tencentcloud-sdk-nodejs/tencentcloud/services/captcha/v20190722/captcha_client.js';
import { createCaptchaVerifier } from './core.mjs';
import { signTc3 } from '@tencent-captcha/protocol';

/** Credentials the endpoint never checks; shaped like real ones. */
export const CREDENTIALS = {
  captchaAppId: 190000001,
  appSecretKey: 'benchAppSecretKey0000000',
  secretId: 'AKIDbench0000000000000000000000000000',
  secretKey: 'benchSecretKey00000000000000000000',
};

export const USER_IP = '203.0.113.7';
/**
 * 256 client IPs, one per call in turn: 64 calls in flight come from 64 clients, as in a real app
 * (core admits at most `maxInFlightPerClient`, 16 by default, per client IP at once).
 */
export const CLIENT_IPS = Array.from({ length: 256 }, (_, i) => `203.0.113.${i}`);
export const RANDSTR = '@bench1';
/** A distinct, well-formed ticket per call. */
export const ticketFor = (i) => `tr03bench${i.toString(36)}*`;

const FETCH_HEADERS_BASE = {
  'content-type': 'application/json',
  'x-tc-action': 'DescribeCaptchaResult',
  'x-tc-version': '2019-07-22',
};

/**
 * TC3-HMAC-SHA256 with node:crypto, written out as the floor: the signing key is derived once per UTC
 * day, each call hashes the payload and the canonical request and signs (content-type;host signed,
 * like core).
 */
export function createFloorSigner({ secretId, secretKey, host }) {
  let day = -1;
  let date = '';
  let key;
  const scope = '/captcha/tc3_request';
  return function sign(timestamp, payload) {
    const d = Math.floor(timestamp / 86_400);
    if (d !== day) {
      date = new Date(d * 86_400_000).toISOString().slice(0, 10);
      const kDate = createHmac('sha256', `TC3${secretKey}`).update(date).digest();
      const kService = createHmac('sha256', kDate).update('captcha').digest();
      key = createHmac('sha256', kService).update('tc3_request').digest();
      day = d;
    }
    const hashedPayload = createHash('sha256').update(payload).digest('hex');
    const canonical = `POST\n/\n\ncontent-type:application/json\nhost:${host}\n\ncontent-type;host\n${hashedPayload}`;
    const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}${scope}\n${createHash('sha256').update(canonical).digest('hex')}`;
    const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
    return `TC3-HMAC-SHA256 Credential=${secretId}/${date}${scope}, SignedHeaders=content-type;host, Signature=${signature}`;
  };
}

/** Checks the inline signer against protocol's reference implementation once, so the floor does the real work. */
export async function checkFloorSigner(host) {
  const sign = createFloorSigner({ ...CREDENTIALS, host });
  const timestamp = 1_764_547_200 + 12_345;
  const payload = floorPayload(1);
  const reference = await signTc3({ ...CREDENTIALS, service: 'captcha', host, timestamp, payload });
  if (sign(timestamp, payload) !== reference.authorization) throw new Error('the floor signer disagrees with protocol signTc3');
}

function floorPayload(i) {
  return JSON.stringify({
    CaptchaType: 9,
    Ticket: ticketFor(i),
    UserIp: USER_IP,
    Randstr: RANDSTR,
    CaptchaAppId: CREDENTIALS.captchaAppId,
    AppSecretKey: CREDENTIALS.appSecretKey,
  });
}

function checkAnswer(text, who) {
  const r = JSON.parse(text).Response;
  if (r?.CaptchaCode !== 1) throw new Error(`${who}: unexpected answer ${text.slice(0, 200)}`);
}

/** The floor: undici `Pool.request` (64 keep-alive connections) + inline node:crypto TC3 signing. */
export function createUndiciFloor(port) {
  const host = `127.0.0.1:${port}`;
  const sign = createFloorSigner({ ...CREDENTIALS, host });
  const pool = new Pool(`http://${host}`, { connections: 64, keepAliveTimeout: 120_000, keepAliveMaxTimeout: 120_000 });
  return {
    async call(i) {
      const payload = floorPayload(i);
      const timestamp = Math.floor(Date.now() / 1000);
      const res = await pool.request({
        path: '/',
        method: 'POST',
        headers: { ...FETCH_HEADERS_BASE, authorization: sign(timestamp, payload), 'x-tc-timestamp': String(timestamp), host },
        body: payload,
      });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`floor: HTTP ${res.statusCode}`);
      checkAnswer(text, 'undici floor');
    },
    close: () => pool.close(),
  };
}

/** The Fetch-API floor: Node's global `fetch` + the same inline signing (reference for core's fetch path). */
export function createFetchFloor(port) {
  const host = `127.0.0.1:${port}`;
  const url = `http://${host}/`;
  const sign = createFloorSigner({ ...CREDENTIALS, host });
  return {
    async call(i) {
      const payload = floorPayload(i);
      const timestamp = Math.floor(Date.now() / 1000);
      const res = await fetch(url, {
        method: 'POST',
        headers: { ...FETCH_HEADERS_BASE, authorization: sign(timestamp, payload), 'x-tc-timestamp': String(timestamp) },
        body: payload,
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`fetch floor: HTTP ${res.status}`);
      checkAnswer(text, 'fetch floor');
    },
    close: async () => {},
  };
}

/** `@tencent-captcha/core` `verify()`; `fetch` injected or not (default: undici pool). */
export function createCore(port, { fetch, ...options } = {}) {
  const verifier = createCaptchaVerifier({
    ...CREDENTIALS,
    endpoint: `http://127.0.0.1:${port}/`,
    ...(fetch ? { fetch } : {}),
    logger: {},
    ...options,
  });
  return {
    verifier,
    async call(i) {
      const v = await verifier.verify({ ticket: ticketFor(i), randstr: RANDSTR, userIp: CLIENT_IPS[i & 255] });
      if (v.reason !== 'verified' || v.attempts !== 1) throw new Error(`core: unexpected verdict ${v.reason} (${v.attempts} attempts)`);
    },
    close: () => verifier.close(),
  };
}

/**
 * Core with a credentials provider (issue 20): a temporary key with a token, valid 2 hours, so every
 * measured call signs with the cached key and sends `X-TC-Token` — the hot path of a CVM/TKE role.
 * `null` when the core under test has no `credentials` option (an older build via BENCH_CORE_MODULE).
 */
export function createCoreWithProvider(port) {
  const { secretId, secretKey, ...rest } = CREDENTIALS;
  const provider = {
    providerName: 'bench-role',
    getCredential: async () => ({ secretId, secretKey, token: 'benchSessionToken'.padEnd(600, '0'), expiresAt: Date.now() + 2 * 3600_000 }),
  };
  try {
    return createCore(port, { secretId: undefined, secretKey: undefined, credentials: provider, ...rest });
  } catch {
    return null;
  }
}

/** The official `tencentcloud-sdk-nodejs` captcha client (v20190722), over http to the endpoint. */
export function createSdk(port) {
  const sdk = new SdkClient({
    credential: { secretId: CREDENTIALS.secretId, secretKey: CREDENTIALS.secretKey },
    profile: { httpProfile: { endpoint: `127.0.0.1:${port}`, protocol: 'http://', reqTimeout: 10 } },
  });
  return {
    async call(i) {
      const r = await sdk.DescribeCaptchaResult({
        CaptchaType: 9,
        Ticket: ticketFor(i),
        Randstr: RANDSTR,
        UserIp: USER_IP,
        CaptchaAppId: CREDENTIALS.captchaAppId,
        AppSecretKey: CREDENTIALS.appSecretKey,
      });
      if (r.CaptchaCode !== 1) throw new Error(`sdk: unexpected CaptchaCode ${r.CaptchaCode}`);
    },
    close: async () => {},
  };
}
