// Legacy options are validated once, with CaptchaConfigError and a stable code; no value in a message.
import { describe, expect, it } from 'vitest';
import { CaptchaConfigError } from '../config/errors.js';
import { DEFAULT_LEGACY_ENDPOINT, normaliseLegacyOptions } from './options.js';
import { createLegacyCaptchaVerifier } from './verifier.js';

const base = { captchaAppId: 199999164, secretId: 'AKIDlegacy', secretKey: 'legacy-secret-key-123', env: {} };

describe('verify() per-call options', () => {
  it('refuses requestFields (DescribeCaptchaResult\'s) with a CaptchaConfigError', async () => {
    const verifier = createLegacyCaptchaVerifier({ ...base, logger: false });
    try {
      await expect(verifier.verify({ ticket: 't02x*', randstr: '', userIp: '203.0.113.7' }, { requestFields: { businessId: 1 } })).rejects.toMatchObject({
        name: 'CaptchaConfigError', code: 'invalid_option', option: 'requestFields',
      });
    } finally {
      await verifier.close();
    }
  });
});

describe('normaliseLegacyOptions()', () => {
  it('defaults: Tencent\'s v2 endpoint, gz, HmacSHA1 (the only method the legacy docs describe), slider 9/1, accountType 0, no business/scene id', () => {
    expect(normaliseLegacyOptions(base).legacy).toEqual({
      endpoint: DEFAULT_LEGACY_ENDPOINT, region: 'gz', signatureMethod: 'HmacSHA1', captchaType: 9, disturbLevel: 1, accountType: 0, businessId: null, sceneId: null,
    });
  });

  it('reads credentials from the usual environment variables', () => {
    const { credentials, resolved } = normaliseLegacyOptions({
      env: { TENCENTCLOUD_SECRET_ID: 'AKIDenv', TENCENTCLOUD_SECRET_KEY: 'env-secret-key', TENCENT_CAPTCHA_APP_ID: '190000001' },
    });
    expect(credentials).toEqual({ secretId: 'AKIDenv', secretKey: 'env-secret-key' });
    expect(resolved.captchaAppId).toBe(190000001);
  });

  it.each([
    [{ secretKey: undefined }, 'missing_credential', 'secretKey'],
    [{ captchaAppId: undefined }, 'missing_credential', 'captchaAppId'],
    [{ captchaAppId: '0123' }, 'invalid_credential', 'captchaAppId'],
    [{ secretKey: 'has space secret' }, 'invalid_credential', 'secretKey'],
    [{ endpoint: 'ftp://csec.api.qcloud.com/v2/index.php' }, 'invalid_endpoint', 'endpoint'],
    [{ endpoint: 'https://csec.api.qcloud.com/v2/index.php?x=1' }, 'invalid_endpoint', 'endpoint'],
    [{ endpoint: 'not a url' }, 'invalid_endpoint', 'endpoint'],
    [{ region: 'GZ; drop' }, 'invalid_option', 'region'],
    [{ signatureMethod: 'HmacMD5' }, 'invalid_option', 'signatureMethod'],
    [{ signatureMethod: 'hmacsha1' }, 'invalid_option', 'signatureMethod'],
    [{ captchaType: 0 }, 'invalid_option', 'captchaType'],
    [{ disturbLevel: 1.5 }, 'invalid_option', 'disturbLevel'],
    [{ businessId: -1 }, 'invalid_option', 'businessId'],
    [{ sceneId: '3' }, 'invalid_option', 'sceneId'],
    [{ appSecretKey: 'x' }, 'invalid_option', 'appSecretKey'],
    [{ regoin: 'gz' }, 'invalid_option', 'regoin'],
    [{ requestFields: {} }, 'invalid_option', 'requestFields'],
    [{ proxy: 'ftp://proxy' }, 'invalid_option', 'proxy'],
    [{ deadlineMs: 0 }, 'invalid_option', 'deadlineMs'],
    [{ mode: 'sometimes' }, 'invalid_option', 'mode'],
  ] as const)('%j → %s (%s)', (override, code, option) => {
    let thrown: unknown;
    try {
      createLegacyCaptchaVerifier({ ...base, ...(override as object) });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CaptchaConfigError);
    expect(thrown).toMatchObject({ code, option });
    expect((thrown as Error).message).not.toContain('legacy-secret-key-123');
    expect((thrown as Error).message).not.toContain('has space secret');
  });
});
