/**
 * `tencentCaptcha(options)`: validated once at creation, a verifier or core's options, a named
 * middleware, and `ctx.state.captcha` typed through Koa's `DefaultState`.
 */
import type { DefaultState } from 'koa';
import request from 'supertest';
import Koa from 'koa';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  CAPTCHA_FIELD_NAMES,
  CAPTCHA_HEADER_NAMES,
  CaptchaConfigError,
  type CaptchaVerdict,
  type CaptchaVerifier,
} from '@tencent-captcha/core';
import { tencentCaptcha, type TencentCaptchaOptions } from './index.js';
import {
  RANDSTR_FIELD,
  RANDSTR_HEADER,
  Resources,
  parseBody,
  TICKET_FIELD,
  TICKET_HEADER,
  emulatorVerifierOptions,
  startEmulator,
  type TestEmulator,
} from './testing/harness.js';

/** The error `fn` throws (fails the test if it throws nothing). */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

let emulator: TestEmulator;
const resources = new Resources();
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
});
afterEach(async () => {
  await resources.closeAll();
});

describe('tencentCaptcha(options)', () => {
  it('returns a middleware named tencentCaptcha that exposes its verifier', () => {
    const verifier = resources.verifier(emulator);
    const middleware = tencentCaptcha({ verifier });
    expect(typeof middleware).toBe('function');
    expect(middleware.name).toBe('tencentCaptcha');
    expect(middleware.length).toBe(2);
    expect(middleware.verifier).toBe(verifier);
  });

  it('creates its own verifier from createCaptchaVerifier options, and it verifies over HTTP', async () => {
    const middleware = tencentCaptcha({ ...emulatorVerifierOptions(emulator), mode: 'closed' });
    resources.defer(() => middleware.verifier.close());
    expect(middleware.verifier.options.mode).toBe('closed');
    const app = new Koa();
    app.use(parseBody());
    app.use(middleware);
    app.use((ctx) => {
      ctx.body = { reason: ctx.state.captcha?.reason };
    });
    const server = await resources.listen(app);
    const { ticket, randstr } = emulator.issueTicket();
    const res = await request(server)
      .post('/')
      .send({ [TICKET_FIELD]: ticket, [RANDSTR_FIELD]: randstr })
      .expect(200);
    expect(res.body).toEqual({ reason: 'verified' });
  });

  it('reads the element’s default names, the ones core exports', () => {
    expect(CAPTCHA_FIELD_NAMES).toEqual({ ticket: TICKET_FIELD, randstr: RANDSTR_FIELD });
    expect(CAPTCHA_HEADER_NAMES).toEqual({ ticket: TICKET_HEADER, randstr: RANDSTR_HEADER });
  });

  it('throws core’s CaptchaConfigError at creation when credentials are missing (never per request)', () => {
    const error = thrownBy(() => tencentCaptcha({ env: {} }));
    expect(error).toBeInstanceOf(CaptchaConfigError);
    expect(error).toMatchObject({ code: 'missing_credential' });
  });

  it.each([
    ['mode', { mode: 'lenient' }],
    ['skip', { skip: 'yes' }],
    ['respond', { respond: 'json' }],
    ['getTicket', { getTicket: 'ticket' }],
    ['getRandstr', { getRandstr: 42 }],
    ['getUserIp', { getUserIp: {} }],
  ])('throws CaptchaConfigError invalid_option for a bad `%s`', (option, bad) => {
    const verifier = resources.verifier(emulator);
    const options = { verifier, ...bad } as unknown as TencentCaptchaOptions;
    const error = thrownBy(() => tencentCaptcha(options));
    expect(error).toBeInstanceOf(CaptchaConfigError);
    expect(error).toMatchObject({ code: 'invalid_option', option });
  });

  it('refuses a verifier together with verifier options (they would be ignored)', () => {
    const verifier = resources.verifier(emulator);
    // (`maxEvilLevel` / `maxScore` are route options now, passed per call: not in this list.)
    const options = { verifier, secretId: 'AKIDx', deadlineMs: 1000 } as unknown as TencentCaptchaOptions;
    expect(() => tencentCaptcha(options)).toThrow(/`secretId`, `deadlineMs`/);
    expect(() => tencentCaptcha(options)).toThrow(CaptchaConfigError);
  });

  it('names a misspelled option and the nearest known one, with or without a verifier', () => {
    const verifier = resources.verifier(emulator);
    // `verifer`: no verifier, so these look like core's options; the typo is still named as such.
    const noVerifier = thrownBy(() => tencentCaptcha({ verifer: verifier } as unknown as TencentCaptchaOptions));
    expect(noVerifier).toBeInstanceOf(CaptchaConfigError);
    expect(noVerifier).toMatchObject({ code: 'invalid_option', option: 'verifer', message: expect.stringContaining('Did you mean `verifier`?') });
    const typoWithVerifier = thrownBy(() => tencentCaptcha({ verifier, mdoe: 'closed' } as unknown as TencentCaptchaOptions));
    expect(typoWithVerifier).toMatchObject({ code: 'invalid_option', option: 'mdoe', message: expect.stringContaining('Did you mean `mode`?') });
    expect((typoWithVerifier as Error).message).not.toMatch(/not both/);
    const typoOfCore = thrownBy(() => tencentCaptcha({ ...emulatorVerifierOptions(emulator), deadlineMS: 1000 } as unknown as TencentCaptchaOptions));
    expect(typoOfCore).toMatchObject({ option: 'deadlineMS', message: expect.stringContaining('`deadlineMs`') });
    // A real verifier option next to a verifier: the rule, naming the option.
    expect(thrownBy(() => tencentCaptcha({ verifier, attemptTimeoutMs: 10 } as unknown as TencentCaptchaOptions))).toMatchObject({ option: 'attemptTimeoutMs' });
  });

  it('refuses something that is not a verifier', () => {
    const options = { verifier: { check() {} } } as unknown as TencentCaptchaOptions;
    expect(thrownBy(() => tencentCaptcha(options))).toMatchObject({ code: 'invalid_option', option: 'verifier' });
    expect(() => tencentCaptcha(null as unknown as TencentCaptchaOptions)).toThrow(CaptchaConfigError);
  });

  it('never puts a secret in a configuration error', () => {
    const secret = 'TopSecretKeyValue123456';
    const error = thrownBy(() =>
      tencentCaptcha({ ...emulatorVerifierOptions(emulator), secretKey: secret, mode: 'nope' as 'open' }),
    );
    const message = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack}`;
    expect(message).toContain('mode');
    expect(message).not.toContain(secret);
  });
});

describe('types', () => {
  it('ctx.state.captcha is the verdict, through Koa’s DefaultState', () => {
    expectTypeOf<DefaultState['captcha']>().toEqualTypeOf<CaptchaVerdict | undefined>();
    const app = new Koa();
    app.use((ctx) => {
      expectTypeOf(ctx.state.captcha).toEqualTypeOf<CaptchaVerdict | undefined>();
    });
    expect(app.middleware).toHaveLength(1);
  });

  it('accepts a verifier or core’s options, not neither', () => {
    expectTypeOf(tencentCaptcha).parameter(0).toExtend<TencentCaptchaOptions>();
    expectTypeOf<{ verifier: CaptchaVerifier; mode: 'closed' }>().toExtend<TencentCaptchaOptions>();
    expectTypeOf<{ secretId: string; skip: true }>().toExtend<TencentCaptchaOptions>();
    expectTypeOf<{ verifier: CaptchaVerifier; secretId: string }>().not.toExtend<TencentCaptchaOptions>();
  });
});
