// The `credentials` option end to end against the emulator, which enforces X-TC-Token / Token and
// really expires temporary keys: a CVM role rotating under concurrent verifications, a metadata
// outage (on an injected clock), an official SDK provider plugged in unchanged, the environment form
// with TENCENTCLOUD_SESSION_TOKEN, the legacy verifier, and the doctor.
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import { STSCredential } from 'tencentcloud-sdk-nodejs/tencentcloud/common/credential.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createLegacyCaptchaVerifier } from '../legacy/verifier.js';
import type { CaptchaVerifierOptions } from '../types/options.js';
import { httpResponseForVerdict } from '../decision/reasons.js';
import type { CaptchaVerdict } from '../types/verdict.js';
import { createCaptchaVerifier } from '../engine/verifier.js';
import { runDoctor } from '../operations/doctor.js';
import { fromCvmRole } from './cvm-role.js';

const USER_IP = '203.0.113.7';
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((c) => c()));
});

async function emulatorWith(options: Parameters<typeof createEmulator>[0] = {}) {
  const lines: string[] = [];
  const emulator = await createEmulator({ port: 0, logger: (line) => lines.push(line), ...options });
  cleanup.push(() => emulator.close());
  return { emulator, lines };
}

function verifierFor(emulator: Emulator, options: CaptchaVerifierOptions) {
  const v = createCaptchaVerifier({
    captchaAppId: emulator.appId,
    appSecretKey: emulator.appSecretKey,
    endpoint: emulator.apiUrl,
    env: {},
    attemptTimeoutMs: 10_000,
    deadlineMs: 15_000,
    logger: false,
    ...options,
  });
  cleanup.push(() => v.close());
  return v;
}

const verifyOne = (emulator: Emulator, verifier: { verify: (i: { ticket: string; randstr: string; userIp: string }) => Promise<CaptchaVerdict> }) => {
  const { ticket, randstr } = emulator.issueTicket();
  return verifier.verify({ ticket, randstr, userIp: USER_IP });
};

describe('credentials: a CVM role', () => {
  it('rotates keys living 6 s under 16 concurrent verifiers: every verdict verified, the metadata service asked a handful of times, never an expired key', async () => {
    const { emulator, lines } = await emulatorWith({ temporaryKeyLifetimeSeconds: 6 });
    const verifier = verifierFor(emulator, { credentials: fromCvmRole({ metadataUrl: emulator.temporaryKeys.metadataUrl }) });
    const until = Date.now() + 11_000; // about three rotations (a new key every ~3 s)
    const verdicts: CaptchaVerdict[] = [];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (Date.now() < until) verdicts.push(await verifyOne(emulator, verifier));
      }),
    );
    const wrong = verdicts.filter((v) => v.status !== 'verified');
    expect(wrong.map((v) => `${v.reason} ${v.apiError?.code ?? ''}`)).toEqual([]);
    expect(verdicts.length).toBeGreaterThan(100);
    const stats = emulator.temporaryKeys.stats();
    expect(stats.issued).toBeGreaterThanOrEqual(3);
    // The role name once, then about two calls per key: a handful, not one per verification.
    expect(stats.metadataRequests).toBeLessThanOrEqual(2 * stats.issued + 3);
    expect(lines.filter((l) => l.includes('TokenFailure'))).toEqual([]);
  }, 30_000);

  it('keeps verifying while the metadata service is down until the key is no longer usable, then answers misconfigured (503), never accepted, and recovers', async () => {
    const clock = { t: Date.now() };
    const { emulator, lines } = await emulatorWith({ signatureNow: () => clock.t, temporaryKeyLifetimeSeconds: 7200 });
    const logged: unknown[] = [];
    const verifier = verifierFor(emulator, {
      credentials: fromCvmRole({ metadataUrl: emulator.temporaryKeys.metadataUrl }),
      now: () => clock.t,
      mode: 'open',
      logger: { warn: (m, d) => logged.push([m, d]), error: (m, d) => logged.push([m, d]) },
    });
    expect((await verifyOne(emulator, verifier)).status).toBe('verified');
    emulator.temporaryKeys.setMetadataAvailable(false);
    // 2 h key: refresh due after ~59.5 min, usable until 1 min before expiry.
    const start = clock.t;
    const at = async (minutes: number) => {
      clock.t = start + minutes * 60_000;
      return verifyOne(emulator, verifier);
    };
    for (const minutes of [60, 61, 90, 118.9]) expect((await at(minutes)).status).toBe('verified');
    const requestsWhileDown = emulator.temporaryKeys.stats().metadataRequests;
    const refused = await at(119.1);
    expect(refused).toMatchObject({ status: 'rejected', accepted: false, reason: 'misconfigured' });
    expect(httpResponseForVerdict(refused).status).toBe(503);
    // Between retries, refusals are immediate: verifications cannot hammer the metadata service.
    for (let i = 0; i < 20; i++) expect((await verifyOne(emulator, verifier)).accepted).toBe(false);
    expect(emulator.temporaryKeys.stats().metadataRequests - requestsWhileDown).toBeLessThanOrEqual(2);
    expect(verifier.breakerState).toBe('closed');
    // One log line per failure streak names the provider and the error, never a secret.
    const refreshLines = logged.filter((l) => String((l as [string])[0]).includes('credential'));
    expect(refreshLines.length).toBeGreaterThanOrEqual(1);
    expect(refreshLines.length).toBeLessThanOrEqual(4);
    expect(JSON.stringify(refreshLines)).toContain('cvm-role');
    expect(lines.filter((l) => l.includes('TokenFailure'))).toEqual([]);
    // The metadata service comes back: after the backoff, verification works again.
    emulator.temporaryKeys.setMetadataAvailable(true);
    clock.t += 61_000;
    expect((await verifyOne(emulator, verifier)).status).toBe('verified');
  });
});

