#!/usr/bin/env node
/**
 * `tencent-captcha doctor [--json]` (the bin of `@tencent-captcha/core`): checks the setup this process
 * would use, from the same environment variables as the verifier. See `runDoctor` in doctor.ts.
 */
import { runDoctor } from './operations/doctor.js';

runDoctor(process.argv.slice(2), { env: process.env, write: (text) => process.stdout.write(text) }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`tencent-captcha: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
