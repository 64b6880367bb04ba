/**
 * `@tencent-captcha/demo` (private): the demo server, and the pieces the Nest demo reuses (the built
 * page, the emulator proxy, the plain-language verdict summary).
 */
export { createDemoServer } from './server.js';
export { detectBackend, DemoBackend, TENCENT_ENV, type DemoServer, type DemoServerOptions } from './server-options.js';
export { summarizeVerdict, loginAnswerDetails, type VerdictSummary, type LoginAnswerDetails } from './summary.js';
export { DEMO_PUBLIC_DIR, loadDemoPage, type DemoPage, type DemoPageConfig } from './assets.js';
export { EMULATOR_SDK_PATH, isEmulatorPath, isEmulatorControlPath, isLoopbackAddress, normaliseTarget, proxyToEmulator } from './emulator-proxy.js';
