/**
 * Attacks (issue 18 point 3): budgets per scope only, so n scopes accepted n × the global budget and
 * filled the store, which then refused everyone. The app-wide cap per tier (across all scopes) bounds
 * both what is accepted and what the store must remember.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CREDENTIALS, ENDPOINT, createFakeTencent } from '../../test/helpers/fake-tencent.js';
import { advance, useFakeTimers, useRealTimers } from '../../test/helpers/timers.js';
import { verifyFetchRequest } from '../adapters/fetch.js';
import { createCaptchaVerifier } from '../engine/verifier.js';
import { createMemoryStore } from './memory.js';

afterEach(() => {
  useRealTimers();
});

describe('attack: store exhaustion through many budget scopes', () => {
  it('during an outage, 8 routes and 60 IPs for 6 minutes cannot keep a genuine user on /login from being accepted', async () => {
    useFakeTimers(Date.UTC(2026, 0, 15, 12, 0, 0));
    const tencent = createFakeTencent();
    tencent.reply({ apiError: 'InternalError' });
    // Scaled down from the report (50,000 entries, outage budgets 20 / 1,200): same proportions.
    const store = createMemoryStore({ maxEntries: 5000 });
    const budgets = { outagePerIp: 2, outageGlobal: 120 };
    const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint: ENDPOINT, fetch: tencent.fetch, store, mode: 'open', retry: { enabled: false }, budgets, logger: false });
    const routes = ['/a', '/b', '/c', '/d', '/e', '/f', '/g', '/h'];
    let accepted = 0;
    let n = 0;
    for (let minute = 0; minute < 6; minute++) {
      let acceptedThisMinute = 0;
      for (const route of routes) {
        for (let ip = 0; ip < 60; ip++) {
          for (let k = 0; k < budgets.outagePerIp; k++) {
            const v = await verifier.verify({ ticket: `tr03attack${n++}*`, randstr: '@x', userIp: `198.51.100.${ip + 1}` }, { budgetScope: route });
            if (v.accepted) acceptedThisMinute++;
            expect(v.reason).not.toBe('store_unavailable');
          }
        }
      }
      // The app-wide outage cap (default: outageGlobal) holds across the 8 routes.
      expect(acceptedThisMinute).toBeLessThanOrEqual(budgets.outageGlobal);
      accepted += acceptedThisMinute;
      await advance(60_000);
    }
    expect(accepted).toBeGreaterThan(0);
    // Memory stays bounded by what the app-wide cap accepts: about 4 entries per acceptance still live.
    expect(store.size).toBeLessThan(4 * budgets.outageGlobal * 6);
    const genuine = await verifier.verify({ ticket: 'tr03genuine*', randstr: '@g', userIp: '203.0.113.9' }, { budgetScope: '/login' });
    // A new window: the app-wide budget has room, so the genuine user is accepted.
    expect(genuine).toMatchObject({ accepted: true, reason: 'upstream_internal_error' });
    await verifier.close();
  });

  it('while Tencent is healthy, a catch-all Fetch handler with 200 paths gives one IP no more than the healthy global budget', async () => {
    useFakeTimers(Date.UTC(2026, 0, 15, 12, 0, 0));
    const tencent = createFakeTencent();
    // Tencent's answer to a disaster ticket (as the emulator gives it).
    tencent.reply({ captchaCode: 21, captchaMsg: 'diff' });
    const store = createMemoryStore();
    const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint: ENDPOINT, fetch: tencent.fetch, store, retry: { enabled: false }, logger: false });
    const second = Math.floor(Date.now() / 1000);
    let accepted = 0;
    for (let i = 0; i < 800; i++) {
      const path = `/p${i % 200}`;
      const body = JSON.stringify({ 'tencent-captcha-ticket': `trerror_1001_${CREDENTIALS.captchaAppId}_${second}`, 'tencent-captcha-randstr': `@forged${i}` });
      const request = new Request(`https://app.example${path}`, { method: 'POST', body, headers: { 'cf-connecting-ip': '198.51.100.7', 'content-type': 'application/json' } });
      const v = await verifyFetchRequest(verifier, request, { getUserIp: (r) => r.headers.get('cf-connecting-ip'), budgetScope: (r) => new URL(r.url).pathname });
      if (v.accepted) accepted++;
    }
    // Before: 3 per path, 600 of 800. Now the healthy app-wide cap (default: global, 30).
    expect(accepted).toBeLessThanOrEqual(30);
    expect(accepted).toBeGreaterThan(0);
    expect(store.size).toBeLessThanOrEqual(4 * 30 + 200 * 2);
    await verifier.close();
  });
});
