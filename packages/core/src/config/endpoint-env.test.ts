import { describe, expect, it } from 'vitest';
import { CREDENTIALS } from '../../test/helpers/fake-tencent.js';
import { createCaptchaVerifier } from '../engine/verifier.js';

const env = {
  TENCENTCLOUD_SECRET_ID: CREDENTIALS.secretId,
  TENCENTCLOUD_SECRET_KEY: CREDENTIALS.secretKey,
  TENCENT_CAPTCHA_APP_ID: String(CREDENTIALS.captchaAppId),
  TENCENT_CAPTCHA_APP_SECRET_KEY: CREDENTIALS.appSecretKey,
};

describe('TENCENT_CAPTCHA_ENDPOINT', () => {
  it('sets the endpoint when the option is not given; the option wins; Tencent otherwise', async () => {
    const fromEnv = createCaptchaVerifier({ env: { ...env, TENCENT_CAPTCHA_ENDPOINT: 'http://127.0.0.1:9/' }, logger: false });
    const fromOption = createCaptchaVerifier({ env: { ...env, TENCENT_CAPTCHA_ENDPOINT: 'http://127.0.0.1:9/' }, endpoint: 'https://captcha.intl.tencentcloudapi.com/', logger: false });
    const byDefault = createCaptchaVerifier({ env, logger: false });
    expect(fromEnv.options.endpoint).toBe('http://127.0.0.1:9/');
    expect(fromOption.options.endpoint).toBe('https://captcha.intl.tencentcloudapi.com/');
    expect(byDefault.options.endpoint).toBe('https://captcha.tencentcloudapi.com/');
    await Promise.all([fromEnv.close(), fromOption.close(), byDefault.close()]);
  });

  it('names the variable when its value is not an origin', () => {
    expect(() => createCaptchaVerifier({ env: { ...env, TENCENT_CAPTCHA_ENDPOINT: 'https://x.test/v1' } })).toThrow(
      expect.objectContaining({ code: 'invalid_endpoint', message: expect.stringContaining('environment variable TENCENT_CAPTCHA_ENDPOINT') }),
    );
  });
});
