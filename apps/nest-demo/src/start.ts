/**
 * `pnpm --filter @tencent-captcha/nest-demo start`: the Nest demo on PORT (default 3001) and HOST
 * (default 127.0.0.1), on the embedded emulator unless Tencent credentials are in the environment.
 */
import { TENCENT_ENV, detectBackend } from '@tencent-captcha/demo';
import { createNestDemoServer } from './index.js';

const env = process.env;
const port = env.PORT === undefined || env.PORT === '' ? 3001 : Number(env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be an integer from 0 to 65535 (got ${JSON.stringify(env.PORT)}).`);
  process.exit(1);
}
const stamp = (): string => new Date().toISOString().slice(11, 19);

try {
  const demo = await createNestDemoServer({ port, host: env.HOST || '127.0.0.1', backend: detectBackend(env), log: (line) => console.log(`${stamp()} ${line}`) });
  console.log(
    [
      '',
      `  tencent-captcha NestJS demo  ${demo.url}`,
      '',
      demo.backend === 'emulator'
        ? `  Mode: OFFLINE EMULATOR (no Tencent account, no network); emulator at ${demo.emulator?.url}.\n  Set ${TENCENT_ENV.join(', ')} to use real Tencent Cloud.`
        : `  Mode: REAL TENCENT CLOUD (CaptchaAppId ${demo.appId}).`,
      '',
      '  Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  const stop = (): void => void demo.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE') console.error(`Port ${port} is in use: start with PORT=<another port>.`);
  else console.error(`The Nest demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
