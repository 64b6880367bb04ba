import { afterEach, describe, expect, it, vi } from 'vitest';
import { hmac, importHmacKey, sha256Hex } from './crypto.js';
import { toHex } from './encoding.js';
import { signTc3 } from './tc3.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('crypto on Node', () => {
  it('signs through node:crypto, without WebCrypto', async () => {
    // With globalThis.crypto gone, only the node:crypto path can answer.
    vi.stubGlobal('crypto', undefined);
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const s = await signTc3({
      secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
      secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
      host: 'cvm.tencentcloudapi.com',
      service: 'cvm',
      timestamp: 1551113065,
      contentType: 'application/json; charset=utf-8',
      payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
    });
    expect(s.signature).toBe('72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168');
  });

  it('gives the same HMAC with a prepared key as with raw bytes (SHA-256 and SHA-1)', async () => {
    for (const hash of ['SHA-256', 'SHA-1'] as const) {
      const prepared = await importHmacKey('key', hash);
      expect(toHex(await hmac(prepared, 'The quick brown fox jumps over the lazy dog'))).toBe(
        toHex(await hmac('key', 'The quick brown fox jumps over the lazy dog', hash)),
      );
    }
    // RFC 2104 / Wikipedia example.
    expect(toHex(await hmac('key', 'The quick brown fox jumps over the lazy dog'))).toBe(
      'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
  });
});
