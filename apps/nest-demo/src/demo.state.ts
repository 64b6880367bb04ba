/**
 * What the Nest demo's controller needs to know: the backend, the page, and the current policy mode
 * (the page's mode switch changes it).
 */
import type { CaptchaMode, CaptchaVerifier } from '@tencent-captcha/core';
import type { DemoPage } from '@tencent-captcha/demo';

/** DI token of {@link NestDemoState}. */
export const DEMO_STATE = Symbol('NEST_DEMO_STATE');

/** Shared state of one Nest demo server. */
export interface NestDemoState {
  backend: 'emulator' | 'tencent';
  appId: string;
  mode: CaptchaMode;
  loadTimeoutMs: number;
  emulatorEnabled: boolean;
  page: DemoPage;
  /** The verifier the module's guard calls. */
  verifier: CaptchaVerifier;
  log(line: string): void;
}
