import { describe, expect, it } from 'vitest';
import { normalizeClientIp } from './client-ip.js';

describe('normalizeClientIp()', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    [' 203.0.113.7:4711 ', '203.0.113.7'],
    ['[2001:DB8::7]', '2001:db8::7'],
    ['[2001:db8::7]:443', '2001:db8::7'],
    ['fe80::7%eth0', 'fe80::7'],
    ['fe80::7%25eth0', 'fe80::7'],
    ['[fe80::7%eth0]:8080', 'fe80::7'],
    ['::ffff:203.0.113.8', '203.0.113.8'],
    ['[::ffff:203.0.113.8]:80', '203.0.113.8'],
  ])('reads %j as %j', (value, expected) => {
    expect(normalizeClientIp(value)).toBe(expected);
  });

  it.each(['', 'unknown', 'unknown:80', '[2001:db8::7', '2001:db8::7]', '[]:80', '203.0.113.7:', '203.0.113.256:80', '1.2.3.4%eth0%eth1'])(
    'leaves %j (no address) for verify to refuse',
    (value) => {
      expect(normalizeClientIp(value)).toBe(value.trim());
    },
  );

  it('passes null and undefined through', () => {
    expect(normalizeClientIp(null)).toBeNull();
    expect(normalizeClientIp(undefined)).toBeUndefined();
  });
});