describe('credentials: other forms', () => {
  it('plugs in the official SDK\'s STSCredential unchanged (its key carries a token the emulator checks)', async () => {
    const { emulator } = await emulatorWith();
    const sts = new STSCredential(
      { credential: { secretId: emulator.secretId, secretKey: emulator.secretKey }, profile: { httpProfile: { endpoint: emulator.apiEndpoint, protocol: 'http://', reqTimeout: 5 } } },
      { RoleArn: emulator.temporaryKeys.roleArn, RoleSessionName: 'official-sdk' },
    );
    const verifier = verifierFor(emulator, { credentials: sts });
    expect((await verifyOne(emulator, verifier)).status).toBe('verified');
    const report = await verifier.check();
    expect(report.checks.find((c) => c.name === 'credential_provider')?.summary).toMatch(/^STSCredential gave a temporary key \(expiry not given\); a refresh works$/);
  });

  it('sends a static temporary key\'s token as X-TC-Token; without it Tencent answers TokenFailure → misconfigured', async () => {
    const { emulator } = await emulatorWith();
    const k = emulator.temporaryKeys.issue();
    const withToken = verifierFor(emulator, { credentials: { secretId: k.TmpSecretId, secretKey: k.TmpSecretKey, token: k.Token } });
    expect((await verifyOne(emulator, withToken)).status).toBe('verified');
    const without = verifierFor(emulator, { credentials: { secretId: k.TmpSecretId, secretKey: k.TmpSecretKey } });
    expect(await verifyOne(emulator, without)).toMatchObject({ reason: 'misconfigured', accepted: false, apiError: { code: 'AuthFailure.TokenFailure' } });
  });

  it('reads TENCENTCLOUD_SESSION_TOKEN with the environment default, and secretId/secretKey stay a shorthand', async () => {
    const { emulator } = await emulatorWith();
    const k = emulator.temporaryKeys.issue();
    const env = { TENCENTCLOUD_SECRET_ID: k.TmpSecretId, TENCENTCLOUD_SECRET_KEY: k.TmpSecretKey, TENCENTCLOUD_SESSION_TOKEN: k.Token };
    expect((await verifyOne(emulator, verifierFor(emulator, { env }))).status).toBe('verified');
    expect((await verifyOne(emulator, verifierFor(emulator, { secretId: emulator.secretId, secretKey: emulator.secretKey }))).status).toBe('verified');
  });

  it('refuses both forms at once, and a malformed static key, at creation', async () => {
    const { emulator } = await emulatorWith();
    expect(() => verifierFor(emulator, { secretId: emulator.secretId, secretKey: emulator.secretKey, credentials: { secretId: 'AKIDx', secretKey: 'y' } })).toThrow(
      expect.objectContaining({ code: 'invalid_option', option: 'credentials' }),
    );
    expect(() => verifierFor(emulator, { credentials: { secretId: 'AKID x', secretKey: 'y' } })).toThrow(expect.objectContaining({ code: 'invalid_credential', option: 'credentials' }));
  });

  it('the legacy verifier sends a temporary key\'s Token parameter', async () => {
    const { emulator } = await emulatorWith();
    const legacy = createLegacyCaptchaVerifier({ captchaAppId: emulator.appId, endpoint: emulator.legacyApiUrl, env: {}, logger: false, credentials: fromCvmRole({ metadataUrl: emulator.temporaryKeys.metadataUrl }) });
    cleanup.push(() => legacy.close());
    const { ticket } = emulator.issueLegacyTicket();
    expect(await legacy.verify({ ticket, randstr: '', userIp: USER_IP })).toMatchObject({ status: 'verified' });
    const k = emulator.temporaryKeys.issue();
    const tokenless = createLegacyCaptchaVerifier({ captchaAppId: emulator.appId, endpoint: emulator.legacyApiUrl, env: {}, logger: false, credentials: { secretId: k.TmpSecretId, secretKey: k.TmpSecretKey } });
    cleanup.push(() => tokenless.close());
    expect(await tokenless.verify({ ticket: emulator.issueLegacyTicket().ticket, randstr: '', userIp: USER_IP })).toMatchObject({ reason: 'misconfigured', accepted: false });
  });
});

