/**
 * Issue 18, point 6: the breaker is not an oracle. A client-facing refusal must not tell an attacker
 * that the breaker opened or when it will probe again (a `Retry-After` counting down to the probe
 * did), while hooks and logs keep the breaker state for the operator.
 */
import { describe, expect, it } from 'vitest';
import { CREDENTIALS, ENDPOINT, createFakeTencent } from '../../test/helpers/fake-tencent.js';
import type { VerdictEvent } from '../types/options.js';
import { createCaptchaVerifier } from '../engine/verifier.js';
import { createVerdictResponse, verifyFetchRequest } from './fetch.js';

const getUserIp = () => '203.0.113.7';
let sequence = 0;
const request = () =>
  new Request('https://app.example/login', {
    method: 'POST',
    headers: { 'x-tencent-captcha-ticket': `tr03XaCUZPAlPdIMqv17-KQ*${(sequence += 1)}`, 'x-tencent-captcha-randstr': '@EcL' },
  });

describe('client-facing refusals while the breaker is open', () => {
  it('carry the same generic Retry-After as while it is closed, and no breaker state; hooks still see it', async () => {
    const tencent = createFakeTencent();
    const events: VerdictEvent[] = [];
    const verifier = createCaptchaVerifier({
      ...CREDENTIALS,
      endpoint: ENDPOINT,
      fetch: tencent.fetch,
      env: {},
      logger: false,
      retry: { enabled: false },
      retryAfterSeconds: 10,
      // Threshold 1: the one failure opens it (the default needs failures spread over seconds).
      breaker: { failureThreshold: 1, halfOpenAfterMs: 37_000 },
      hooks: { onVerdict: (event) => void events.push(event) },
    });
    try {
      tencent.reply({ status: 500, body: '' });
      const answers: Response[] = [];
      // Closed mode: the failure is refused with 503 while the breaker is still closed…
      for (let i = 0; i < 1; i += 1) answers.push(createVerdictResponse(await verifyFetchRequest(verifier, request(), { getUserIp, mode: 'closed' })));
      expect(verifier.breakerState).toBe('open');
      // …and, now that it is open, without the network.
      const whileOpen = await verifyFetchRequest(verifier, request(), { getUserIp, mode: 'closed' });
      answers.push(createVerdictResponse(whileOpen));

      for (const answer of answers) {
        expect(answer.status).toBe(503);
        expect(answer.headers.get('retry-after')).toBe('10');
        const text = await answer.text();
        expect(text).not.toMatch(/"breaker"|half_open|"open"/);
      }
      // The operator still sees the breaker.
      expect(events.at(-1)?.verdict).toMatchObject({ breaker: 'open', reason: 'breaker_open' });
    } finally {
      await verifier.close();
    }
  });
});
