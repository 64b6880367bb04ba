/**
 * The doctor: `tencent-captcha doctor [--json]` builds a verifier from the environment, runs its
 * checks (`checks.ts`) and prints the report. It depends on the verifier; the verifier never depends on it.
 */
import { ENV } from '../config/credentials.js';
import { isCaptchaConfigError } from '../config/errors.js';
import type { CaptchaCheck, CaptchaCheckReport, CheckStatus } from '../types/check.js';
import { checkNetwork, checkRedis, fail, skip } from './checks.js';

const GLYPH: Record<CheckStatus, string> = { pass: '✓', fail: '✗', skip: '–' };
/** The report as text, one line per check, with the hint under a failure. */
export function formatCheckReport(report: CaptchaCheckReport): string {
  const lines = [`tencent-captcha doctor — endpoint ${report.endpoint}`];
  for (const c of report.checks) {
    lines.push(`${GLYPH[c.status]} ${c.name.padEnd(11)} ${c.summary}`);
    if (c.hint) lines.push(`  → ${c.hint}`);
  }
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  lines.push(report.ok ? 'All checks passed.' : `${failed} check${failed === 1 ? '' : 's'} failed.`);
  return `${lines.join('\n')}\n`;
}
/** What `runDoctor` needs from the process (injected for tests). */
export interface DoctorIo {
  env: Record<string, string | undefined>;
  write(text: string): void;
}
const USAGE = `Usage: tencent-captcha doctor [--json] [--chain]

Checks the captcha setup this process would use and explains each result:
credentials, DNS and TCP/TLS to the endpoint, the clock, a signed call with a
dummy ticket (proves SecretId/SecretKey and CaptchaAppId/AppSecretKey), and
Redis when REDIS_URL is set. Exit code 0 only when every check passes.

Environment: ${ENV.captchaAppId}, ${ENV.appSecretKey}, ${ENV.secretId},
${ENV.secretKey}, ${ENV.endpoint} (default https://captcha.tencentcloudapi.com/),
REDIS_URL (optional), TENCENTCLOUD_SESSION_TOKEN (a temporary key's token).

--chain  take the API key from the official SDK's credential chain instead
         (environment, ~/.tencentcloud/credentials, CVM role, TKE OIDC) and
         report which provider gave it, its expiry and whether a refresh works.
`;
/**
 * The CLI: `tencent-captcha doctor [--json] [--chain]`. Resolves with the exit code (0 when all checks pass,
 * 1 when one fails, 2 for a usage error).
 */
export async function runDoctor(args: readonly string[], io: DoctorIo): Promise<number> {
  const json = args.includes('--json');
  const chain = args.includes('--chain');
  const rest = args.filter((a) => a !== '--json' && a !== '--chain');
  if (rest.includes('--help') || rest.includes('-h')) {
    io.write(USAGE);
    return 0;
  }
  if (rest.length !== 1 || rest[0] !== 'doctor') {
    io.write(USAGE);
    return 2;
  }
  const { createCaptchaVerifier } = await import('../engine/verifier.js');
  const redisUrl = io.env.REDIS_URL || undefined;
  let report: CaptchaCheckReport;
  try {
    const credentials = chain ? (await import('../credentials/chain.js')).defaultCredentialChain({ env: io.env }) : undefined;
    const verifier = createCaptchaVerifier({ env: io.env, logger: false, telemetry: false, ...(credentials ? { credentials } : {}) });
    try {
      report = await verifier.check({ redisUrl });
    } finally {
      await verifier.close();
    }
  } catch (error) {
    if (!isCaptchaConfigError(error)) throw error;
    // The options are wrong: say which, then check what can be checked without them.
    let endpoint = io.env[ENV.endpoint] || 'https://captcha.tencentcloudapi.com/';
    try {
      endpoint = new URL(endpoint).origin + '/';
    } catch {
      endpoint = 'https://captcha.tencentcloudapi.com/';
    }
    const checks: CaptchaCheck[] = [fail('credentials', error.message, `set the variables named above (${ENV.captchaAppId}, ${ENV.appSecretKey}, ${ENV.secretId}, ${ENV.secretKey}) in this environment.`)];
    if (error.code !== 'invalid_endpoint') {
      checks.push(...(await checkNetwork({ endpoint, attemptTimeoutMs: 3000, now: Date.now, viaProxy: false, injectedFetch: false })));
    }
    checks.push(skip('api_key', 'not tried: fix the credentials first'), skip('captcha_app', 'not tried: fix the credentials first'));
    if (redisUrl) checks.push(await checkRedis(redisUrl, 3000));
    report = { ok: false, endpoint, transport: null, checks };
  }
  io.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatCheckReport(report));
  return report.ok ? 0 : 1;
}
