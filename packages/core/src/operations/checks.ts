/**
 * The checks behind `verifier.check()` and `tencent-captcha doctor` (doctor.ts): they check a setup and explain each result
 * (✓/✗ and what to do). It reads the same options and environment variables as the verifier, sends
 * one signed `DescribeCaptchaResult` with a dummy ticket (Tencent answers a ticket error, not an auth
 * error, when the SecretId/SecretKey and the CaptchaAppId/AppSecretKey are right), and never prints a
 * secret. Node's modules are taken with `process.getBuiltinModule` when a check runs (no import a
 * bundler would follow); where there are none (workerd) the network is checked with `fetch`
 * (checks-fetch.ts), so core still bundles and runs in Fetch-API runtimes.
 */
import { describeCaptchaCode } from '@tencent-captcha/protocol';
import type { UpstreamClient } from '../network/describe-captcha-result.js';
import { checkNetworkWithFetch, nodeBuiltin } from './checks-fetch.js';
import { localFaultHint, misconfigurationHint, networkHint } from './hints.js';
import { ENV } from '../config/credentials.js';
import type { CredentialSource } from '../credentials/credential-source.js';
import { checkCredentialProvider } from '../credentials/doctor-check.js';
import type { SigningKey } from '../network/describe-captcha-result.js';
import type { CaptchaStore } from '../stores/contract.js';
import type { TransportControl } from '../network/transport.js';
import { CheckName, type CaptchaCheck, type CaptchaCheckReport, type CheckOptions } from '../types/check.js';

/** What the verifier gives the checks. */
export interface CheckContext {
  endpoint: string;
  attemptTimeoutMs: number;
  now: () => number;
  store: CaptchaStore | null;
  client: UpstreamClient | null;
  redact: (text: string) => string;
  viaProxy: boolean;
  injectedFetch: boolean;
  /** The verifier's transport: its name is reported, once it has chosen (after `warm()`). */
  transport?: { readonly name: string; warm(): Promise<void> } | null;
  /** What the credentials look like (never their values); `null` when the verifier cannot tell. */
  credentials?: CredentialShape | null;
  /** Where the API key comes from; the signed call uses its current key. */
  credentialSource?: CredentialSource;
}

/** The shape of the credentials, for the doctor: no value, only what a human would check first. */
export interface CredentialShape {
  captchaAppId: number;
  /** Tencent's SecretIds start with `AKID`. */
  secretIdLooksLikeOne: boolean;
  /** The SecretKey starts with `AKID`: SecretId and SecretKey are probably swapped. */
  secretKeyLooksLikeAnId: boolean;
}

/** The credentials line. */
function credentialsCheck(shape: CredentialShape | null | undefined): CaptchaCheck {
  if (!shape) return pass('credentials', 'credentials present and well formed');
  if (shape.secretKeyLooksLikeAnId && !shape.secretIdLooksLikeOne) {
    return fail(
      'credentials',
      'the SecretKey looks like a SecretId (starts with AKID) and the SecretId does not',
      `${ENV.secretId} and ${ENV.secretKey} are probably swapped.`,
    );
  }
  return pass(
    'credentials',
    `present and well formed (CaptchaAppId ${shape.captchaAppId}${shape.secretIdLooksLikeOne ? '' : '; note: the SecretId does not start with AKID as Tencent\'s do'})`,
  );
}

/** A ticket no captcha ever issued: Tencent judges it (CaptchaCode 15/25…) once it accepts the call. */
const DUMMY = { ticket: 'tencent-captcha-doctor-dummy-ticket', randstr: '@doctor', userIp: '127.0.0.1' } as const;

const pass = (name: CheckName, summary: string): CaptchaCheck => ({ name, status: 'pass', summary, hint: null });
export const fail = (name: CheckName, summary: string, hint: string): CaptchaCheck => ({ name, status: 'fail', summary, hint });
export const skip = (name: CheckName, summary: string): CaptchaCheck => ({ name, status: 'skip', summary, hint: null });

