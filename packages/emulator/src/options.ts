/**
 * Options of `createEmulator`, the documented demo credentials, and their one-time validation.
 */
import { EmulatorError } from './errors.js';

/**
 * The credentials the emulator accepts unless options set others. They are demo values, printed
 * by the CLI and documented in the README: never use them for anything real.
 */
export const DEMO_CREDENTIALS = {
  /** CaptchaAppId (digits; a number on the wire). */
  appId: '189990000',
  /** AppSecretKey of that app. */
  appSecretKey: 'EmulatorDemoAppSecretKey**',
  /** Tencent Cloud API SecretId. */
  secretId: 'AKIDemulatorDemoSecretIdNotReal00000',
  /** Tencent Cloud API SecretKey. */
  secretKey: 'emulatorDemoSecretKeyNotReal0000',
} as const;

/** A captcha app (CaptchaAppId + AppSecretKey) the emulator knows. */
export interface EmulatorApp {
  /** CaptchaAppId, digits. */
  appId: string;
  /** Its AppSecretKey. */
  appSecretKey: string;
}

/** Options of `createEmulator`. */
export interface EmulatorOptions {
  /** TCP port; `0` picks a free one. @default 0 */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** The CaptchaAppId accepted by the SDK and the API. @default DEMO_CREDENTIALS.appId */
  appId?: string;
  /** The AppSecretKey of `appId`. @default DEMO_CREDENTIALS.appSecretKey */
  appSecretKey?: string;
  /** More captcha apps, e.g. to test tickets of one app verified with another (CaptchaCode 16). @default [] */
  apps?: readonly EmulatorApp[];
  /** The API SecretId accepted in TC3 (and v2) signatures. @default DEMO_CREDENTIALS.secretId */
  secretId?: string;
  /** The SecretKey of `secretId`. @default DEMO_CREDENTIALS.secretKey */
  secretKey?: string;
  /**
   * The emulator's clock for ticket lifetimes (issue time, 5-minute expiry, legacy 20 minutes),
   * in ms. Advance it to expire tickets. @default Date.now
   */
  now?: () => number;
  /**
   * The clock the TC3 and v2 timestamp checks (5-minute skew) compare against, in ms. Separate from
   * `now` so that advancing `now` to expire a ticket does not also expire your client's signatures;
   * pass the same function as `now` if your client signs with that clock. @default Date.now
   */
  signatureNow?: () => number;
  /**
   * Behave as if "CaptchaAppid 强制校验" were on in the console: `show()` without a valid
   * `aidEncrypted` calls back with errorCode 1006. A given `aidEncrypted` is checked either way.
   * @default false
   */
  requireAidEncrypted?: boolean;
  /** Receives one line per request (method, path, outcome; never secrets). @default no logging */
  logger?: (line: string) => void;
}

/** Options after validation and defaults. @internal */
export interface ResolvedEmulatorOptions {
  port: number;
  host: string;
  appId: string;
  appSecretKey: string;
  apps: ReadonlyMap<string, string>;
  secretId: string;
  secretKey: string;
  now: () => number;
  signatureNow: () => number;
  requireAidEncrypted: boolean;
  log: (line: string) => void;
}

const invalid = (message: string): never => {
  throw new EmulatorError('invalid_options', message);
};

function nonEmpty(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256 || /\s/.test(value)) {
    invalid(`\`${name}\` must be a non-empty string without whitespace`);
  }
  return value as string;
}

function appIdOf(name: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[1-9]\d{0,19}$/.test(value)) invalid(`\`${name}\` must be a CaptchaAppId: digits, as a string`);
  return value as string;
}

/** Validates options once and fills in defaults. @internal */
export function resolveOptions(options: EmulatorOptions = {}): ResolvedEmulatorOptions {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) invalid('`port` must be an integer from 0 to 65535');
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.length === 0) invalid('`host` must be a non-empty string');
  const appId = appIdOf('appId', options.appId ?? DEMO_CREDENTIALS.appId);
  const appSecretKey = nonEmpty('appSecretKey', options.appSecretKey ?? DEMO_CREDENTIALS.appSecretKey);
  const apps = new Map<string, string>([[appId, appSecretKey]]);
  for (const [i, app] of (options.apps ?? []).entries()) {
    const id = appIdOf(`apps[${i}].appId`, app?.appId);
    if (apps.has(id)) invalid(`\`apps[${i}].appId\` ${id} is listed twice`);
    apps.set(id, nonEmpty(`apps[${i}].appSecretKey`, app.appSecretKey));
  }
  for (const name of ['now', 'signatureNow', 'logger'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') invalid(`\`${name}\` must be a function`);
  }
  // Read Date.now at call time so fake timers installed later still apply.
  const now = options.now ?? (() => Date.now());
  return {
    port,
    host,
    appId,
    appSecretKey,
    apps,
    secretId: nonEmpty('secretId', options.secretId ?? DEMO_CREDENTIALS.secretId),
    secretKey: nonEmpty('secretKey', options.secretKey ?? DEMO_CREDENTIALS.secretKey),
    now,
    signatureNow: options.signatureNow ?? (() => Date.now()),
    requireAidEncrypted: options.requireAidEncrypted ?? false,
    log: options.logger ?? (() => {}),
  };
}
