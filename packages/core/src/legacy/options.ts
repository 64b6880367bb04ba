/**
 * Options of `createLegacyCaptchaVerifier` (the 天御 API v2, `csec.api.qcloud.com/v2/index.php`,
 * protocol.md §4), validated once: the legacy-only part here, the part every verifier shares
 * (timeouts, policy, budgets, breaker, store, hooks, IO) through `normaliseCommonOptions`.
 */
import type { V2SignatureMethod } from '@tencent-captcha/protocol';
import { COMMON_OPTION_KEYS, normaliseCommonOptions, normaliseProxy, type NormalisedCommonOptions } from '../config/options.js';
import { CaptchaConfigError } from '../config/errors.js';
import { ENV, assertCredentialsPresent } from '../config/credentials.js';
import { resolveCredentials } from '../credentials/option.js';
import type { CredentialsOption } from '../credentials/types.js';
import { assertKnownKeys } from '../config/validate.js';
import { type CaptchaVerifierOptions, type ResolvedCaptchaVerifierOptions } from '../types/options.js';

/** Tencent's legacy endpoint (API v2). */
export const DEFAULT_LEGACY_ENDPOINT = 'https://csec.api.qcloud.com/v2/index.php';

/**
 * Options of `createLegacyCaptchaVerifier`. Everything `createCaptchaVerifier` takes except
 * `appSecretKey` (the legacy API has none), plus the legacy API's parameters. The values sent with
 * `CaptchaCheck` (`captchaType`, `disturbLevel`, `accountType`, `businessId`, `sceneId`) are the ones
 * the script query sent, as Tencent asks.
 */
export interface LegacyCaptchaVerifierOptions extends Omit<CaptchaVerifierOptions, 'appSecretKey' | 'endpoint' | 'captchaAppId' | 'requestFields'> {
  /**
   * The `app-id` your page gives `<tencent-captcha driver="legacy">`. The legacy API does not use it:
   * it names the disaster tickets (`terror_<code>_<appId>_<sec>`) the element makes when the legacy
   * script cannot load, and only tickets naming it can be accepted as degraded. Required, so a
   * disaster ticket is never checked against nothing.
   * @default process.env.TENCENT_CAPTCHA_APP_ID
   */
  captchaAppId?: number | string;
  /**
   * The v2 endpoint: Tencent's, or the emulator's `legacyApiUrl`. Requests are form POSTs to it, signed
   * over its host and path. @default 'https://csec.api.qcloud.com/v2/index.php'
   */
  endpoint?: string | URL;
  /** `Region` sent with every request (`gz`, `sz`, `bj`, `sh`, `hk`, `ca`, …). @default 'gz' */
  region?: string;
  /**
   * How requests are signed. `HmacSHA1` (sent without a `SignatureMethod` parameter) is the only
   * method the legacy 天御 docs describe, and what every public client of this API uses; `HmacSHA256`
   * (sent as `SignatureMethod=HmacSHA256`) is the generic v2 API's option, kept for accounts where it
   * is known to work. @default 'HmacSHA1'
   */
  signatureMethod?: V2SignatureMethod;
  /** `captchaType` (9: slider). @default 9 */
  captchaType?: number;
  /** `disturbLevel` (difficulty; 1 for the slider). @default 1 */
  disturbLevel?: number;
  /** `accountType`: 0 other, 1 QQ open id, 2 WeChat open id, 4 phone, 6 phone OTP, 7 email. @default 0 */
  accountType?: number;
  /** `businessId`, for Tencent's statistics. Not sent when absent. */
  businessId?: number;
  /** `sceneId`, for Tencent's statistics. Not sent when absent. */
  sceneId?: number;
}

/** Every option of `createLegacyCaptchaVerifier`: the shared ones (not `requestFields`, which are `DescribeCaptchaResult`'s) and the legacy API's. */
export const LEGACY_OPTION_KEYS: readonly string[] = [
  'captchaAppId',
  'secretId',
  'secretKey',
  'credentials',
  'region',
  'signatureMethod',
  'captchaType',
  'disturbLevel',
  'accountType',
  'businessId',
  'sceneId',
  ...COMMON_OPTION_KEYS.filter((key) => key !== 'requestFields'),
];

/** The legacy part of the resolved options (no credential). */
export interface ResolvedLegacyOptions {
  endpoint: string;
  region: string;
  signatureMethod: V2SignatureMethod;
  captchaType: number;
  disturbLevel: number;
  accountType: number;
  businessId: number | null;
  sceneId: number | null;
}

/** Everything `createLegacyCaptchaVerifier` needs. */
export interface NormalisedLegacyOptions extends NormalisedCommonOptions {
  /** The shared resolved options, as the verification pipeline takes them. */
  resolved: ResolvedCaptchaVerifierOptions;
  legacy: ResolvedLegacyOptions;
  /** The API key: static, or a provider. */
  credentials: CredentialsOption;
  /** The egress proxy URL (may hold credentials, so not in `resolved`). */
  proxy: string | undefined;
}

function processEnv(): Record<string, string | undefined> {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env ?? {};
}