function codeOf(error: unknown): string {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]{2,64}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return 'network error';
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs the checks (see the module comment). Never throws for a failed check. */
export async function runCheck(ctx: CheckContext, options: CheckOptions = {}): Promise<CaptchaCheckReport> {
  const checks: CaptchaCheck[] = [credentialsCheck(ctx.credentials)];
  let transport: string | null = null;
  if (ctx.transport) {
    await ctx.transport.warm();
    transport = ctx.transport.name;
    checks.push(pass('transport', `requests are sent with ${transport}`));
  }
  const provider = ctx.credentialSource ? await checkCredentialProvider(ctx.credentialSource, ctx.now) : null;
  if (provider) checks.push(provider);
  checks.push(...(await checkNetwork(ctx, options)));
  checks.push(...(await checkSignedCall(ctx)));
  if (ctx.store) checks.push(await checkStore(ctx.store, ctx));
  if (options.redisUrl) checks.push(await checkRedis(options.redisUrl, ctx.attemptTimeoutMs));
  return { ok: checks.every((c) => c.status !== 'fail'), endpoint: ctx.endpoint, transport, checks };
}

/** This server's clock against the `Date` header of `host`'s answer (one-second resolution). */
function clockCheck(host: string, date: string | undefined, now: number, maxSkewSeconds: number): CaptchaCheck {
  const serverMs = date ? Date.parse(date) : Number.NaN;
  if (Number.isNaN(serverMs)) return skip('clock', `${host} sent no Date header to compare with`);
  const skewSeconds = Math.round((now - serverMs) / 1000);
  const said = skewSeconds === 0 ? 'agrees with' : `is ${Math.abs(skewSeconds)} s ${skewSeconds > 0 ? 'ahead of' : 'behind'}`;
  return Math.abs(skewSeconds) <= maxSkewSeconds
    ? pass('clock', `this server's clock ${said} ${host}'s`)
    : fail(
        'clock',
        `this server's clock ${said} ${host}'s`,
        "synchronise this server's clock (NTP): Tencent refuses signatures more than 5 minutes off, and disaster-ticket freshness depends on it.",
      );
}

