import { describe, expect, it } from 'vitest';
import { extractCaptchaField, extractCaptchaFields, MALFORMED_FIELD_VALUE } from './extract.js';
import { MAX_RANDSTR_LENGTH, MAX_TICKET_LENGTH, validateInput } from '../decision/input.js';

const T = 'tencent-captcha-ticket';
const R = 'tencent-captcha-randstr';

describe('extractCaptchaField()', () => {
  it('takes a body string and ignores the header', () => {
    expect(extractCaptchaField('ticket', { body: { [T]: 'tr03a*' }, header: 'tr03b*' })).toEqual({ status: 'present', value: 'tr03a*', source: 'body' });
  });

  it('falls back to the header only when the body has no such field', () => {
    expect(extractCaptchaField('ticket', { body: { other: 1 }, header: 'tr03b*' })).toEqual({ status: 'present', value: 'tr03b*', source: 'header' });
    expect(extractCaptchaField('ticket', { body: undefined, header: 'tr03b*' })).toMatchObject({ status: 'present', source: 'header' });
    expect(extractCaptchaField('ticket', { body: 'raw text', header: 'tr03b*' })).toMatchObject({ status: 'present', source: 'header' });
    expect(extractCaptchaField('ticket', { body: new Uint8Array(4), header: 'tr03b*' })).toMatchObject({ status: 'present', source: 'header' });
    expect(extractCaptchaField('ticket', { body: [{ [T]: 'x' }], header: 'tr03b*' })).toMatchObject({ status: 'present', source: 'header' });
  });

  it.each([
    ['a number', 42],
    ['an object', { a: 'b' }],
    ['an array (repeated form field)', ['tr03a*', 'tr03c*']],
    ['a one-element array', ['tr03a*']],
    ['null', null],
    ['a boolean', true],
    ['an oversized string', 'a'.repeat(MAX_TICKET_LENGTH + 1)],
  ])('refuses %s in the body as ticket_malformed without falling back to a valid header', (_name, value) => {
    expect(extractCaptchaField('ticket', { body: { [T]: value }, header: 'tr03valid*' })).toEqual({ status: 'malformed', reason: 'ticket_malformed', source: 'body' });
  });

  it('refuses a body field the parser saw more than once', () => {
    expect(extractCaptchaField('randstr', { body: { [R]: '@a' }, bodyValueCount: 2, header: '@b' })).toEqual({ status: 'malformed', reason: 'randstr_malformed', source: 'body' });
  });

  it('uses each field’s own length limit', () => {
    expect(extractCaptchaField('randstr', { body: { [R]: '@'.repeat(MAX_RANDSTR_LENGTH) } })).toMatchObject({ status: 'present' });
    expect(extractCaptchaField('randstr', { body: { [R]: '@'.repeat(MAX_RANDSTR_LENGTH + 1) } })).toMatchObject({ status: 'malformed', reason: 'randstr_malformed' });
    expect(extractCaptchaField('randstr', { header: '@'.repeat(MAX_RANDSTR_LENGTH + 1) })).toMatchObject({ status: 'malformed', source: 'header' });
  });

  it('refuses repeated headers: several values, or values joined with a comma', () => {
    expect(extractCaptchaField('ticket', { header: ['tr03a*', 'tr03b*'] })).toMatchObject({ status: 'malformed', reason: 'ticket_malformed' });
    expect(extractCaptchaField('ticket', { header: 'tr03a*, tr03b*' })).toMatchObject({ status: 'malformed', reason: 'ticket_malformed' });
    expect(extractCaptchaField('ticket', { header: ['tr03a*'] })).toMatchObject({ status: 'present', value: 'tr03a*' });
  });

  it('treats an empty or absent header as absent', () => {
    expect(extractCaptchaField('ticket', { header: '' })).toEqual({ status: 'absent' });
    expect(extractCaptchaField('ticket', { header: null })).toEqual({ status: 'absent' });
    expect(extractCaptchaField('ticket', {})).toEqual({ status: 'absent' });
    expect(extractCaptchaField('ticket', { header: [] })).toEqual({ status: 'absent' });
  });

  it('reads own properties only, and survives hostile bodies', () => {
    const inherited = Object.create({ [T]: 'tr03proto*' }) as object;
    expect(extractCaptchaField('ticket', { body: inherited, header: 'tr03h*' })).toMatchObject({ status: 'present', value: 'tr03h*' });
    const hostile = Object.defineProperty({}, T, { enumerable: true, get: () => { throw new Error('boom'); } });
    expect(extractCaptchaField('ticket', { body: hostile, header: 'tr03h*' })).toMatchObject({ status: 'malformed', reason: 'ticket_malformed' });
  });
});

describe('extractCaptchaFields()', () => {
  it('reads both fields with the header getter for lower-case names', () => {
    const headers: Record<string, string> = { 'x-tencent-captcha-ticket': 'tr03h*', 'x-tencent-captcha-randstr': '@h' };
    expect(extractCaptchaFields({ body: { [R]: '@b' }, header: (name) => headers[name] })).toEqual({ ticket: 'tr03h*', randstr: '@b', malformed: null });
  });

  it('hands a malformed field on as a value the verifier refuses as …_malformed', () => {
    const fields = extractCaptchaFields({ body: { [T]: 7, [R]: '@b' }, header: () => 'tr03valid*' });
    expect(fields).toEqual({ ticket: MALFORMED_FIELD_VALUE, randstr: '@b', malformed: 'ticket_malformed' });
    expect(validateInput({ ticket: fields.ticket, randstr: fields.randstr, userIp: '1.2.3.4' })).toEqual({ ok: false, reason: 'ticket_malformed' });
    const r = extractCaptchaFields({ body: { [T]: 'tr03a*', [R]: ['@a', '@b'] }, header: () => undefined });
    expect(r.malformed).toBe('randstr_malformed');
    expect(validateInput({ ticket: r.ticket, randstr: r.randstr, userIp: '1.2.3.4' })).toEqual({ ok: false, reason: 'randstr_malformed' });
  });

  it('counts body values per field and survives a throwing header getter', () => {
    expect(
      extractCaptchaFields({
        body: { [T]: 'tr03a*', [R]: '@a' },
        bodyValueCounts: { ticket: 2 },
        header: () => {
          throw new Error('no');
        },
      }),
    ).toEqual({ ticket: MALFORMED_FIELD_VALUE, randstr: '@a', malformed: 'ticket_malformed' });
  });
});
