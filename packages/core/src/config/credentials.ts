import { CaptchaConfigError } from './errors.js';
/**
 * Credentials and endpoint: the environment variables read when an option is not given, and the
 * checks that every credential is there and has the right shape.
 */

/** Environment variables read when the corresponding option is not given. */
export const ENV = {
  /** `secretId` — Tencent Cloud's usual variable. */
  secretId: 'TENCENTCLOUD_SECRET_ID',
  /** `secretKey` — Tencent Cloud's usual variable. */
  secretKey: 'TENCENTCLOUD_SECRET_KEY',
  /** `captchaAppId` — the CaptchaAppId of the console. */
  captchaAppId: 'TENCENT_CAPTCHA_APP_ID',
  /** `appSecretKey` — the AppSecretKey of the console. */
  appSecretKey: 'TENCENT_CAPTCHA_APP_SECRET_KEY',
  /** `endpoint` — where `DescribeCaptchaResult` goes (the emulator's `apiUrl`, the international host). */
  endpoint: 'TENCENT_CAPTCHA_ENDPOINT',
} as const;
/** Tencent's production endpoint for `DescribeCaptchaResult`. */
export const DEFAULT_ENDPOINT = 'https://captcha.tencentcloudapi.com/';
export function credential(
  given: unknown,
  env: Record<string, string | undefined>,
  option: keyof typeof ENV,
  pattern: RegExp,
  shape: string,
): string {
  const fromEnv = given === undefined;
  const raw = fromEnv ? env[ENV[option]] : given;
  const where = fromEnv ? `${option} (environment variable ${ENV[option]})` : option;
  if (raw === undefined || raw === '') {
    throw new CaptchaConfigError(
      'missing_credential',
      option,
      `${option} is required: pass it or set the environment variable ${ENV[option]}.`,
    );
  }
  const text = typeof raw === 'number' && option === 'captchaAppId' ? String(raw) : raw;
  // The message names the option and the expected shape, never the value: it may be a secret.
  if (typeof text !== 'string' || !pattern.test(text)) {
    throw new CaptchaConfigError('invalid_credential', option, `${where} must be ${shape}.`);
  }
  return text;
}
/**
 * Throws one `missing_credential` error naming every credential that is neither given nor in the
 * environment, so a deployment is fixed in one go rather than one variable per restart.
 */
export function assertCredentialsPresent(
  options: Record<string, unknown>,
  env: Record<string, string | undefined>,
  names: ReadonlyArray<keyof typeof ENV>,
): void {
  const missing = names.filter((name) => {
    const raw = options[name] === undefined ? env[ENV[name]] : options[name];
    return raw === undefined || raw === '';
  });
  if (missing.length === 0) return;
  const list = missing.join(', ');
  const vars = missing.map((name) => ENV[name]).join(', ');
  throw new CaptchaConfigError(
    'missing_credential',
    missing[0]!,
    missing.length === 1
      ? `${list} is required: pass it or set the environment variable ${vars}.`
      : `${list} are required: pass them or set the environment variables ${vars}.`,
  );
}
export function processEnv(): Record<string, string | undefined> {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env ?? {};
}
