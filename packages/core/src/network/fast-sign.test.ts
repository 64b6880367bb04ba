import { signTc3 } from '@tencent-captcha/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFastTc3Signer } from './fast-sign.js';

describe('createFastTc3Signer()', () => {
  const credential = { secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE', secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE', service: 'captcha', host: 'captcha.tencentcloudapi.com' };

  it('signs exactly as protocol’s signTc3 across days, seconds and payloads', async () => {
    const signer = createFastTc3Signer(credential)!;
    expect(signer).not.toBeNull();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1_500_000_000, max: 2_000_000_000 }), fc.string({ unit: 'grapheme', maxLength: 300 }), async (timestamp, payload) => {
        const expected = await signTc3({ ...credential, timestamp, payload });
        expect(signer.sign(timestamp, payload)).toBe(expected.authorization);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps answering correctly when calls go back and forth across a UTC day boundary', async () => {
    const signer = createFastTc3Signer(credential)!;
    const midnight = Date.UTC(2026, 11, 1) / 1000;
    for (const t of [midnight - 1, midnight, midnight - 1, midnight + 1]) {
      expect(signer.sign(t, '{"a":1}')).toBe((await signTc3({ ...credential, timestamp: t, payload: '{"a":1}' })).authorization);
    }
  });
});
