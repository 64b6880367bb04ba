/**
 * The local-fault rule (design §3.2a): a failure raised before any byte left the process is our own
 * fault, never Tencent's outage. The attack: a transport that cannot run in this runtime (Bun's stubbed
 * undici, workerd) used to fail as `upstream_unreachable`, so `adaptive` failed open and opened the
 * breaker — 20 of 40 forged tickets from one IP accepted in a minute.
 */
import { describe, expect, it } from 'vitest';
import { CREDENTIALS, ENDPOINT } from '../../test/helpers/fake-tencent.js';
import { LocalTransportError, isLocalFault } from './local-fault.js';
import { createDefaultTransport } from './default-transport.js';
import type { FetchLike, MisconfigurationEvent } from '../types/options.js';
import { createCaptchaVerifier } from '../engine/verifier.js';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const code = (c: string) => Object.assign(new Error(c), { code: c });

describe('isLocalFault()', () => {
  it.each([
    [new LocalTransportError('undici does not run here'), true],
    [new TypeError('pool.dispatch is not a function'), true],
    [new TypeError("Cannot read properties of undefined (reading 'connect')"), true],
    [new TypeError('p.destroy is not a function. (In \'p.destroy()\', \'p.destroy\' is undefined)'), true],
    [new ReferenceError('Buffer is not defined'), true],
    [new TypeError('fetch failed', { cause: code('ECONNREFUSED') }), false],
    [new TypeError('fetch failed', { cause: code('UND_ERR_SOCKET') }), false],
    [new TypeError('Network connection lost.'), false],
    [new TypeError('error sending request for url (http://127.0.0.1:1/): client error (Connect): Connection refused (os error 111)'), false],
    [code('ConnectionRefused'), false],
    [code('ECONNRESET'), false],
    [new Error('the attempt timed out'), false],
    ['is not a function', false],
    [null, false],
  ])('says %s → %s', (error, expected) => {
    expect(isLocalFault(error)).toBe(expected);
  });
});

describe('a transport that fails before sending anything', () => {
  const BROKEN: ReadonlyArray<[string, FetchLike]> = [
    [
      'a fetch that throws instead of sending',
      () => {
        throw new Error('this fetch cannot run here');
      },
    ],
    ['a stubbed client (TypeError: dispatch is not a function)', () => Promise.reject(new TypeError('pool.dispatch is not a function'))],
    ['a missing API (ReferenceError)', () => Promise.reject(new ReferenceError('Buffer is not defined'))],
  ];

  it.each(BROKEN)('%s: accepts nothing, leaves the breaker alone, tells the operator once', async (_, fetch) => {
    const misconfigurations: MisconfigurationEvent[] = [];
    let breakerOpened = 0;
    const verifier = createCaptchaVerifier({
      ...CREDENTIALS,
      endpoint: ENDPOINT,
      env: {},
      fetch,
      logger: false,
      hooks: { onMisconfiguration: (e) => misconfigurations.push(e), onBreakerOpen: () => breakerOpened++ },
    });
    // Forged disaster tickets and ordinary ones from one IP and from many: far more than the
    // breaker's threshold (5) and the healthy budgets (3 per IP, 30 in all).
    const verdicts = [];
    for (let i = 0; i < 40; i++) {
      const ticket = i % 2 === 0 ? `terror_1001_${CREDENTIALS.captchaAppId}_${nowSeconds()}` : `tr03-ticket-${i}`;
      verdicts.push(await verifier.verify({ ticket, randstr: `@r${i}`, userIp: i < 20 ? '203.0.113.7' : `198.51.100.${i}` }));
    }
    expect(verdicts.filter((v) => v.accepted)).toEqual([]);
    expect(new Set(verdicts.map((v) => `${v.status} ${v.reason} ${v.attempts}`))).toEqual(new Set(['rejected misconfigured 1']));
    expect(verifier.breakerState).toBe('closed');
    expect(breakerOpened).toBe(0);
    expect(misconfigurations).toEqual([expect.objectContaining({ source: 'transport', captchaCode: null, apiErrorCode: null })]);
    await verifier.close();
  });
});

