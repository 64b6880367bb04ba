import { describe, expect, it } from 'vitest';
import { aidKey, verifyAidEncrypted } from './aid-encrypted.js';

// protocol.md §1.10 [SELF] vectors.
const KEY = 'E4kwK9AcXQMHkktiItyMEyQPn';
const CBC = 'AAECAwQFBgcICQoLDA0ODzcEdkvLgKYuySjWAMh5HBBdVoYbulRuxeCOHQ7Q0MjO';
const GCM = 'AAECAwQFBgcICQoLFqlWI6PmZYbm8AaFy2u0pAChLGVxs2M7PTmpkW4POD5DryBUB81lGw==';
const base = { appId: '199999164', appSecretKey: KEY, now: 1551113065 };

describe('verifyAidEncrypted()', () => {
  it('pads a short AppSecretKey cyclically to 32 bytes', () => {
    expect(aidKey(KEY).toString('utf8')).toBe('E4kwK9AcXQMHkktiItyMEyQPnE4kwK9A');
  });

  it('accepts the CBC and GCM vectors (type case-insensitive)', () => {
    expect(verifyAidEncrypted({ ...base, aidEncrypted: CBC })).toEqual({ ok: true });
    expect(verifyAidEncrypted({ ...base, aidEncrypted: GCM, type: 'GCM' })).toEqual({ ok: true });
  });

  it('refuses another app, an expired or future timestamp, tampering and junk', () => {
    expect(verifyAidEncrypted({ ...base, appId: '1', aidEncrypted: CBC })).toEqual({ ok: false, reason: 'app_id_mismatch' });
    expect(verifyAidEncrypted({ ...base, now: base.now + 301, aidEncrypted: CBC })).toEqual({ ok: false, reason: 'expired' });
    expect(verifyAidEncrypted({ ...base, now: base.now - 61, aidEncrypted: CBC })).toEqual({ ok: false, reason: 'from_the_future' });
    expect(verifyAidEncrypted({ ...base, aidEncrypted: GCM.replace('Fq', 'Gq'), type: 'gcm' })).toEqual({ ok: false, reason: 'decrypt_failed' });
    expect(verifyAidEncrypted({ ...base, aidEncrypted: CBC, appSecretKey: 'another-key' }).ok).toBe(false);
    expect(verifyAidEncrypted({ ...base, aidEncrypted: 'not base64!' })).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyAidEncrypted({ ...base, aidEncrypted: CBC, type: 'ecb' })).toEqual({ ok: false, reason: 'malformed' });
  });
});
