// The official Node SDK (tencentcloud-sdk-nodejs) calling the emulator: its signatures verify and it
// gets real-shaped answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'tencentcloud-sdk-nodejs/tencentcloud/services/captcha/v20190722/captcha_client.js';
import { createEmulator, type Emulator } from '../emulator.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let emulator: Emulator;
beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await emulator.close();
});

function client(target: Emulator, secretKey = target.secretKey): Client {
  return new Client({
    credential: { secretId: target.secretId, secretKey },
    profile: { httpProfile: { endpoint: target.apiEndpoint, protocol: 'http://', reqTimeout: 5 } },
  });
}

function request(target: Emulator, ticket: { ticket: string; randstr: string }) {
  return {
    CaptchaType: 9,
    Ticket: ticket.ticket,
    UserIp: '198.51.100.20',
    Randstr: ticket.randstr,
    CaptchaAppId: Number(target.appId),
    AppSecretKey: target.appSecretKey,
    NeedGetCaptchaTime: 1,
  };
}

describe('the official Node SDK against the emulator', () => {
  it('verifies a ticket: CaptchaCode 1 with the real response fields', async () => {
    const ticket = emulator.issueTicket();
    const response = await client(emulator).DescribeCaptchaResult(request(emulator, ticket));
    expect(response).toEqual({
      CaptchaCode: 1,
      CaptchaMsg: 'OK',
      EvilLevel: 0,
      GetCaptchaTime: Math.floor(ticket.issuedAt / 1000),
      EvilBitmap: 0,
      SubmitCaptchaTime: Math.floor(ticket.issuedAt / 1000),
      RequestId: expect.stringMatching(UUID),
    });
  });

  it('gets CaptchaCode 9 for the same ticket a second time', async () => {
    const ticket = emulator.issueTicket();
    await client(emulator).DescribeCaptchaResult(request(emulator, ticket));
    const again = await client(emulator).DescribeCaptchaResult(request(emulator, ticket));
    expect(again).toMatchObject({ CaptchaCode: 9, CaptchaMsg: 'ticket reused' });
  });

  it('gets AuthFailure.SignatureFailure with a wrong SecretKey', async () => {
    const call = client(emulator, 'not-the-secret-key').DescribeCaptchaResult(request(emulator, emulator.issueTicket()));
    await expect(call).rejects.toMatchObject({ code: 'AuthFailure.SignatureFailure', requestId: expect.stringMatching(UUID) });
  });

  it('gets AuthFailure.SignatureExpire when its timestamp is stale', async () => {
    // The emulator's signature clock runs 10 minutes ahead: the SDK's timestamp is 10 minutes old.
    const ahead = await createEmulator({ port: 0, signatureNow: () => Date.now() + 10 * 60_000 });
    try {
      const call = client(ahead).DescribeCaptchaResult(request(ahead, ahead.issueTicket()));
      await expect(call).rejects.toMatchObject({ code: 'AuthFailure.SignatureExpire' });
    } finally {
      await ahead.close();
    }
  });

  it('sees an injected InternalError as the SDK error it is', async () => {
    emulator.faults.set('api', { kind: 'internal-error' }, { times: 1 });
    const ticket = emulator.issueTicket();
    await expect(client(emulator).DescribeCaptchaResult(request(emulator, ticket))).rejects.toMatchObject({ code: 'InternalError' });
    // The fault answered before the ticket was looked at: it still verifies.
    await expect(client(emulator).DescribeCaptchaResult(request(emulator, ticket))).resolves.toMatchObject({ CaptchaCode: 1 });
  });
});
