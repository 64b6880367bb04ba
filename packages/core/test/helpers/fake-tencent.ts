/**
 * A scripted stand-in for `DescribeCaptchaResult` behind an injected `fetch`, for unit tests that need
 * fake timers (the emulator suite covers real HTTP). It checks the TC3 signature like Tencent does.
 */
import { verifyTc3Request } from '@tencent-captcha/protocol';
import type { FetchLike } from '../../src/types/options.js';

export const CREDENTIALS = {
  captchaAppId: 199999164,
  appSecretKey: 'AppSecretKey-sEcReT-0123456789abcdef',
  secretId: 'AKIDfakeSecretId0123456789',
  secretKey: 'SecretKey-tOpSeCrEt-9876543210fedcba',
} as const;

export const ENDPOINT = 'https://captcha.tencentcloudapi.com/';

/** What the fake answers one call with. */
export type FakeReply =
  | { captchaCode: number; evilLevel?: number; score?: number; captchaMsg?: string }
  | { apiError: string; message?: string }
  | { status: number; body: string }
  | { hang: true }
  | { throw: unknown };

export interface FakeCall {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  signatureOk: boolean;
}

export interface FakeTencent {
  fetch: FetchLike;
  calls: FakeCall[];
  /** Replies for the next calls, in order; the last one repeats. */
  reply(...replies: FakeReply[]): void;
  /** Calls still waiting (hanging) for an answer. */
  readonly pending: number;
}

let requestSeq = 0;

export function connectionRefused(): Error {
  return Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
}

export function connectionReset(): Error {
  return Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
}

export function createFakeTencent(options: { now?: () => number } = {}): FakeTencent {
  const calls: FakeCall[] = [];
  let replies: FakeReply[] = [{ captchaCode: 1, evilLevel: 0 }];
  let pending = 0;
  const fetch: FetchLike = async (url, init) => {
    const headers = { ...init.headers, host: new URL(url).host };
    const check = await verifyTc3Request({
      method: init.method,
      headers,
      body: init.body,
      service: 'captcha',
      now: Math.floor((options.now ?? Date.now)() / 1000),
      lookupSecretKey: (id) => (id === CREDENTIALS.secretId ? CREDENTIALS.secretKey : undefined),
    });
    calls.push({ url, headers: init.headers, body: JSON.parse(init.body) as Record<string, unknown>, signatureOk: check.ok });
    const reply = replies.length > 1 ? replies.shift()! : replies[0]!;
    const RequestId = `req-${++requestSeq}`;
    if ('hang' in reply) {
      pending++;
      return new Promise((_, reject) => {
        const abort = (): void => {
          pending--;
          reject(init.signal.reason);
        };
        if (init.signal.aborted) abort();
        else init.signal.addEventListener('abort', abort, { once: true });
      });
    }
    if ('throw' in reply) throw reply.throw;
    const text = (body: string, status = 200) => ({ status, text: async () => body });
    if ('status' in reply) return text(reply.body, reply.status);
    if ('apiError' in reply) {
      return text(JSON.stringify({ Response: { Error: { Code: reply.apiError, Message: reply.message ?? `${reply.apiError} happened` }, RequestId } }));
    }
    const response: Record<string, unknown> = {
      CaptchaCode: reply.captchaCode,
      CaptchaMsg: reply.captchaMsg ?? (reply.captchaCode === 1 ? 'OK' : 'not ok'),
      EvilLevel: reply.evilLevel ?? 0,
      EvilBitmap: 0,
      SubmitCaptchaTime: 0,
      RequestId,
    };
    if (reply.score !== undefined) response.Score = reply.score;
    return text(JSON.stringify({ Response: response }));
  };
  return {
    fetch,
    calls,
    reply: (...r) => {
      replies = r;
    },
    get pending() {
      return pending;
    },
  };
}
