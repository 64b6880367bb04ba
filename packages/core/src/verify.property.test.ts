/**
 * Properties: no input makes `verify` throw (it always resolves with a well-formed verdict), and no
 * invalid input reaches the network. Validity is judged by an oracle written independently of
 * input.ts (node:net's `isIP`, a plain loop over allowed characters).
 */
import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CREDENTIALS, ENDPOINT, createFakeTencent } from '../test/helpers/fake-tencent.js';
import { VERDICT_REASONS } from './decision/reasons.js';
import { createCaptchaVerifier } from './engine/verifier.js';
import type { CaptchaVerdict, VerifyInput } from './types/verdict.js';

const ALLOWED = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_*+/=.@~-');
const safeString = (s: unknown, max: number): boolean =>
  typeof s === 'string' && s.length > 0 && s.length <= max && [...s].every((c) => ALLOWED.has(c));
const oracleValid = (input: Record<string, unknown>): boolean =>
  safeString(input.ticket, 2048) && safeString(input.randstr, 128) && typeof input.userIp === 'string' && isIP(input.userIp.trim()) !== 0;

function wellFormed(v: CaptchaVerdict): void {
  const row = VERDICT_REASONS.get(v.reason);
  expect(row, v.reason).toBeDefined();
  expect(v.status).toBe(row!.status);
  expect(typeof v.accepted).toBe('boolean');
  if (v.status === 'rejected') expect(v.accepted).toBe(false);
  if (v.status === 'verified') expect(v.accepted).toBe(true);
  expect(() => JSON.stringify(v)).not.toThrow();
}

const ticketChars = fc.constantFrom(...'ABCXYZabcxyz0189_*+/=.@~-');
const arbTicket = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: ticketChars, minLength: 1, maxLength: 300 }),
  fc.string({ unit: ticketChars, minLength: 2040, maxLength: 2060 }),
  fc.tuple(fc.constantFrom('trerror_', 'terror_'), fc.string({ unit: fc.constantFrom(...'0123456789_x'), maxLength: 40 })).map(([p, s]) => p + s),
  fc.constantFrom(undefined, null, 0, 42, true, {}, [], ['tr03x'], ''),
);
const arbRandstr = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: ticketChars, minLength: 1, maxLength: 140 }),
  fc.constantFrom(undefined, null, 7, '@EcL', ''),
);
const arbIp = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV4Extended(),
  fc.string({ maxLength: 45 }),
  fc.ipV4().map((ip) => ` ${ip} `),
  fc.ipV6().map((ip) => `${ip}%eth0`),
  fc.constantFrom(undefined, null, '', '::ffff:1.2.3.4', '1.2.3.4:80', 'localhost', 17),
);

// Well-formed input, mixed in so that a fair share of runs reaches the network (about a third).
const arbValidInput = fc.record({
  ticket: fc.string({ unit: ticketChars, minLength: 1, maxLength: 300 }).map((s) => `tr03${s}`),
  randstr: fc.string({ unit: ticketChars, minLength: 1, maxLength: 100 }).map((s) => `@${s}`),
  userIp: fc.oneof(fc.ipV4(), fc.ipV6()),
});

describe('verify() properties', () => {
  it('never throws and only sends oracle-valid input to Tencent', async () => {
    const tencent = createFakeTencent();
    tencent.reply({ captchaCode: 1 }, { captchaCode: 7 }, { apiError: 'InternalError' }, { captchaCode: 21 });
    const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint: ENDPOINT, fetch: tencent.fetch, retry: { enabled: false } });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.record({ ticket: arbTicket, randstr: arbRandstr, userIp: arbIp }), fc.record({ ticket: arbTicket, randstr: arbRandstr, userIp: arbIp }), arbValidInput),
        fc.constantFrom('adaptive', 'open', 'closed' as const),
        async (input, mode) => {
          const before = tencent.calls.length;
          const verdict = await verifier.verify(input as VerifyInput, { mode });
          wellFormed(verdict);
          const reachedNetwork = tencent.calls.length > before;
          if (!oracleValid(input)) {
            expect(reachedNetwork).toBe(false);
            expect(verdict.accepted).toBe(false);
          }
          if (reachedNetwork) expect(tencent.calls.at(-1)!.body.Ticket).toBe(input.ticket);
        },
      ),
      { numRuns: 600 },
    );
    // The generators do produce valid input too (about a third of 600 runs): the property is not vacuous.
    expect(tencent.calls.length).toBeGreaterThan(100);
  });

  it('never throws for inputs of any shape', async () => {
    const tencent = createFakeTencent();
    const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint: ENDPOINT, fetch: tencent.fetch });
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (input) => {
        const verdict = await verifier.verify(input as VerifyInput);
        wellFormed(verdict);
        expect(tencent.calls).toHaveLength(0);
      }),
      { numRuns: 300 },
    );
  });

  it('still answers with a verdict when Tencent answers garbage', async () => {
    const tencent = createFakeTencent();
    const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint: ENDPOINT, fetch: tencent.fetch, retry: { delayMs: 0 } });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 100, max: 599 }), fc.oneof(fc.json(), fc.string()), async (status, body) => {
        tencent.reply({ status, body });
        const verdict = await verifier.verify({ ticket: 'tr03abc*', randstr: '@EcL', userIp: '203.0.113.7' }, { mode: 'closed' });
        wellFormed(verdict);
        expect(verdict.accepted && verdict.status !== 'verified').toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
