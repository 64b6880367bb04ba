// Temporary keys: the CVM metadata service, STS (AssumeRole / AssumeRoleWithWebIdentity), and the
// token every signed route enforces (X-TC-Token with TC3, the Token parameter with v2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STSCredential, OIDCRoleArnCredential } from 'tencentcloud-sdk-nodejs/tencentcloud/common/credential.js';
import { Client } from 'tencentcloud-sdk-nodejs/tencentcloud/services/captcha/v20190722/captcha_client.js';
import { createEmulator, type Emulator } from '../emulator.js';
import { callApi, callLegacy, describeBody, rawRequest } from '../testing/http-client.js';

let emulator: Emulator;
// The signature clock also decides key expiry; tests move it to expire keys without sleeping.
const clock = { t: Date.now() };
beforeAll(async () => {
  emulator = await createEmulator({ port: 0, signatureNow: () => clock.t });
});
afterAll(async () => {
  await emulator.close();
});

const describeWith = (key: { secretId: string; secretKey: string; token?: string }) => {
  const ticket = emulator.issueTicket();
  return callApi({
    apiUrl: emulator.apiUrl,
    ...key,
    timestamp: Math.floor(clock.t / 1000),
    body: describeBody({ ...ticket, appId: emulator.appId, appSecretKey: emulator.appSecretKey }),
  });
};
const checkWith = (key: { secretId: string; secretKey: string }, token?: string) =>
  callLegacy({
    legacyApiUrl: emulator.legacyApiUrl,
    ...key,
    timestamp: Math.floor(clock.t / 1000),
    params: { Action: 'CaptchaCheck', ticket: emulator.issueLegacyTicket().ticket, captchaType: 9, userIp: '203.0.113.9', ...(token === undefined ? {} : { Token: token }) },
  });
const asKey = (k: { TmpSecretId: string; TmpSecretKey: string; Token: string }) => ({ secretId: k.TmpSecretId, secretKey: k.TmpSecretKey, token: k.Token });

describe('CVM metadata service', () => {
  it('answers the role name, then the role key in Tencent\'s shape; the same key until half its lifetime', async () => {
    const base = emulator.temporaryKeys.metadataUrl;
    const name = await rawRequest(`${base}cam/security-credentials/`);
    expect(name).toMatchObject({ status: 200, text: emulator.temporaryKeys.cvmRoleName });
    const first = JSON.parse((await rawRequest(`${base}cam/security-credentials/${name.text}`)).text);
    expect(first).toEqual({
      TmpSecretId: expect.stringMatching(/^AKID/),
      TmpSecretKey: expect.any(String),
      Token: expect.any(String),
      ExpiredTime: Math.floor(clock.t / 1000) + 7200,
      Expiration: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      Code: 'Success',
    });
    expect(new Date(first.Expiration).getTime()).toBe(first.ExpiredTime * 1000);
    const again = JSON.parse((await rawRequest(`${base}cam/security-credentials/${name.text}`)).text);
    expect(again.TmpSecretId).toBe(first.TmpSecretId);
    clock.t += 3601_000;
    try {
      const renewed = JSON.parse((await rawRequest(`${base}cam/security-credentials/${name.text}`)).text);
      expect(renewed.TmpSecretId).not.toBe(first.TmpSecretId);
    } finally {
      clock.t -= 3601_000;
    }
    expect((await rawRequest(`${base}cam/security-credentials/NoSuchRole`)).status).toBe(404);
  });

  it('resets connections while switched off, and counts every request', async () => {
    const before = emulator.temporaryKeys.stats().metadataRequests;
    emulator.temporaryKeys.setMetadataAvailable(false);
    try {
      await expect(rawRequest(`${emulator.temporaryKeys.metadataUrl}cam/security-credentials/`)).rejects.toMatchObject({ code: 'ECONNRESET' });
    } finally {
      emulator.temporaryKeys.setMetadataAvailable(true);
    }
    expect((await rawRequest(`${emulator.temporaryKeys.metadataUrl}cam/security-credentials/`)).status).toBe(200);
    expect(emulator.temporaryKeys.stats().metadataRequests).toBe(before + 2);
  });
});

describe('X-TC-Token on DescribeCaptchaResult', () => {
  it('accepts a temporary key with its token', async () => {
    const res = await describeWith(asKey(emulator.temporaryKeys.issue()));
    expect(res.json.Response.CaptchaCode).toBe(1);
  });

  it('answers AuthFailure.TokenFailure for a missing, wrong or expired token', async () => {
    const key = asKey(emulator.temporaryKeys.issue(2));
    const missing = await describeWith({ secretId: key.secretId, secretKey: key.secretKey });
    expect(missing.json.Response.Error).toEqual({ Code: 'AuthFailure.TokenFailure', Message: expect.stringContaining('no Token') });
    const wrong = await describeWith({ ...key, token: asKey(emulator.temporaryKeys.issue()).token });
    expect(wrong.json.Response.Error).toMatchObject({ Code: 'AuthFailure.TokenFailure', Message: expect.stringContaining('does not belong') });
    clock.t += 2000;
    try {
      const expired = await describeWith(key);
      expect(expired.json.Response.Error).toMatchObject({ Code: 'AuthFailure.TokenFailure', Message: expect.stringContaining('expired') });
    } finally {
      clock.t -= 2000;
    }
  });

  it('still checks the signature first: a wrong TmpSecretKey is a SignatureFailure', async () => {
    const key = asKey(emulator.temporaryKeys.issue());
    const res = await describeWith({ ...key, secretKey: 'not-the-key' });
    expect(res.json.Response.Error.Code).toBe('AuthFailure.SignatureFailure');
  });
});

