/**
 * Attack (issue 18 point 4): Tencent's legacy API accepts a ticket twice, so the verifier claims each
 * verified ticket in the store. With Redis down, or the memory store full, the claim failed and only
 * logged: one legacy ticket was verified twice. Now a claim that cannot be recorded fails closed
 * (`store_unavailable`, 503). Against the emulator's legacy API over real HTTP and a real redis-server
 * that this file starts and kills.
 */
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisServerMissing, startRedisServer } from '../../test/helpers/redis-server.js';
import { httpResponseForVerdict } from '../decision/reasons.js';
import type { CaptchaStore } from '../stores/contract.js';
import { createMemoryStore } from '../stores/memory.js';
import { createRedisStore } from '../stores/redis.js';
import { createLegacyCaptchaVerifier } from './verifier.js';

const USER_IP = '203.0.113.7';
let emulator: Emulator;
beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await emulator.close();
});

/** Verifies one legacy ticket twice (Tencent would accept both) and returns the two verdicts. */
async function twice(store: CaptchaStore, warm?: string) {
  const verifier = createLegacyCaptchaVerifier({
    captchaAppId: emulator.appId,
    secretId: emulator.secretId,
    secretKey: emulator.secretKey,
    endpoint: emulator.legacyApiUrl,
    env: {},
    retry: { enabled: false },
    logger: false,
    store,
  });
  try {
    if (warm) await expect(verifier.verify({ ticket: warm, randstr: '', userIp: USER_IP })).resolves.toMatchObject({ accepted: true });
    const { ticket } = emulator.issueLegacyTicket();
    return [await verifier.verify({ ticket, randstr: '', userIp: USER_IP }), await verifier.verify({ ticket, randstr: '', userIp: USER_IP })];
  } finally {
    await verifier.close();
  }
}

describe('attack: a legacy ticket verified twice when its use cannot be recorded', () => {
  it('with the memory store full: store_unavailable (503) both times, never accepted', async () => {
    // One entry: the first (warm-up) ticket's claim fills it.
    const verdicts = await twice(createMemoryStore({ maxEntries: 1 }), emulator.issueLegacyTicket().ticket);
    for (const v of verdicts) {
      expect(v).toMatchObject({ accepted: false, reason: 'store_unavailable' });
      expect(httpResponseForVerdict(v).status).toBe(503);
    }
  });

  it.skipIf(redisServerMissing)('with Redis down: store_unavailable (503) both times, never accepted', async () => {
    const server = await startRedisServer();
    const client = new Redis(server.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => 50 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await server.kill();
      const verdicts = await twice(createRedisStore({ client }));
      for (const v of verdicts) {
        expect(v).toMatchObject({ accepted: false, reason: 'store_unavailable' });
        expect(httpResponseForVerdict(v).status).toBe(503);
      }
    } finally {
      client.disconnect();
    }
  });
});
