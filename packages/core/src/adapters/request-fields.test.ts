import { createEmulator } from '@tencent-captcha/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS, ENDPOINT, createFakeTencent } from '../../test/helpers/fake-tencent.js';
import { createCaptchaVerifier } from '../engine/verifier.js';

const input = { ticket: 'tr03XaCUZPAlPdIMqv17-KQ*', randstr: '@EcL', userIp: '203.0.113.7' };

describe('optional DescribeCaptchaResult fields', () => {
  it('sends the verifier’s fields, with a call’s own fields winning, and signs the body it sends', async () => {
    const tencent = createFakeTencent();
    const verifier = createCaptchaVerifier({
      ...CREDENTIALS,
      endpoint: ENDPOINT,
      fetch: tencent.fetch,
      requestFields: { businessId: 7, sceneId: 3, needGetCaptchaTime: true },
    });
    await verifier.verify(input);
    await verifier.verify(input, { requestFields: { sceneId: 9, macAddress: '00:1A:2B:3C:4D:5E', imei: '490154203237518' } });
    expect(tencent.calls[0]).toMatchObject({ signatureOk: true, body: { BusinessId: 7, SceneId: 3, NeedGetCaptchaTime: 1 } });
    expect(tencent.calls[0]!.body).not.toHaveProperty('MacAddress');
    expect(tencent.calls[1]).toMatchObject({
      signatureOk: true,
      body: { BusinessId: 7, SceneId: 9, MacAddress: '00:1A:2B:3C:4D:5E', Imei: '490154203237518', NeedGetCaptchaTime: 1 },
    });
  });

  it('sends exactly the JSON of a DescribeCaptchaResultRequest (no field without a value)', async () => {
    const tencent = createFakeTencent();
    const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint: ENDPOINT, fetch: tencent.fetch });
    await verifier.verify({ ...input, ticket: 'tr03"quote\\back*' }).catch(() => undefined);
    await verifier.verify(input);
    expect(Object.keys(tencent.calls.at(-1)!.body)).toEqual(['CaptchaType', 'Ticket', 'UserIp', 'Randstr', 'CaptchaAppId', 'AppSecretKey']);
  });

  it.each([
    [{ businessId: -1 }, 'requestFields.businessId'],
    [{ sceneId: 1.5 }, 'requestFields.sceneId'],
    [{ macAddress: 'has space' }, 'requestFields.macAddress'],
    [{ imei: 'x'.repeat(129) }, 'requestFields.imei'],
    [{ needGetCaptchaTime: 1 }, 'requestFields.needGetCaptchaTime'],
    [{ BusinessId: 1 }, 'requestFields.BusinessId'],
  ])('refuses %o with a CaptchaConfigError naming %s, per verifier and per call', async (fields, option) => {
    expect(() => createCaptchaVerifier({ ...CREDENTIALS, endpoint: ENDPOINT, fetch: createFakeTencent().fetch, requestFields: fields as never })).toThrow(
      expect.objectContaining({ code: 'invalid_option', option }),
    );
    const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint: ENDPOINT, fetch: createFakeTencent().fetch });
    await expect(verifier.verify(input, { requestFields: fields as never })).rejects.toMatchObject({ code: 'invalid_option', option });
  });
});

describe('verdict fields beyond CaptchaCode', () => {
  it('exposes GetCaptchaTime, SubmitCaptchaTime, EvilBitmap and DeviceRiskCategory, null when absent', async () => {
    const tencent = createFakeTencent();
    const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint: ENDPOINT, fetch: tencent.fetch });
    tencent.reply({ status: 200, body: JSON.stringify({ Response: { CaptchaCode: 1, CaptchaMsg: 'OK', EvilLevel: 0, GetCaptchaTime: 1768478400, SubmitCaptchaTime: 1768478410, EvilBitmap: 4, DeviceRiskCategory: '301', RequestId: 'r1' } }) });
    await expect(verifier.verify(input)).resolves.toMatchObject({
      status: 'verified',
      getCaptchaTime: 1768478400,
      submitCaptchaTime: 1768478410,
      evilBitmap: 4,
      deviceRiskCategory: '301',
    });
    tencent.reply({ status: 200, body: JSON.stringify({ Response: { CaptchaCode: 1, RequestId: 'r2', DeviceRiskCategory: 301 } }) });
    await expect(verifier.verify(input)).resolves.toMatchObject({ getCaptchaTime: null, submitCaptchaTime: null, evilBitmap: null, deviceRiskCategory: null });
  });
});

describe('per-call risk limits', () => {
  it('applies maxEvilLevel and maxScore of the call over the verifier’s', async () => {
    const tencent = createFakeTencent();
    const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint: ENDPOINT, fetch: tencent.fetch });
    tencent.reply({ captchaCode: 1, evilLevel: 50, score: 40 });
    await expect(verifier.verify(input)).resolves.toMatchObject({ status: 'verified' });
    await expect(verifier.verify(input, { maxEvilLevel: 10 })).resolves.toMatchObject({ accepted: false, reason: 'evil_level_too_high' });
    await expect(verifier.verify(input, { maxScore: 30 })).resolves.toMatchObject({ accepted: false, reason: 'risk_score_too_high' });
    await expect(verifier.verify(input, { maxScore: 101 })).rejects.toMatchObject({ code: 'invalid_option', option: 'maxScore' });
  });
});

describe('against the emulator', () => {
  let emulator: Awaited<ReturnType<typeof createEmulator>>;
  beforeAll(async () => {
    emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('gets GetCaptchaTime only when it asks for it, with every optional field accepted', async () => {
    const verifier = createCaptchaVerifier({
      captchaAppId: emulator.appId,
      appSecretKey: emulator.appSecretKey,
      secretId: emulator.secretId,
      secretKey: emulator.secretKey,
      endpoint: emulator.apiUrl,
      env: {},
    });
    try {
      const a = emulator.issueTicket();
      const plain = await verifier.verify({ ticket: a.ticket, randstr: a.randstr, userIp: '203.0.113.7' });
      expect(plain).toMatchObject({ status: 'verified', getCaptchaTime: 0 });
      const b = emulator.issueTicket();
      const asked = await verifier.verify(
        { ticket: b.ticket, randstr: b.randstr, userIp: '203.0.113.7' },
        { requestFields: { businessId: 1, sceneId: 2, macAddress: 'aa-bb', imei: '4901542', needGetCaptchaTime: true } },
      );
      expect(asked.status).toBe('verified');
      expect(asked.getCaptchaTime).toBeGreaterThan(1_700_000_000);
      expect(asked.submitCaptchaTime).toBeGreaterThan(1_700_000_000);
    } finally {
      await verifier.close();
    }
  });
});
