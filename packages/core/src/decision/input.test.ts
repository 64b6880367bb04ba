import { describe, expect, it } from 'vitest';
import { MAX_RANDSTR_LENGTH, MAX_TICKET_LENGTH, parseIp, validateInput } from './input.js';

const ok = { ticket: 'tr03XaCUZPAlPdIMqv17-_KQ*', randstr: '@EcL', userIp: '203.0.113.7' };

describe('validateInput()', () => {
  it('accepts a real-looking ticket, randstr and IP', () => {
    expect(validateInput(ok)).toEqual({ ok: true, input: { ...ok, ipBudgetKey: '4:203.0.113.7' } });
  });

  it('accepts disaster tickets and disaster randstrs', () => {
    expect(validateInput({ ...ok, ticket: 'trerror_1001_199999164_1551113065', randstr: '@bwvwg7d4e3q' }).ok).toBe(true);
  });

  it.each([
    [{ ...ok, ticket: undefined }, 'ticket_missing'],
    [{ ...ok, ticket: '' }, 'ticket_missing'],
    [{ ...ok, ticket: null }, 'ticket_missing'],
    [{ ...ok, ticket: 42 }, 'ticket_malformed'],
    [{ ...ok, ticket: 'a'.repeat(MAX_TICKET_LENGTH + 1) }, 'ticket_malformed'],
    [{ ...ok, ticket: 'tr03 space' }, 'ticket_malformed'],
    [{ ...ok, ticket: 'tr03"quote' }, 'ticket_malformed'],
    [{ ...ok, ticket: 'tr03\n' }, 'ticket_malformed'],
    [{ ...ok, ticket: 'tr03ü' }, 'ticket_malformed'],
    [{ ...ok, randstr: undefined }, 'randstr_missing'],
    [{ ...ok, randstr: '' }, 'randstr_missing'],
    [{ ...ok, randstr: ['@x'] }, 'randstr_malformed'],
    [{ ...ok, randstr: `@${'a'.repeat(MAX_RANDSTR_LENGTH)}` }, 'randstr_malformed'],
    [{ ...ok, randstr: '@a b' }, 'randstr_malformed'],
    [{ ...ok, userIp: undefined }, 'user_ip_invalid'],
    [{ ...ok, userIp: '' }, 'user_ip_invalid'],
    [{ ...ok, userIp: '256.1.1.1' }, 'user_ip_invalid'],
    [{ ...ok, userIp: '1.2.3' }, 'user_ip_invalid'],
    [{ ...ok, userIp: '01.2.3.4' }, 'user_ip_invalid'],
    [{ ...ok, userIp: 'fe80::1%eth0' }, 'user_ip_invalid'],
    [{ ...ok, userIp: '[::1]' }, 'user_ip_invalid'],
    [{ ...ok, userIp: '1.2.3.4:80' }, 'user_ip_invalid'],
    [{ ...ok, userIp: 'localhost' }, 'user_ip_invalid'],
    [undefined, 'ticket_missing'],
    ['string', 'ticket_missing'],
  ])('rejects %j as %s', (input, reason) => {
    expect(validateInput(input)).toEqual({ ok: false, reason });
  });

  it('treats a throwing getter as a missing ticket instead of throwing', () => {
    const hostile = Object.defineProperty({}, 'ticket', { get: () => { throw new Error('boom'); }, enumerable: true });
    expect(validateInput(hostile)).toEqual({ ok: false, reason: 'ticket_missing' });
  });
});

describe('parseIp()', () => {
  it.each([
    ['::1', 6, '::1', '6:0:0:0:0'],
    ['2001:DB8::1', 6, '2001:db8::1', '6:2001:db8:0:0'],
    ['2001:db8:1:2:3:4:5:6', 6, '2001:db8:1:2:3:4:5:6', '6:2001:db8:1:2'],
    ['2001:db8:1:2::', 6, '2001:db8:1:2::', '6:2001:db8:1:2'],
    ['::ffff:192.0.2.1', 4, '192.0.2.1', '4:192.0.2.1'],
    ['::ffff:c000:201', 4, '192.0.2.1', '4:192.0.2.1'],
    ['64:ff9b::192.0.2.33', 6, '64:ff9b::192.0.2.33', '6:64:ff9b:0:0'],
    ['0.0.0.0', 4, '0.0.0.0', '4:0.0.0.0'],
  ])('parses %s', (text, version, address, budgetKey) => {
    expect(parseIp(text)).toEqual({ version, address, budgetKey });
  });

  it.each(['1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', ':::', 'g::1', '::1.2.3', '1:2:3:4:5:6:7:1.2.3.4', ':1.2.3.4'])(
    'rejects %s',
    (text) => {
      expect(parseIp(text)).toBeUndefined();
    },
  );

  it('puts two addresses of one /64 into one budget key', () => {
    expect(parseIp('2001:db8:a:b::1')?.budgetKey).toBe(parseIp('2001:db8:a:b:ffff::2')?.budgetKey);
  });
});