describe('a local fault whose message carries a secret', () => {
  it('never repeats the secret in the hook, the log or the verdict', async () => {
    const lines: string[] = [];
    const misconfigurations: MisconfigurationEvent[] = [];
    const verifier = createCaptchaVerifier({
      ...CREDENTIALS,
      endpoint: ENDPOINT,
      env: {},
      fetch: () => {
        throw new TypeError(`init.headers is not iterable (${CREDENTIALS.secretKey} / ${CREDENTIALS.appSecretKey})`);
      },
      logger: { error: (m, d) => lines.push(`${m} ${JSON.stringify(d)}`), warn: (m, d) => lines.push(`${m} ${JSON.stringify(d)}`) },
      hooks: { onMisconfiguration: (e) => misconfigurations.push(e) },
    });
    const verdict = await verifier.verify({ ticket: 'tr03-ticket', randstr: '@r', userIp: '203.0.113.7' });
    expect(verdict).toMatchObject({ accepted: false, reason: 'misconfigured' });
    const seen = JSON.stringify([verdict, misconfigurations, lines]);
    expect(misconfigurations).toHaveLength(1);
    expect(seen).toContain('[redacted]');
    expect(seen).not.toContain(CREDENTIALS.secretKey);
    expect(seen).not.toContain(CREDENTIALS.appSecretKey);
    await verifier.close();
  });
});

describe('check() with a transport that cannot send', () => {
  it('says the signed call failed before it was sent and what to pass, not that the network is down', async () => {
    const verifier = createCaptchaVerifier({
      ...CREDENTIALS,
      // Nothing listens here: the network checks fail fast and never leave the machine.
      endpoint: 'http://127.0.0.1:9/',
      env: {},
      logger: false,
      fetch: () => Promise.reject(new TypeError('pool.dispatch is not a function')),
    });
    const report = await verifier.check();
    expect(report.transport).toBe('fetch (injected)');
    expect(report.checks.find((c) => c.name === 'api_key')).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('failed in this process before it was sent (TypeError: pool.dispatch is not a function)'),
      hint: expect.stringContaining('Pass a working `fetch`'),
    });
    await verifier.close();
  });
});

describe('the default transport (Node build)', () => {
  const ORIGIN = 'http://127.0.0.1:9';
  // What Bun answers for `import('undici')`: pools without `dispatch` or `destroy`.
  const stubUndici = () => Promise.resolve({ Pool: class {}, ProxyAgent: class {} });

  it("uses the runtime's fetch where undici's pool cannot work, and says so", async () => {
    const transport = createDefaultTransport(`${ORIGIN}/`, 8, undefined, stubUndici);
    await transport.warm();
    expect(transport.name).toBe("fetch (the runtime's own; undici does not run here)");
    await transport.close();
  });

  it('uses undici where it really works', async () => {
    const transport = createDefaultTransport(`${ORIGIN}/`, 8, undefined);
    await transport.warm();
    expect(transport.name).toBe('undici');
    await transport.close();
  });

  it('fails every call as a local fault when a proxy is set and undici cannot run', async () => {
    const transport = createDefaultTransport(`${ORIGIN}/`, 8, 'http://proxy.example:3128', stubUndici);
    const sent = transport.send({ headers: {}, body: '{}' }, { cancel: null });
    await expect(sent).rejects.toSatisfy(isLocalFault);
    await expect(sent).rejects.toThrow(/proxy needs undici/);
    await transport.close();
  });

  it('closes a transport that never chose, and one whose pool is a stub, without throwing', async () => {
    await expect(createDefaultTransport(`${ORIGIN}/`, 8, undefined, stubUndici).close()).resolves.toBeUndefined();
    const used = createDefaultTransport(`${ORIGIN}/`, 8, undefined, stubUndici);
    await used.warm();
    await expect(used.close()).resolves.toBeUndefined();
  });
});
