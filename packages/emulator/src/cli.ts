#!/usr/bin/env node
// `tencent-captcha-emulator`: see cli-main.ts. Stops cleanly on SIGINT/SIGTERM.
import { runCli } from './cli-main.js';

const emulator = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
});
if (emulator) {
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} else if (!process.argv.includes('--help') && !process.argv.includes('-h')) {
  process.exitCode = 1;
}