describe('the doctor with credentials', () => {
  it('reports the provider, the expiry and that a refresh works', async () => {
    const { emulator } = await emulatorWith();
    const verifier = verifierFor(emulator, { credentials: fromCvmRole({ metadataUrl: emulator.temporaryKeys.metadataUrl }) });
    const report = await verifier.check();
    const line = report.checks.find((c) => c.name === 'credential_provider');
    expect(line).toMatchObject({ status: 'pass', summary: expect.stringMatching(/^cvm-role gave a temporary key expiring \d{4}-\d{2}-\d{2}T.*; a refresh works$/) });
    expect(report.ok).toBe(true);
  });

  it('reports a refresh that fails, and a token Tencent refuses (AuthFailure.TokenFailure)', async () => {
    const { emulator } = await emulatorWith();
    const verifier = verifierFor(emulator, { credentials: fromCvmRole({ metadataUrl: emulator.temporaryKeys.metadataUrl }) });
    await verifyOne(emulator, verifier);
    emulator.temporaryKeys.setMetadataAvailable(false);
    const down = await verifier.check();
    expect(down.checks.find((c) => c.name === 'credential_provider')).toMatchObject({ status: 'fail', summary: expect.stringMatching(/refresh failed: cvm-role: cannot reach/) });
    const k = emulator.temporaryKeys.issue();
    const tokenless = verifierFor(emulator, { credentials: { secretId: k.TmpSecretId, secretKey: k.TmpSecretKey } });
    const report = await tokenless.check();
    expect(report.checks.find((c) => c.name === 'api_key')).toMatchObject({ status: 'fail', summary: expect.stringContaining('AuthFailure.TokenFailure'), hint: expect.stringContaining('token') });
  });

  it('the CLI with --chain says which provider of the chain gave the key', async () => {
    const { emulator } = await emulatorWith();
    const k = emulator.temporaryKeys.issue();
    const env = {
      TENCENT_CAPTCHA_APP_ID: emulator.appId,
      TENCENT_CAPTCHA_APP_SECRET_KEY: emulator.appSecretKey,
      TENCENT_CAPTCHA_ENDPOINT: emulator.apiUrl,
      TENCENTCLOUD_SECRET_ID: k.TmpSecretId,
      TENCENTCLOUD_SECRET_KEY: k.TmpSecretKey,
      TENCENTCLOUD_SESSION_TOKEN: k.Token,
    };
    let out = '';
    const code = await runDoctor(['doctor', '--chain'], { env, write: (t) => (out += t) });
    expect(out).toMatch(/✓ credential_provider\s+chain:env gave a temporary key \(expiry not given\); a refresh works/);
    expect(out).not.toContain(k.TmpSecretKey);
    expect(out).not.toContain(k.Token);
    expect(code).toBe(0);
  });
});
