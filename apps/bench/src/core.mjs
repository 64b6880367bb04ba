// The core under test: the workspace's `@tencent-captcha/core` (its dist), or another build named by
// BENCH_CORE_MODULE (a path or file: URL to a dist/index.js), e.g. a build of an older commit to
// compare against in the same conditions.
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';

const given = process.env.BENCH_CORE_MODULE;
/** Where core was loaded from, for the report. */
export const coreSource = given ?? '@tencent-captcha/core (workspace dist)';
const core = await import(given ? (isAbsolute(given) ? pathToFileURL(given).href : given) : '@tencent-captcha/core');
export const { createCaptchaVerifier, createMemoryStore, createRedisStore } = core;
