/**
 * The demo server's options and handle, and how it picks its backend (the embedded emulator or real
 * Tencent).
 */
import { ENV, type CaptchaMode, type CaptchaVerifier, type CaptchaVerifierOptions, type LegacyCaptchaVerifier } from '@tencent-captcha/core';
import type { Emulator } from '@tencent-captcha/emulator';

/** Where tickets are verified: the embedded emulator, or Tencent's real service. */
export const DemoBackend = {
  Emulator: 'emulator',
  Tencent: 'tencent',
} as const;
/** One of {@link DemoBackend}'s values. */
export type DemoBackend = (typeof DemoBackend)[keyof typeof DemoBackend];

/** Options of {@link createDemoServer}. */
export interface DemoServerOptions {
  /** TCP port; `0` picks a free one. @default 3000 */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /**
   * An emulator to verify against (you start and close it; tests pass one on port 0). Without it the
   * server picks by {@link detectBackend}: real Tencent when its credentials are in `env`, otherwise an
   * embedded emulator it starts and closes itself.
   */
  emulator?: Emulator;
  /** Force a backend instead of detecting it from `env`. @default detectBackend(env) */
  backend?: DemoBackend;
  /** Where Tencent credentials are read from. @default process.env */
  env?: Record<string, string | undefined>;
  /** The initial policy mode (the page can change it). @default 'adaptive' */
  mode?: CaptchaMode;
  /** More options for `createCaptchaVerifier` (deadlines, budgets…); credentials and endpoint are the demo's. */
  verifier?: Omit<CaptchaVerifierOptions, 'endpoint' | 'captchaAppId' | 'appSecretKey' | 'secretId' | 'secretKey' | 'env'>;
  /** How long the page lets Tencent's script load before falling back, in ms. @default 5000 */
  loadTimeoutMs?: number;
  /** Receives one line per login and per fault change (never secrets). @default no output */
  log?: (line: string) => void;
  /** Folder with the built page (`index.html`, `app.js`, `styles.css`). @default <package>/dist/public */
  publicDir?: string;
}

/** A running demo server. */
export interface DemoServer {
  /** The page, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly backend: DemoBackend;
  /** The emulator in use (`undefined` on real Tencent). */
  readonly emulator: Emulator | undefined;
  /** The verifier behind the login route. */
  readonly verifier: CaptchaVerifier;
  /** The legacy (天御 `CaptchaCheck`) verifier behind `POST /legacy`. */
  readonly legacyVerifier: LegacyCaptchaVerifier;
  /** The CaptchaAppId the page uses. */
  readonly appId: string;
  /** The policy mode the login route passes to `verify` (the page's mode switch changes it). */
  mode: CaptchaMode;
  /** Stops listening and closes the verifier, and the emulator if the server started it. Idempotent. */
  close(): Promise<void>;
}

/** The environment variables that switch the demo to real Tencent (all four must be set). */
export const TENCENT_ENV = [ENV.secretId, ENV.secretKey, ENV.captchaAppId, ENV.appSecretKey] as const;

/** Real Tencent when all of {@link TENCENT_ENV} are set, otherwise the emulator. */
export function detectBackend(env: Record<string, string | undefined> = process.env): DemoBackend {
  return TENCENT_ENV.every((name) => (env[name] ?? '').trim() !== '') ? 'tencent' : 'emulator';
}
