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

/**
 * The emulated CAM role (CVM metadata service and STS) unless options set others: demo values too,
 * never anything real.
 */
export const DEMO_ROLE = {
  /** The CAM role of the emulated CVM instance (metadata service). */
  cvmRoleName: 'EmulatorCaptchaRole',
  /** The role STS `AssumeRole` / `AssumeRoleWithWebIdentity` accept. */
  roleArn: 'qcs::cam::uin/100000000001:roleName/EmulatorCaptchaRole',
  /** The OIDC identity provider TKE's `AssumeRoleWithWebIdentity` names (`TKE_PROVIDER_ID`). */
  oidcProviderId: 'emulator-oidc-provider',
  /** The web identity token that provider accepts (the file `TKE_WEB_IDENTITY_TOKEN_FILE` holds). */
  webIdentityToken: 'emulator.demo.web-identity-token',
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
  /** The CAM role name the metadata service reports. @default DEMO_ROLE.cvmRoleName */
  cvmRoleName?: string;
  /** The only `RoleArn` STS accepts. @default DEMO_ROLE.roleArn */
  roleArn?: string;
  /** The `ProviderId` `AssumeRoleWithWebIdentity` accepts. @default DEMO_ROLE.oidcProviderId */
  oidcProviderId?: string;
  /** The `WebIdentityToken` `AssumeRoleWithWebIdentity` accepts. @default DEMO_ROLE.webIdentityToken */
  webIdentityToken?: string;
  /**
   * How long the temporary keys the metadata service and STS issue live, in seconds (fractions
   * allowed, so tests can have keys that expire in a second or two); caps STS's `DurationSeconds`.
   * Also settable later with `emulator.temporaryKeys.setLifetime()`. @default 7200
   */
  temporaryKeyLifetimeSeconds?: number;
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
  cvmRoleName: string;
  roleArn: string;
  oidcProviderId: string;
  webIdentityToken: string;
  temporaryKeyLifetimeSeconds: number;
  log: (line: string) => void;
}

/** Validates a temporary key lifetime in seconds. @internal */
export function checkLifetime(seconds: unknown): number {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0 || seconds > 43_200) {
    invalid('`temporaryKeyLifetimeSeconds` must be a number of seconds above 0 and at most 43200');
  }
  return seconds as number;
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
    cvmRoleName: nonEmpty('cvmRoleName', options.cvmRoleName ?? DEMO_ROLE.cvmRoleName),
    roleArn: nonEmpty('roleArn', options.roleArn ?? DEMO_ROLE.roleArn),
    oidcProviderId: nonEmpty('oidcProviderId', options.oidcProviderId ?? DEMO_ROLE.oidcProviderId),
    webIdentityToken: nonEmpty('webIdentityToken', options.webIdentityToken ?? DEMO_ROLE.webIdentityToken),
    temporaryKeyLifetimeSeconds: checkLifetime(options.temporaryKeyLifetimeSeconds ?? 7200),
    log: options.logger ?? (() => {}),
  };
}
