import { describe, expect, it } from 'vitest';
import {
  buildDisasterTicket,
  formatDisasterTicket,
  createDisasterRandstr,
  createDisasterResult,
  isDisasterTicket,
  parseDisasterTicket,
} from './disaster-ticket.js';

describe('parseDisasterTicket()', () => {
  it('parses the documented terror_ example', () => {
    expect(parseDisasterTicket('terror_1006_2031483705_1649302812')).toEqual({
      ok: true,
      ticket: { prefix: 'terror_', errorCode: 1006, appId: '2031483705', timestamp: 1649302812 },
    });
  });

  it('parses the trerror_ form with the optional trailing segment', () => {
    expect(parseDisasterTicket('trerror_1001_199999164_1700000000_x1')).toEqual({
      ok: true,
      ticket: { prefix: 'trerror_', errorCode: 1001, appId: '199999164', timestamp: 1700000000, suffix: 'x1' },
    });
  });

  it('reports the doc snippet that glues app id and timestamp as fused_app_id_and_timestamp', () => {
    // 'terror_1001_' + appid + Math.floor(Date.now()/1000) — the app id cannot be recovered.
    const glued = `terror_1001_${'2031483705'}${1649302812}`;
    expect(parseDisasterTicket(glued)).toEqual({ ok: false, error: 'fused_app_id_and_timestamp', prefix: 'terror_' });
  });

  it.each([
    ['tr03XaCUZPAlPdIMqv17', 'not_disaster'],
    ['', 'not_disaster'],
    ['TERROR_1001_1_1649302812', 'not_disaster'],
    ['terror_', 'bad_error_code'],
    ['terror_abc_1_1649302812', 'bad_error_code'],
    ['terror_1234567_1_1649302812', 'bad_error_code'],
    ['terror_1001__1649302812', 'bad_app_id'],
    ['terror_1001_12a_1649302812', 'bad_app_id'],
    ['terror_1001_123', 'bad_timestamp'],
    ['terror_1001_123_', 'bad_timestamp'],
    ['terror_1001_123_16493028', 'bad_timestamp'],
    ['terror_1001_123_1649302812345', 'bad_timestamp'],
    ['terror_1001_123_-1649302812', 'bad_timestamp'],
    ['terror_1001_123_1649302812_', 'bad_suffix'],
    ['terror_1001_123_1649302812_a_b', 'bad_suffix'],
    ['terror_1001_123_1649302812_<script>', 'bad_suffix'],
    [`terror_1001_${'1'.repeat(13)}_1649302812`, 'bad_app_id'],
  ])('rejects %j as %s', (input, error) => {
    const r = parseDisasterTicket(input);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toBe(error);
  });
});

describe('formatDisasterTicket()', () => {
  it('writes the same ticket as buildDisasterTicket, which parses back to its parts', () => {
    const t = formatDisasterTicket('terror_', 1002, '199999164', 1700000000);
    expect(t).toBe(buildDisasterTicket({ errorCode: 1002, appId: '199999164', prefix: 'terror_', timestamp: 1700000000 }));
    expect(parseDisasterTicket(t)).toMatchObject({ ok: true, ticket: { prefix: 'terror_', errorCode: 1002, appId: '199999164', timestamp: 1700000000 } });
  });
});

describe('buildDisasterTicket()', () => {
  it('builds the standard form with `_` before the timestamp and round-trips', () => {
    const t = buildDisasterTicket({ errorCode: 1001, appId: 199999164, timestamp: 1700000000 });
    expect(t).toBe('trerror_1001_199999164_1700000000');
    expect(parseDisasterTicket(t)).toMatchObject({ ok: true, ticket: { errorCode: 1001, appId: '199999164', timestamp: 1700000000 } });
    expect(buildDisasterTicket({ errorCode: 1006, appId: '1', timestamp: 1700000000, prefix: 'terror_', suffix: 'ab' })).toBe(
      'terror_1006_1_1700000000_ab',
    );
  });

  it('defaults the timestamp to the current Unix second', () => {
    const before = Math.floor(Date.now() / 1000);
    const r = parseDisasterTicket(buildDisasterTicket({ errorCode: 1001, appId: '5' }));
    expect(r.ok && r.ticket.timestamp).toBeGreaterThanOrEqual(before);
  });

  it.each([
    [{ errorCode: -1, appId: '1' }],
    [{ errorCode: 1.5, appId: '1' }],
    [{ errorCode: 1001, appId: '12_3' }],
    [{ errorCode: 1001, appId: '1', timestamp: 1.5 }],
    [{ errorCode: 1001, appId: '1', suffix: 'a_b' }],
  ])('throws a RangeError for %j', (input) => {
    expect(() => buildDisasterTicket(input)).toThrow(RangeError);
  });
});

describe('isDisasterTicket()', () => {
  it('tells prefixed strings from real tickets', () => {
    expect(isDisasterTicket('terror_x')).toBe(true);
    expect(isDisasterTicket('trerror_x')).toBe(true);
    expect(isDisasterTicket('tr03abc')).toBe(false);
  });
});

describe('createDisasterResult()', () => {
  it('has the SDK shape: ret 0, ticket, @randstr, both app id keys, errorMessage from the table', () => {
    const r = createDisasterResult({ appId: '199999164', errorCode: 1001, bizState: { a: 1 }, timestamp: 1700000000 });
    expect(r).toMatchObject({
      ret: 0,
      ticket: 'trerror_1001_199999164_1700000000',
      appid: '199999164',
      CaptchaAppId: '199999164',
      errorCode: 1001,
      errorMessage: 'jsload_error',
      bizState: { a: 1 },
    });
    expect(r.randstr).toMatch(/^@[0-9a-z]{11}$/);
  });

  it('uses unknown_error for a code outside the table unless a message is given', () => {
    expect(createDisasterResult({ appId: '1', errorCode: 4242 }).errorMessage).toBe('unknown_error');
    expect(createDisasterResult({ appId: '1', errorCode: 4242, errorMessage: 'x' }).errorMessage).toBe('x');
  });
});

describe('createDisasterRandstr()', () => {
  it('is @ plus 11 base-36 characters even when the random source is short', () => {
    let n = 0;
    const short = () => [0.5, 0.25, 0.125][n++ % 3] as number;
    expect(createDisasterRandstr(short)).toMatch(/^@[0-9a-z]{11}$/);
  });
});
