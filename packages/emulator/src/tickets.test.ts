import { isDisasterTicket } from '@tencent-captcha/protocol';
import { describe, expect, it } from 'vitest';
import { createTicketStore } from './tickets.js';

function store() {
  const clock = { t: 1_700_000_000_000 };
  return { clock, tickets: createTicketStore(() => clock.t) };
}

describe('createTicketStore()', () => {
  it('issues real-looking tickets that never look like disaster tickets', () => {
    const { tickets } = store();
    for (let i = 0; i < 200; i++) {
      const t = tickets.issue({ appId: '189990000' });
      expect(t.ticket).toMatch(/^tr03[A-Za-z0-9_-]{64}\*$/);
      expect(isDisasterTicket(t.ticket)).toBe(false);
      expect(t.randstr).toMatch(/^@[A-Za-z0-9]{6}$/);
      expect(t.appid).toBe('189990000');
    }
  });

  it('returns 1 once, then 9 for a reused ticket', () => {
    const { tickets } = store();
    const t = tickets.issue({ appId: '1' });
    expect(tickets.verify({ ticket: t.ticket, randstr: t.randstr, appId: '1' }).code).toBe(1);
    expect(tickets.verify({ ticket: t.ticket, randstr: t.randstr, appId: '1' }).code).toBe(9);
  });

  it('returns 7 for a randstr mismatch and spends the ticket', () => {
    const { tickets } = store();
    const t = tickets.issue({ appId: '1' });
    expect(tickets.verify({ ticket: t.ticket, randstr: '@nope00', appId: '1' }).code).toBe(7);
    expect(tickets.verify({ ticket: t.ticket, randstr: t.randstr, appId: '1' }).code).toBe(9);
  });

  it('returns 16 for a ticket of another app id without spending it', () => {
    const { tickets } = store();
    const t = tickets.issue({ appId: '2' });
    expect(tickets.verify({ ticket: t.ticket, randstr: t.randstr, appId: '1' }).code).toBe(16);
    expect(tickets.verify({ ticket: t.ticket, randstr: t.randstr, appId: '2' }).code).toBe(1);
  });

  it('accepts a ticket at exactly 5 minutes and returns 8 after that', () => {
    const { clock, tickets } = store();
    const a = tickets.issue({ appId: '1' });
    const b = tickets.issue({ appId: '1' });
    clock.t += 300_000;
    expect(tickets.verify({ ticket: a.ticket, randstr: a.randstr, appId: '1' }).code).toBe(1);
    clock.t += 1;
    expect(tickets.verify({ ticket: b.ticket, randstr: b.randstr, appId: '1' }).code).toBe(8);
  });

  it('returns 15 for garbage and for tickets it never issued', () => {
    const { tickets } = store();
    expect(tickets.verify({ ticket: 'garbage', randstr: '@x', appId: '1' }).code).toBe(15);
    expect(tickets.verify({ ticket: 'tr03notissued*', randstr: '@x', appId: '1' }).code).toBe(15);
  });

  it('returns 21 for a standard disaster ticket and 16 for one whose app id cannot be parsed', () => {
    const { tickets } = store();
    expect(tickets.verify({ ticket: 'trerror_1001_189990000_1700000000', randstr: '@abc', appId: '1' }).code).toBe(21);
    expect(tickets.verify({ ticket: 'terror_1006_2031483705_1649302812', randstr: '@abc', appId: '1' }).code).toBe(21);
    expect(tickets.verify({ ticket: 'terror_1001_1899900001700000000', randstr: '@abc', appId: '1' }).code).toBe(16);
    expect(tickets.verify({ ticket: 'trerror_x', randstr: '@abc', appId: '1' }).code).toBe(16);
  });

  it('reports issue and fetch times in Unix seconds, and the evil level it was issued with', () => {
    const { clock, tickets } = store();
    const t = tickets.issue({ appId: '1', fetchedAt: clock.t - 4_000, evilLevel: 100, score: 73 });
    expect(tickets.verify({ ticket: t.ticket, randstr: t.randstr, appId: '1' })).toEqual({
      code: 1,
      getCaptchaTime: 1_699_999_996,
      submitCaptchaTime: 1_700_000_000,
      evilLevel: 100,
      score: 73,
    });
  });

  it('forgets tickets long after they expired (they then read as unknown, 15)', () => {
    const { clock, tickets } = store();
    const old = tickets.issue({ appId: '1' });
    clock.t += 60 * 60_000;
    tickets.issue({ appId: '1' });
    expect(tickets.verify({ ticket: old.ticket, randstr: old.randstr, appId: '1' }).code).toBe(15);
  });
});

describe('legacy tickets', () => {
  it('are accepted twice within 20 minutes', () => {
    const { clock, tickets } = store();
    const { ticket } = tickets.issueLegacy();
    expect(isDisasterTicket(ticket)).toBe(false);
    clock.t += 20 * 60_000;
    expect(tickets.verifyLegacy(ticket)).toEqual({ pass: true, reason: 'ok' });
    expect(tickets.verifyLegacy(ticket)).toEqual({ pass: true, reason: 'ok' });
    expect(tickets.verifyLegacy(ticket)).toEqual({ pass: false, reason: 'exhausted' });
  });

  it('expire after 20 minutes', () => {
    const { clock, tickets } = store();
    const { ticket } = tickets.issueLegacy();
    clock.t += 20 * 60_000 + 1;
    expect(tickets.verifyLegacy(ticket)).toEqual({ pass: false, reason: 'expired' });
    expect(tickets.verifyLegacy('t02unknown')).toEqual({ pass: false, reason: 'unknown' });
  });
});
