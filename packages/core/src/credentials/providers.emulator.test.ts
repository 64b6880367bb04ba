// The providers against real files and the emulator's metadata service and STS: the environment and
// profile-file forms, the CVM role, STS AssumeRole, TKE OIDC, and the default chain's order.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import { defaultCredentialChain } from './chain.js';
import { fromCvmRole } from './cvm-role.js';
import { fromEnv } from './env.js';
import { fromProfile, parseIni } from './profile.js';
import { fromStsAssumeRole, fromTkeOidc } from './sts.js';

let emulator: Emulator;
let dir: string;
beforeAll(async () => {
  emulator = await createEmulator({ port: 0 });
  dir = await mkdtemp(join(tmpdir(), 'tc-credentials-'));
});
afterAll(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

describe('fromEnv()', () => {
  it('reads TENCENTCLOUD_SECRET_ID / _SECRET_KEY and, for a temporary key, TENCENTCLOUD_SESSION_TOKEN', async () => {
    await expect(fromEnv({ env: { TENCENTCLOUD_SECRET_ID: 'AKIDa', TENCENTCLOUD_SECRET_KEY: 'keyA' } }).getCredential()).resolves.toEqual({ secretId: 'AKIDa', secretKey: 'keyA' });
    await expect(fromEnv({ env: { TENCENTCLOUD_SECRET_ID: 'AKIDa', TENCENTCLOUD_SECRET_KEY: 'keyA', TENCENTCLOUD_SESSION_TOKEN: 'tok' } }).getCredential()).resolves.toEqual({ secretId: 'AKIDa', secretKey: 'keyA', token: 'tok' });
    await expect(fromEnv({ env: { TENCENTCLOUD_SECRET_ID: 'AKIDa' } }).getCredential()).rejects.toThrow('TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY are not both set');
  });
});

describe('fromProfile()', () => {
  it('reads secret_id, secret_key and token from the [default] section, or the one named', async () => {
    const file = join(dir, 'credentials');
    await writeFile(file, '# Tencent Cloud\n[default]\nsecret_id = AKIDdefault\nsecret_key = "defaultKey"\n\n[captcha]\nsecret_id=AKIDcaptcha\nsecret_key=captchaKey\ntoken = captchaToken\n');
    await expect(fromProfile({ path: file }).getCredential()).resolves.toEqual({ secretId: 'AKIDdefault', secretKey: 'defaultKey' });
    await expect(fromProfile({ path: file, profile: 'captcha' }).getCredential()).resolves.toEqual({ secretId: 'AKIDcaptcha', secretKey: 'captchaKey', token: 'captchaToken' });
  });

  it('fails naming the file and section, never a value', async () => {
    const file = join(dir, 'partial');
    await writeFile(file, '[default]\nsecret_id = AKIDonly\n');
    const error = await fromProfile({ path: file }).getCredential().catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(`${file} has no secret_id and secret_key in [default]`);
    await expect(fromProfile({ path: join(dir, 'absent') }).getCredential()).rejects.toThrow(/cannot read .*absent \(ENOENT\)/);
  });

  it('parses INI as the official SDK\'s files are written (comments, spaces, CRLF)', () => {
    expect(parseIni('; c\r\n[ default ]\r\nsecret_id = a\r\nno_equals\r\n').get('default')).toEqual(new Map([['secret_id', 'a']]));
  });
});

describe('fromCvmRole()', () => {
  it('asks the metadata service for the role name once, then the role key with its expiry', async () => {
    const provider = fromCvmRole({ metadataUrl: emulator.temporaryKeys.metadataUrl });
    const before = emulator.temporaryKeys.stats().metadataRequests;
    const first = await provider.getCredential();
    expect(first).toEqual({ secretId: expect.stringMatching(/^AKIDtmp/), secretKey: expect.any(String), token: expect.any(String), expiresAt: expect.any(Number) });
    expect(first.expiresAt).toBeGreaterThan(Date.now() + 7000_000);
    await provider.getCredential();
    expect(emulator.temporaryKeys.stats().metadataRequests - before).toBe(3);
  });

  it('fails with a clear error when the metadata service is down', async () => {
    emulator.temporaryKeys.setMetadataAvailable(false);
    try {
      await expect(fromCvmRole({ metadataUrl: emulator.temporaryKeys.metadataUrl }).getCredential()).rejects.toThrow(/^cannot reach 127\.0\.0\.1:\d+/);
    } finally {
      emulator.temporaryKeys.setMetadataAvailable(true);
    }
  });
});

describe('fromStsAssumeRole() and fromTkeOidc()', () => {
  it('AssumeRole signed with a static key gives a temporary key for the role', async () => {
    const provider = fromStsAssumeRole({
      roleArn: emulator.temporaryKeys.roleArn,
      roleSessionName: 'captcha-test',
      durationSeconds: 900,
      credentials: { secretId: emulator.secretId, secretKey: emulator.secretKey },
      endpoint: emulator.apiUrl,
    });
    const key = await provider.getCredential();
    expect(key).toMatchObject({ secretId: expect.stringMatching(/^AKIDtmp/), token: expect.any(String) });
    expect(key.expiresAt).toBe(Math.floor((Date.now() + 900_000) / 1000) * 1000);
  });

  it('AssumeRole signed by another provider\'s temporary key sends its X-TC-Token', async () => {
    const provider = fromStsAssumeRole({ roleArn: emulator.temporaryKeys.roleArn, roleSessionName: 'chained', credentials: fromCvmRole({ metadataUrl: emulator.temporaryKeys.metadataUrl }), endpoint: emulator.apiUrl });
    await expect(provider.getCredential()).resolves.toMatchObject({ token: expect.any(String) });
    const tokenless = fromStsAssumeRole({ roleArn: emulator.temporaryKeys.roleArn, roleSessionName: 'chained', credentials: { ...asStatic(emulator.temporaryKeys.issue()), token: undefined }, endpoint: emulator.apiUrl });
    await expect(tokenless.getCredential()).rejects.toThrow('STS AssumeRole answered AuthFailure.TokenFailure');
  });

  it('refuses bad options at creation', () => {
    expect(() => fromStsAssumeRole({ roleArn: 'role', roleSessionName: 'x1', credentials: { secretId: 'a', secretKey: 'b' } })).toThrow(expect.objectContaining({ code: 'invalid_option', option: 'roleArn' }));
    expect(() => fromStsAssumeRole({ roleArn: emulator.temporaryKeys.roleArn, roleSessionName: 'x', credentials: { secretId: 'a', secretKey: 'b' } })).toThrow(expect.objectContaining({ option: 'roleSessionName' }));
    expect(() => fromStsAssumeRole({ roleArn: emulator.temporaryKeys.roleArn, roleSessionName: 'x1', credentials: {} as never })).toThrow(expect.objectContaining({ option: 'credentials' }));
  });

  it('TKE OIDC reads TKE_* and the token file, and calls AssumeRoleWithWebIdentity', async () => {
    const tokenFile = join(dir, 'web-identity-token');
    await writeFile(tokenFile, `${emulator.temporaryKeys.webIdentityToken}\n`);
    const env = { TKE_REGION: 'ap-guangzhou', TKE_PROVIDER_ID: emulator.temporaryKeys.oidcProviderId, TKE_WEB_IDENTITY_TOKEN_FILE: tokenFile, TKE_ROLE_ARN: emulator.temporaryKeys.roleArn };
    await expect(fromTkeOidc({ env, endpoint: emulator.apiUrl }).getCredential()).resolves.toMatchObject({ secretId: expect.stringMatching(/^AKIDtmp/), token: expect.any(String) });
    await expect(fromTkeOidc({ env: { ...env, TKE_ROLE_ARN: undefined }, endpoint: emulator.apiUrl }).getCredential()).rejects.toThrow(/^TKE_ROLE_ARN is not set/);
    await writeFile(tokenFile, 'forged');
    await expect(fromTkeOidc({ env, endpoint: emulator.apiUrl }).getCredential()).rejects.toThrow('STS AssumeRoleWithWebIdentity answered InvalidParameter.WebIdentityTokenError');
  });
});

describe('defaultCredentialChain()', () => {
  it('tries environment, profile, CVM role, TKE OIDC in that order, and says which gave the key', async () => {
    const profile = join(dir, 'chain-profile');
    await writeFile(profile, '[default]\nsecret_id = AKIDprofile\nsecret_key = profileKey\n');
    const cvmRole = { metadataUrl: emulator.temporaryKeys.metadataUrl };
    const env = { TENCENTCLOUD_SECRET_ID: 'AKIDenv', TENCENTCLOUD_SECRET_KEY: 'envKey' };
    await expect(defaultCredentialChain({ env, profile: { path: profile }, cvmRole }).getCredential()).resolves.toMatchObject({ secretId: 'AKIDenv', source: 'env' });
    await expect(defaultCredentialChain({ env: {}, profile: { path: profile }, cvmRole }).getCredential()).resolves.toMatchObject({ secretId: 'AKIDprofile', source: 'profile' });
    await expect(defaultCredentialChain({ env: {}, profile: { path: join(dir, 'none') }, cvmRole }).getCredential()).resolves.toMatchObject({ token: expect.any(String), source: 'cvm-role' });
    emulator.temporaryKeys.setMetadataAvailable(false);
    try {
      await expect(defaultCredentialChain({ env: {}, profile: { path: join(dir, 'none') }, cvmRole }).getCredential()).rejects.toThrow(
        /^no provider gave a key \(env: .*; profile: .*; cvm-role: cannot reach .*; tke-oidc: TKE_REGION is not set/,
      );
    } finally {
      emulator.temporaryKeys.setMetadataAvailable(true);
    }
  });
});

function asStatic(k: { TmpSecretId: string; TmpSecretKey: string; Token: string }) {
  return { secretId: k.TmpSecretId, secretKey: k.TmpSecretKey, token: k.Token };
}
