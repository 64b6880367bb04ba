/**
 * What the doctor reports (`verifier.check()`, `tencent-captcha doctor`). A leaf: imports nothing.
 */

/** What a check found. */
export const CheckStatus = { Pass: 'pass', Fail: 'fail', Skip: 'skip' } as const;
/** One of {@link CheckStatus}'s values. */
export type CheckStatus = (typeof CheckStatus)[keyof typeof CheckStatus];
/** The checks, in the order they run. */
export const CheckName = {
  /** Credentials present and well formed. */
  Credentials: 'credentials',
  /** What sends the requests in this runtime (undici, the runtime's `fetch`, an injected `fetch`). */
  Transport: 'transport',
  /** The credential provider: which one, the key's expiry, whether a refresh works (only with a provider). */
  CredentialProvider: 'credential_provider',
  /** The endpoint's host resolves. */
  Dns: 'dns',
  /** TCP (and TLS for https) to the endpoint. */
  Connect: 'connect',
  /** This server's clock against the endpoint's `Date` header. */
  Clock: 'clock',
  /** The signed call: SecretId/SecretKey accepted. */
  ApiKey: 'api_key',
  /** The signed call: CaptchaAppId/AppSecretKey accepted. */
  CaptchaApp: 'captcha_app',
  /** The configured store answers. */
  Store: 'store',
  /** The Redis server of `REDIS_URL` answers PING. */
  Redis: 'redis',
} as const;
/** One of {@link CheckName}'s values. */
export type CheckName = (typeof CheckName)[keyof typeof CheckName];
/** One line of the report. */
export interface CaptchaCheck {
  name: CheckName;
  status: CheckStatus;
  /** What was found, one sentence. */
  summary: string;
  /** What to do about a failure; `null` when there is nothing to do. */
  hint: string | null;
}
/** The doctor's report. */
export interface CaptchaCheckReport {
  /** `true` when no check failed. */
  ok: boolean;
  /** The endpoint checked (an origin; no credentials). */
  endpoint: string;
  /** What sends the requests (`undici`, `fetch (the runtime's own)…`, `fetch (injected)`); `null` when unknown. */
  transport: string | null;
  checks: CaptchaCheck[];
}
/** Options of `verifier.check()`. */
export interface CheckOptions {
  /** Also PING this Redis server (`redis://` or `rediss://`, password allowed: never printed). @default none */
  redisUrl?: string;
  /** Largest clock difference to Tencent's `Date` header that passes, in seconds (Tencent refuses 300). @default 120 */
  maxClockSkewSeconds?: number;
}