/** DNS, TCP/TLS and the clock (from the `Date` header of a plain GET). */
export async function checkNetwork(
  ctx: Pick<CheckContext, 'endpoint' | 'attemptTimeoutMs' | 'now' | 'viaProxy' | 'injectedFetch'>,
  options: CheckOptions = {},
): Promise<CaptchaCheck[]> {
  const url = new URL(ctx.endpoint);
  const host = url.host;
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  if (ctx.viaProxy) {
    return [
      skip('dns', `requests go through a proxy: ${hostname} is resolved by the proxy`),
      skip('connect', 'requests go through a proxy: the signed call below tests the path'),
      skip('clock', 'requests go through a proxy: the signed call below shows a clock problem as SignatureExpire'),
    ];
  }
  const out: CaptchaCheck[] = [];
  const net = nodeBuiltin<typeof import('node:net')>('net');
  const dns = nodeBuiltin<typeof import('node:dns')>('dns');
  const https = url.protocol === 'https:';
  const mod = nodeBuiltin<typeof import('node:http')>(https ? 'https' : 'http');
  if (!net || !dns || !mod) return checkNetworkWithFetch(ctx, options);
  if (net.isIP(hostname) !== 0) {
    out.push(pass('dns', `${hostname} is an IP address (no DNS needed)`));
  } else {
    try {
      const addresses = await withTimeout(dns.promises.lookup(hostname, { all: true }), ctx.attemptTimeoutMs, () => undefined);
      out.push(pass('dns', `${hostname} resolves to ${addresses.map((a) => a.address).slice(0, 3).join(', ')}`));
    } catch (error) {
      const code = codeOf(error);
      out.push(fail('dns', `${hostname} does not resolve (${code})`, networkHint(code, host)));
      out.push(skip('connect', 'not tried: the host does not resolve'));
      out.push(skip('clock', 'not tried: the host does not resolve'));
      return out;
    }
  }

  const port = url.port ? Number(url.port) : https ? 443 : 80;
  type Answer = { date: string | undefined; tls: string | null; status: number };
  let answer: Answer;
  try {
    answer = await new Promise<Answer>((resolve, reject) => {
      const req = mod.request(
        { host: hostname, port, path: '/', method: 'GET', agent: false, headers: { 'user-agent': 'tencent-captcha-doctor' } },
        (res) => {
          const socket = res.socket as { getProtocol?(): string | null } | null;
          const tls = https ? (socket?.getProtocol?.() ?? 'TLS') : null;
          res.resume();
          resolve({ date: res.headers.date, tls, status: res.statusCode ?? 0 });
        },
      );
      req.setTimeout(ctx.attemptTimeoutMs, () => req.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end();
    });
  } catch (error) {
    const code = codeOf(error);
    out.push(fail('connect', `cannot reach ${host} (${code})`, networkHint(code, host)));
    out.push(skip('clock', `not tried: ${host} is not reachable`));
    return out;
  }
  out.push(pass('connect', `TCP${answer.tls ? ` and TLS (${answer.tls})` : ''} to ${host} works`));

  out.push(clockCheck(host, answer.date, ctx.now(), options.maxClockSkewSeconds ?? 120));
  return out;
}

/** The signed call with a dummy ticket: what Tencent answers proves (or disproves) the credentials. */
async function checkSignedCall(ctx: CheckContext): Promise<CaptchaCheck[]> {
  const host = new URL(ctx.endpoint).host;
  if (!ctx.client || !ctx.credentialSource) return [skip('api_key', 'not tried: no valid credentials'), skip('captcha_app', 'not tried: no valid credentials')];
  let key: SigningKey;
  try {
    key = await ctx.credentialSource.get();
  } catch (error) {
    return [
      fail('api_key', `no usable API key: ${ctx.redact(error instanceof Error ? error.message : String(error)).slice(0, 200)}`, 'see the credential_provider line above.'),
      skip('captcha_app', 'not tried: no usable API key'),
    ];
  }
  const control: TransportControl = { cancel: null };
  let outcome;
  try {
    outcome = await withTimeout(ctx.client.call(DUMMY, control, '', key), ctx.attemptTimeoutMs, () =>
      control.cancel?.(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
    );
  } catch (error) {
    const code = codeOf(error);
    return [
      fail('api_key', `the signed call to ${host} got no answer (${code === 'ETIMEDOUT' ? 'timed out' : code})`, networkHint(code === 'ETIMEDOUT' ? 'timed out' : code, host)),
      skip('captcha_app', 'not tried: no answer to the signed call'),
    ];
  }
  if (outcome.kind === 'local_fault') {
    return [
      fail('api_key', `the signed call failed in this process before it was sent (${ctx.redact(outcome.detail)})`, localFaultHint(ctx.transport?.name ?? 'unknown')),
      skip('captcha_app', 'not tried: the signed call could not be sent'),
    ];
  }
  if (outcome.kind === 'failure') {
    return [
      fail('api_key', `the signed call to ${host} got no answer (${outcome.detail})`, networkHint(outcome.detail, host)),
      skip('captcha_app', 'not tried: no answer to the signed call'),
    ];
  }
  if (outcome.kind === 'api_error') {
    const code = outcome.code;
    if (code.startsWith('AuthFailure.') || code.startsWith('UnauthorizedOperation.')) {
      return [
        fail('api_key', `Tencent refused the signed call: ${code}`, misconfigurationHint({ captchaCode: null, apiErrorCode: code })),
        skip('captcha_app', 'not tried: the API key was refused'),
      ];
    }
    return [
      fail('api_key', `Tencent answered ${code}: ${ctx.redact(outcome.message).slice(0, 160)}`, 'a transient error or a wrong endpoint: run the doctor again; if it persists, check the endpoint.'),
      skip('captcha_app', `not tried: Tencent answered ${code}`),
    ];
  }
  const code = outcome.response.CaptchaCode;
  const info = describeCaptchaCode(code);
  const apiKey = pass('api_key', `SecretId/SecretKey accepted (Tencent answered CaptchaCode ${code}, not an AuthFailure)`);
  if (info.kind === 'misconfigured') {
    return [apiKey, fail('captcha_app', `Tencent refused the captcha app: CaptchaCode ${code} (${info.message})`, misconfigurationHint({ captchaCode: code, apiErrorCode: null }))];
  }
  if (info.kind === 'unavailable') {
    return [apiKey, fail('captcha_app', `Tencent is busy (CaptchaCode ${code}): the captcha app could not be checked`, 'a transient error: run the doctor again.')];
  }
  return [apiKey, pass('captcha_app', `CaptchaAppId/AppSecretKey accepted: Tencent judged the dummy ticket (CaptchaCode ${code}, ${info.message}), as it should`)];
}

/** A harmless store call: a replay entry for a random key that expires in a second, no budget. */
async function checkStore(store: CaptchaStore, ctx: CheckContext): Promise<CaptchaCheck> {
  if (store.local === true) return pass('store', 'memory store (budgets and the replay guard are per process)');
  const timeoutMs = Math.max(250, Math.min(ctx.attemptTimeoutMs, 2000));
  const controller = new AbortController();
  try {
    const answer = await withTimeout(
      store.acceptDegraded(
        { replayKey: `doctor:${Math.random().toString(36).slice(2)}`, replayTtlMs: 1000, counters: [], nowMs: ctx.now(), deadlineMs: Date.now() + timeoutMs },
        { signal: controller.signal },
      ),
      timeoutMs,
      () => controller.abort(),
    );
    return answer.accepted
      ? pass('store', 'the store answers (a probe entry was written; it expires in a second)')
      : fail('store', `the store refused a harmless probe (${answer.refusal})`, 'the store is full or its clock is off: check its memory limit and time.');
  } catch (error) {
    const code = codeOf(error);
    return fail(
      'store',
      `the store does not answer (${code === 'network error' ? ctx.redact(String(error)).slice(0, 120) : code})`,
      'degraded acceptance fails closed (store_unavailable) until it answers: check that the store (Redis) is up and reachable.',
    );
  }
}

/** PING over RESP, with AUTH from the URL; the password is never printed. */
export async function checkRedis(redisUrl: string, timeoutMs: number): Promise<CaptchaCheck> {
  let url: URL;
  try {
    url = new URL(redisUrl);
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error('protocol');
  } catch {
    return fail('redis', 'REDIS_URL is not a redis:// or rediss:// URL', 'set REDIS_URL to redis://[user:password@]host:port[/db].');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port ? Number(url.port) : 6379;
  const where = `${url.hostname}:${port}`;
  const resp = (...args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${new TextEncoder().encode(a).length}\r\n${a}\r\n`).join('')}`;
  const commands: string[] = [];
  if (url.password) commands.push(resp('AUTH', ...(url.username ? [decodeURIComponent(url.username)] : []), decodeURIComponent(url.password)));
  commands.push(resp('PING'));
  try {
    const reply = await new Promise<string>((resolve, reject) => {
      const onConnect = (): void => {
        socket.write(commands.join(''));
      };
      const connect = async (): Promise<import('node:net').Socket> => {
        const tls = url.protocol === 'rediss:' ? nodeBuiltin<typeof import('node:tls')>('tls') : null;
        const net = nodeBuiltin<typeof import('node:net')>('net');
        if (tls) return tls.connect({ host, port, servername: host }, onConnect);
        if (!net || url.protocol === 'rediss:') throw Object.assign(new Error('no TCP sockets in this runtime'), { code: 'NO_TCP_API' });
        return net.connect({ host, port }, onConnect);
      };
      let socket: import('node:net').Socket;
      let data = '';
      void connect().then((s) => {
        socket = s;
        s.setTimeout(timeoutMs, () => s.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
        s.on('data', (chunk: Buffer) => {
          data += chunk.toString('latin1');
          const lines = data.split('\r\n').filter((l) => l !== '');
          if (lines.length >= commands.length || lines.some((l) => l.startsWith('-'))) {
            s.end();
            resolve(lines.find((l) => l.startsWith('-')) ?? lines[lines.length - 1]!);
          }
        });
        s.on('error', reject);
        s.on('close', () => reject(Object.assign(new Error('closed'), { code: 'ECONNRESET' })));
      }, reject);
    });
    if (reply === '+PONG') return pass('redis', `Redis at ${where} answers PING`);
    return fail('redis', `Redis at ${where} answered ${reply.slice(0, 60)}`, 'check the user and password in REDIS_URL (NOAUTH/WRONGPASS), and that this is a Redis server.');
  } catch (error) {
    const code = codeOf(error);
    return fail('redis', `Redis at ${where} does not answer (${code})`, `${networkHint(code, where)} Degraded acceptance fails closed (store_unavailable) while Redis is down.`);
  }
}
