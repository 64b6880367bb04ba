import { describe, expect, it } from 'vitest';
import { buildAidEncrypted, decryptAidEncrypted } from './aid-encrypted.js';

// protocol.md §1.10 [SELF] vector.
const KEY = 'E4kwK9AcXQMHkktiItyMEyQPn';
const APP_ID = 199999164;
const NOW = 1551113065 * 1000;
const counting = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i);

describe('buildAidEncrypted()', () => {
  it('reproduces the CBC vector of protocol.md §1.10 with a fixed IV', async () => {
    const r = await buildAidEncrypted({ captchaAppId: APP_ID, appSecretKey: KEY, now: () => NOW, randomBytes: counting });
    expect(r).toEqual({
      aidEncrypted: 'AAECAwQFBgcICQoLDA0ODzcEdkvLgKYuySjWAMh5HBBdVoYbulRuxeCOHQ7Q0MjO',
      aidEncryptedType: 'cbc',
    });
  });

  it('reproduces the GCM vector of protocol.md §1.10 with a fixed nonce', async () => {
    const r = await buildAidEncrypted({
      captchaAppId: String(APP_ID),
      appSecretKey: KEY,
      type: 'gcm',
      now: () => NOW,
      randomBytes: counting,
    });
    expect(r.aidEncrypted).toBe('AAECAwQFBgcICQoLFqlWI6PmZYbm8AaFy2u0pAChLGVxs2M7PTmpkW4POD5DryBUB81lGw==');
    expect(r.aidEncryptedType).toBe('gcm');
  });

  it('round-trips CBC and GCM (with AAD) through decryptAidEncrypted', async () => {
    for (const type of ['cbc', 'gcm'] as const) {
      const aad = type === 'gcm' ? 'page=login' : undefined;
      const r = await buildAidEncrypted({ captchaAppId: APP_ID, appSecretKey: KEY, type, now: () => NOW, expireSeconds: 120, ...(aad ? { aad } : {}) });
      await expect(decryptAidEncrypted({ aidEncrypted: r.aidEncrypted, appSecretKey: KEY, type, ...(aad ? { aad } : {}) })).resolves.toEqual({
        captchaAppId: String(APP_ID),
        timestamp: NOW / 1000,
        expireSeconds: 120,
      });
    }
  });

  it('uses a fresh random IV per call', async () => {
    const a = await buildAidEncrypted({ captchaAppId: APP_ID, appSecretKey: KEY, now: () => NOW });
    const b = await buildAidEncrypted({ captchaAppId: APP_ID, appSecretKey: KEY, now: () => NOW });
    expect(a.aidEncrypted).not.toBe(b.aidEncrypted);
  });

  it('returns the AAD as Base64 for the SDK option aidEncryptedAad', async () => {
    const r = await buildAidEncrypted({ captchaAppId: APP_ID, appSecretKey: KEY, type: 'gcm', aad: 'abc', randomBytes: counting });
    expect(r.aidEncryptedAad).toBe('YWJj');
  });

  it('does not decrypt with a wrong key, wrong AAD or garbage', async () => {
    const r = await buildAidEncrypted({ captchaAppId: APP_ID, appSecretKey: KEY, type: 'gcm', aad: 'x' });
    await expect(decryptAidEncrypted({ aidEncrypted: r.aidEncrypted, appSecretKey: `${KEY}x`, type: 'gcm', aad: 'x' })).resolves.toBeUndefined();
    await expect(decryptAidEncrypted({ aidEncrypted: r.aidEncrypted, appSecretKey: KEY, type: 'gcm', aad: 'y' })).resolves.toBeUndefined();
    await expect(decryptAidEncrypted({ aidEncrypted: '!!!', appSecretKey: KEY })).resolves.toBeUndefined();
    await expect(decryptAidEncrypted({ aidEncrypted: 'AAAA', appSecretKey: KEY })).resolves.toBeUndefined();
  });

  it('throws invalid_option for AAD with CBC, an unknown type or a too long AAD', async () => {
    await expect(buildAidEncrypted({ captchaAppId: APP_ID, appSecretKey: KEY, aad: 'x' })).rejects.toMatchObject({ code: 'invalid_option', option: 'aad' });
    await expect(buildAidEncrypted({ captchaAppId: APP_ID, appSecretKey: KEY, type: 'ecb' as 'cbc' })).rejects.toMatchObject({ code: 'invalid_option', option: 'type' });
    await expect(buildAidEncrypted({ captchaAppId: APP_ID, appSecretKey: KEY, type: 'gcm', aad: 'x'.repeat(97) })).rejects.toMatchObject({ code: 'invalid_option' });
  });

  it('throws for a non-numeric app id or an empty key, without echoing the key', async () => {
    await expect(buildAidEncrypted({ captchaAppId: 'abc', appSecretKey: KEY })).rejects.toMatchObject({ code: 'invalid_credential' });
    const err = await buildAidEncrypted({ captchaAppId: APP_ID, appSecretKey: '' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'missing_credential', option: 'appSecretKey' });
  });
});
