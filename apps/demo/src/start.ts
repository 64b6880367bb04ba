/**
 * `pnpm start`: starts the demo on PORT (default 3000) and HOST (default 127.0.0.1), on the embedded
 * emulator unless Tencent credentials are in the environment, and says which.
 */
import { CaptchaMode } from '@tencent-captcha/core';
import { createDemoServer } from './server.js';
import { TENCENT_ENV, detectBackend } from './server-options.js';

const env = process.env;
const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be an integer from 0 to 65535 (got ${JSON.stringify(env.PORT)}).`);
  process.exit(1);
}
const host = env.HOST || '127.0.0.1';
const backend = detectBackend(env);
const stamp = (): string => new Date().toISOString().slice(11, 19);

try {
  const demo = await createDemoServer({ port, host, backend, log: (line) => console.log(`${stamp()} ${line}`) });
  const lines = [
    '',
    `  tencent-captcha demo  ${demo.url}`,
    '',
    demo.backend === 'emulator'
      ? `  Mode: OFFLINE EMULATOR (no Tencent account, no network). CaptchaAppId ${demo.appId} is the emulator's demo app.\n` +
        `  Set ${TENCENT_ENV.join(', ')} to use real Tencent Cloud instead.\n` +
        `  Emulator: ${demo.emulator?.url} (its SDK and fault switches are proxied at ${demo.url}/TCaptcha.js and ${demo.url}/__emulator/faults)`
      : `  Mode: REAL TENCENT CLOUD (CaptchaAppId ${demo.appId}; credentials from ${TENCENT_ENV.join(', ')}).\n` +
        '  The fault panel is off: faults exist only in the emulator.',
    `  Policy mode: ${demo.mode} (${Object.values(CaptchaMode).join(' | ')}; switch it on the page)`,
    '',
    '  Ctrl+C to stop.',
    '',
  ];
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void demo.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE') console.error(`Port ${port} is in use: start with PORT=<another port> pnpm start.`);
  else console.error(`The demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
