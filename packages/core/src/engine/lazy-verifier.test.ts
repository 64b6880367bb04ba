import { describe, expect, it } from 'vitest';
import { CREDENTIALS, ENDPOINT, createFakeTencent } from '../../test/helpers/fake-tencent.js';
import { createLazyCaptchaVerifier } from './lazy-verifier.js';
import { createCaptchaVerifier } from './verifier.js';

const input = { ticket: 'tr03XaCUZPAlPdIMqv17-KQ*', randstr: '@EcL', userIp: '203.0.113.7' };

describe('createLazyCaptchaVerifier()', () => {
  it('can be created with no credentials anywhere (a build step), where createCaptchaVerifier throws', () => {
    expect(() => createCaptchaVerifier({ env: {} })).toThrow(expect.objectContaining({ code: 'missing_credential' }));
    expect(() => createLazyCaptchaVerifier({ env: {} })).not.toThrow();
  });

  it('reads its options on the first verify(), and rejects it with the config error while they are wrong', async () => {
    const tencent = createFakeTencent();
    const env: Record<string, string | undefined> = {};
    let reads = 0;
    const verifier = createLazyCaptchaVerifier(() => {
      reads++;
      return { endpoint: ENDPOINT, fetch: tencent.fetch, env: { ...env } };
    });
    expect(reads).toBe(0);
    await expect(verifier.verify(input)).rejects.toMatchObject({ name: 'CaptchaConfigError', code: 'missing_credential' });
    await expect(verifier.check()).rejects.toMatchObject({ code: 'missing_credential' });
    expect(tencent.calls).toHaveLength(0);

    // The secrets arrive (deployment), and the next use creates the verifier.
    Object.assign(env, {
      TENCENTCLOUD_SECRET_ID: CREDENTIALS.secretId,
      TENCENTCLOUD_SECRET_KEY: CREDENTIALS.secretKey,
      TENCENT_CAPTCHA_APP_ID: String(CREDENTIALS.captchaAppId),
      TENCENT_CAPTCHA_APP_SECRET_KEY: CREDENTIALS.appSecretKey,
    });
    await expect(verifier.verify(input)).resolves.toMatchObject({ status: 'verified', accepted: true });
    await expect(verifier.verify(input)).resolves.toMatchObject({ status: 'verified' });
    expect(reads).toBe(3);
    expect(verifier.options.captchaAppId).toBe(CREDENTIALS.captchaAppId);
    expect(verifier.breakerState).toBe('closed');
    await verifier.close();
  });

  it('closes without ever creating the verifier', async () => {
    let reads = 0;
    const verifier = createLazyCaptchaVerifier(() => {
      reads++;
      return {};
    });
    await expect(verifier.close()).resolves.toBeUndefined();
    expect(reads).toBe(0);
  });
});