function credential(given: unknown, env: Record<string, string | undefined>, option: 'captchaAppId' | 'secretId' | 'secretKey', pattern: RegExp, shape: string): string {
  const fromEnv = given === undefined;
  const raw = fromEnv ? env[ENV[option]] : given;
  if (raw === undefined || raw === '') {
    throw new CaptchaConfigError('missing_credential', option, `${option} is required: pass it or set the environment variable ${ENV[option]}.`);
  }
  const text = typeof raw === 'number' && option === 'captchaAppId' ? String(raw) : raw;
  // The message names the option and the expected shape, never the value: it may be a secret.
  if (typeof text !== 'string' || !pattern.test(text)) {
    const where = fromEnv ? `${option} (environment variable ${ENV[option]})` : option;
    throw new CaptchaConfigError('invalid_credential', option, `${where} must be ${shape}.`);
  }
  return text;
}

function integer(value: unknown, option: string, fallback: number | null, min: number, max: number): number | null {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new CaptchaConfigError('invalid_option', option, `${option} must be an integer from ${min} to ${max}.`);
  }
  return value;
}

/** Validates and normalises legacy options once. Throws `CaptchaConfigError`. */
export function normaliseLegacyOptions(options: LegacyCaptchaVerifierOptions = {}): NormalisedLegacyOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new CaptchaConfigError('invalid_option', 'options', 'options must be an object.');
  }
  if ((options as { appSecretKey?: unknown }).appSecretKey !== undefined) {
    throw new CaptchaConfigError('invalid_option', 'appSecretKey', 'appSecretKey is not used by the legacy API: remove it (the legacy verifier signs with secretId/secretKey only).');
  }
  assertKnownKeys(options as Record<string, unknown>, LEGACY_OPTION_KEYS);
  const env = (options.env ?? processEnv()) as Record<string, string | undefined>;
  if (typeof env !== 'object' || env === null) throw new CaptchaConfigError('invalid_option', 'env', 'env must be an object of strings.');
  assertCredentialsPresent(options as Record<string, unknown>, env, options.credentials === undefined ? ['captchaAppId', 'secretId', 'secretKey'] : ['captchaAppId']);

  const appId = credential(options.captchaAppId, env, 'captchaAppId', /^[1-9]\d{0,15}$/, 'a positive integer (digits only)');
  const captchaAppId = Number(appId);
  if (!Number.isSafeInteger(captchaAppId)) {
    throw new CaptchaConfigError('invalid_credential', 'captchaAppId', 'captchaAppId must be a positive integer (digits only).');
  }
  // SecretId and SecretKey travel as form values and are signed raw: printable ASCII without spaces.
  const credentials = resolveCredentials(
    options,
    env,
    () => ({
      secretId: credential(options.secretId, env, 'secretId', /^[\x21-\x7e]{1,256}$/, 'printable ASCII without spaces'),
      secretKey: credential(options.secretKey, env, 'secretKey', /^[\x21-\x7e]{1,256}$/, 'printable ASCII without spaces'),
    }),
    (code, message) => {
      throw new CaptchaConfigError(code, 'credentials', message);
    },
  );

  const common = normaliseCommonOptions(options as Partial<CaptchaVerifierOptions>);

  let endpoint: URL;
  try {
    endpoint = new URL(String(options.endpoint ?? DEFAULT_LEGACY_ENDPOINT));
  } catch (cause) {
    throw new CaptchaConfigError('invalid_endpoint', 'endpoint', 'endpoint must be an absolute http(s) URL.', { cause });
  }
  if (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:') {
    throw new CaptchaConfigError('invalid_endpoint', 'endpoint', 'endpoint must be an http(s) URL.');
  }
  if (endpoint.search !== '' || endpoint.hash !== '' || endpoint.username !== '' || endpoint.password !== '') {
    throw new CaptchaConfigError('invalid_endpoint', 'endpoint', 'endpoint must have no query, fragment or user info (e.g. https://csec.api.qcloud.com/v2/index.php).');
  }

  const region = options.region ?? 'gz';
  if (typeof region !== 'string' || !/^[a-z]{2,12}(-[a-z0-9]{1,16}){0,3}$/.test(region)) {
    throw new CaptchaConfigError('invalid_option', 'region', "region must be a region name such as 'gz', 'sz', 'bj' or 'ap-guangzhou'.");
  }
  const signatureMethod = options.signatureMethod ?? 'HmacSHA1';
  if (signatureMethod !== 'HmacSHA256' && signatureMethod !== 'HmacSHA1') {
    throw new CaptchaConfigError('invalid_option', 'signatureMethod', "signatureMethod must be 'HmacSHA256' or 'HmacSHA1'.");
  }
  const legacy: ResolvedLegacyOptions = {
    endpoint: endpoint.href,
    region,
    signatureMethod,
    captchaType: integer(options.captchaType, 'captchaType', 9, 1, 1000)!,
    disturbLevel: integer(options.disturbLevel, 'disturbLevel', 1, 1, 1000)!,
    accountType: integer(options.accountType, 'accountType', 0, 0, 1000)!,
    businessId: integer(options.businessId, 'businessId', null, 0, 2 ** 32 - 1),
    sceneId: integer(options.sceneId, 'sceneId', null, 0, 2 ** 32 - 1),
  };
  return {
    ...common,
    resolved: { captchaAppId, endpoint: endpoint.href, ...common.resolved },
    legacy,
    credentials,
    proxy: normaliseProxy((options as { proxy?: unknown }).proxy, options.fetch !== undefined),
  };
}