describe('Token on the legacy v2 API', () => {
  it('accepts a temporary key with its Token parameter; 4105 AuthFailure.TokenFailure without, wrong or expired', async () => {
    const k = emulator.temporaryKeys.issue(2);
    const key = { secretId: k.TmpSecretId, secretKey: k.TmpSecretKey };
    expect((await checkWith(key, k.Token)).json.code).toBe(0);
    expect((await checkWith(key)).json).toMatchObject({ code: 4105, codeDesc: 'AuthFailure.TokenFailure' });
    expect((await checkWith(key, 'wrong')).json).toMatchObject({ code: 4105, codeDesc: 'AuthFailure.TokenFailure' });
    clock.t += 2000;
    try {
      expect((await checkWith(key, k.Token)).json).toMatchObject({ code: 4105, message: expect.stringContaining('expired') });
    } finally {
      clock.t -= 2000;
    }
  });
});

describe('STS with the official SDK\'s providers', () => {
  const clientConfig = (credential: object) => ({ credential, profile: { httpProfile: { endpoint: emulator.apiEndpoint, protocol: 'http://', reqTimeout: 5 } } });
  const verifyWith = async (credential: object) => {
    const ticket = emulator.issueTicket();
    return new Client(clientConfig(credential)).DescribeCaptchaResult({
      CaptchaType: 9, Ticket: ticket.ticket, Randstr: ticket.randstr, UserIp: '203.0.113.7', CaptchaAppId: Number(emulator.appId), AppSecretKey: emulator.appSecretKey,
    });
  };

  it('AssumeRole (STSCredential, signed with the permanent key) issues a key the captcha API accepts', async () => {
    clock.t = Date.now();
    const sts = new STSCredential(clientConfig({ secretId: emulator.secretId, secretKey: emulator.secretKey }), {
      RoleArn: emulator.temporaryKeys.roleArn, RoleSessionName: 'captcha-test', DurationSeconds: 900,
    });
    const credential = await sts.getCredential();
    expect(credential).toEqual({ secretId: expect.stringMatching(/^AKID/), secretKey: expect.any(String), token: expect.any(String) });
    expect((await verifyWith(sts)).CaptchaCode).toBe(1);
  });

  it('AssumeRoleWithWebIdentity (OIDCRoleArnCredential, unsigned) checks the provider and token', async () => {
    clock.t = Date.now();
    const params = { RoleArn: emulator.temporaryKeys.roleArn, RoleSessionName: 'tke-pod', ProviderId: emulator.temporaryKeys.oidcProviderId, WebIdentityToken: emulator.temporaryKeys.webIdentityToken };
    const oidc = new OIDCRoleArnCredential(clientConfig({ secretId: '', secretKey: '' }), params);
    expect((await verifyWith(oidc)).CaptchaCode).toBe(1);
    const bad = new OIDCRoleArnCredential(clientConfig({ secretId: '', secretKey: '' }), { ...params, WebIdentityToken: 'forged' });
    await expect(bad.getCredential()).rejects.toThrow(/WebIdentityToken/);
  });

  it('refuses an unknown role and an out-of-range DurationSeconds; the lifetime setting caps DurationSeconds', async () => {
    clock.t = Date.now();
    const signed = clientConfig({ secretId: emulator.secretId, secretKey: emulator.secretKey });
    await expect(new STSCredential(signed, { RoleArn: 'qcs::cam::uin/1:roleName/Other', RoleSessionName: 'x1' }).getCredential()).rejects.toThrow(/RoleNotExist|role does not exist/);
    await expect(new STSCredential(signed, { RoleArn: emulator.temporaryKeys.roleArn, RoleSessionName: 'x1', DurationSeconds: 50_000 }).getCredential()).rejects.toThrow(/DurationSeconds/);
    emulator.temporaryKeys.setLifetime(60);
    try {
      const { CommonClient } = await import('tencentcloud-sdk-nodejs/tencentcloud/common/common_client.js');
      const answer = await new CommonClient(emulator.apiEndpoint, '2018-08-13', { ...signed, region: 'ap-guangzhou' }).request('AssumeRole', { RoleArn: emulator.temporaryKeys.roleArn, RoleSessionName: 'x1' });
      expect(answer.ExpiredTime).toBe(Math.floor(clock.t / 1000) + 60);
    } finally {
      emulator.temporaryKeys.setLifetime(7200);
    }
  });
});
