/**
 * CaptchaModule: forRoot / forRootAsync (a ConfigService-style factory, useClass), isGlobal,
 * globalGuard, module-level defaults, validation at startup, and who closes the verifier.
 */
import 'reflect-metadata';
import { Controller, HttpCode, Inject, Injectable, Module, Post, type INestApplication } from '@nestjs/common';
import { createCaptchaVerifier, type CaptchaVerifier } from '@tencent-captcha/core';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CAPTCHA_VERIFIER } from './captcha.constants.js';
import { CaptchaVerdict, RequireCaptcha, SkipCaptcha } from './captcha.decorators.js';
import { CaptchaModule } from './captcha.module.js';
import type { CaptchaModuleOptions } from './captcha.options.js';
import { emulatorVerifierOptions, startApp } from './test-support.js';

@Controller()
class GuardedController {
  @Post('guarded')
  @HttpCode(200)
  @RequireCaptcha()
  guarded(@CaptchaVerdict() verdict: CaptchaVerdict) {
    return { verdict };
  }
}

@Controller()
class PlainController {
  @Post('plain')
  @HttpCode(200)
  plain(@CaptchaVerdict() verdict: CaptchaVerdict | undefined) {
    return { verdict: verdict ?? null };
  }

  @Post('guarded-too')
  @HttpCode(200)
  @RequireCaptcha({ mode: 'closed' })
  guardedToo(@CaptchaVerdict() verdict: CaptchaVerdict) {
    return { verdict };
  }

  @Post('exempt')
  @HttpCode(200)
  @SkipCaptcha()
  exempt(@CaptchaVerdict() verdict: CaptchaVerdict | undefined) {
    return { verdict: verdict ?? null };
  }
}

/** A stand-in for @nestjs/config's ConfigService. */
@Injectable()
class ConfigService {
  constructor(@Inject('ENV') private readonly env: Record<string, string>) {}
  getOrThrow(key: string): string {
    const value = this.env[key];
    if (value === undefined) throw new Error(`${key} is not set`);
    return value;
  }
}

let emulator: Emulator;
let app: INestApplication | undefined;
const http = () => request(app!.getHttpServer());
const solve = () => {
  const { ticket, randstr } = emulator.issueTicket();
  return { 'tencent-captcha-ticket': ticket, 'tencent-captcha-randstr': randstr };
};

beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await emulator?.close();
});
afterEach(async () => {
  emulator.faults.clear();
  await app?.close();
  app = undefined;
});

describe('CaptchaModule.forRootAsync()', () => {
  it('builds the verifier from a ConfigService-style factory', async () => {
    const { appId, appSecretKey, secretId, secretKey } = emulator;
    @Module({
      providers: [
        ConfigService,
        { provide: 'ENV', useValue: { CAPTCHA_APP_ID: appId, CAPTCHA_APP_SECRET_KEY: appSecretKey, SECRET_ID: secretId, SECRET_KEY: secretKey, CAPTCHA_ENDPOINT: emulator.apiUrl } },
      ],
      exports: [ConfigService],
    })
    class ConfigModule {}

    app = await startApp('express', {
      imports: [
        CaptchaModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService): CaptchaModuleOptions => ({
            verifier: {
              captchaAppId: config.getOrThrow('CAPTCHA_APP_ID'),
              appSecretKey: config.getOrThrow('CAPTCHA_APP_SECRET_KEY'),
              secretId: config.getOrThrow('SECRET_ID'),
              secretKey: config.getOrThrow('SECRET_KEY'),
              endpoint: config.getOrThrow('CAPTCHA_ENDPOINT'),
              env: {},
            },
            mode: 'closed',
          }),
        }),
      ],
      controllers: [GuardedController],
    });
    const res = await http().post('/guarded').send(solve()).expect(200);
    expect(res.body.verdict).toMatchObject({ status: 'verified', mode: 'closed' });
  });

  it('accepts useClass with a create() method', async () => {
    @Injectable()
    class CaptchaConfig {
      create(): CaptchaModuleOptions {
        return { verifier: emulatorVerifierOptions(emulator) };
      }
    }
    app = await startApp('fastify', {
      imports: [CaptchaModule.forRootAsync({ useClass: CaptchaConfig })],
      controllers: [GuardedController],
    });
    await http().post('/guarded').send({}).expect(400);
    const res = await http().post('/guarded').send(solve()).expect(200);
    expect(res.body.verdict).toMatchObject({ status: 'verified' });
  });
});

describe('module-level options', () => {
  it("applies the module's mode to routes without their own", async () => {
    app = await startApp('express', {
      imports: [CaptchaModule.forRoot({ verifier: emulatorVerifierOptions(emulator), mode: 'closed' })],
      controllers: [GuardedController],
    });
    emulator.faults.set('api', { kind: 'internal-error' });
    const res = await http().post('/guarded').send(solve()).expect(503);
    expect(res.body.code).toBe('upstream_internal_error');
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
  });

  it('uses custom getters and a skip function', async () => {
    app = await startApp('fastify', {
      imports: [
        CaptchaModule.forRoot({
          verifier: emulatorVerifierOptions(emulator),
          getTicket: (req) => (req.body as { captcha?: { t?: string } } | undefined)?.captcha?.t,
          getRandstr: (req) => (req.body as { captcha?: { r?: string } } | undefined)?.captcha?.r,
          skip: (req) => req.headers['x-internal-caller'] === 'batch-job',
        }),
      ],
      controllers: [GuardedController],
    });
    const { ticket, randstr } = emulator.issueTicket();
    // The default field names are no longer read.
    await http().post('/guarded').send(solve()).expect(400);
    const ok = await http().post('/guarded').send({ captcha: { t: ticket, r: randstr } }).expect(200);
    expect(ok.body.verdict).toMatchObject({ status: 'verified' });
    const skipped = await http().post('/guarded').set('x-internal-caller', 'batch-job').send({}).expect(200);
    expect(skipped.body).toEqual({});
  });
});

describe('isGlobal and globalGuard', () => {
  it('lets @RequireCaptcha work in a module that does not import CaptchaModule when isGlobal is set', async () => {
    @Module({ controllers: [GuardedController] })
    class FeatureModule {}
    app = await startApp('express', {
      imports: [CaptchaModule.forRoot({ isGlobal: true, verifier: emulatorVerifierOptions(emulator) }), FeatureModule],
    });
    await http().post('/guarded').send({}).expect(400);
    await http().post('/guarded').send(solve()).expect(200);
  });

  it('fails at startup, not per request, when the guard cannot see CaptchaModule', async () => {
    @Module({ controllers: [GuardedController] })
    class FeatureModule {}
    await expect(
      startApp('express', { imports: [CaptchaModule.forRoot({ verifier: emulatorVerifierOptions(emulator) }), FeatureModule] }),
    ).rejects.toThrow(/CaptchaGuard/);
  });

  it('guards every route with globalGuard, except @SkipCaptcha, verifying once where @RequireCaptcha also applies', async () => {
    for (const platform of ['express', 'fastify'] as const) {
      app = await startApp(platform, {
        imports: [CaptchaModule.forRoot({ globalGuard: true, verifier: emulatorVerifierOptions(emulator) })],
        controllers: [PlainController],
      });
      const missing = await http().post('/plain').send({}).expect(400);
      expect(missing.body.code).toBe('ticket_missing');
      const plain = await http().post('/plain').send(solve()).expect(200);
      expect(plain.body.verdict).toMatchObject({ status: 'verified', attempts: 1 });
      // Global guard + @RequireCaptcha: the second guard reuses the first one's verdict (tickets are single use).
      const both = await http().post('/guarded-too').send(solve()).expect(200);
      expect(both.body.verdict).toMatchObject({ status: 'verified', mode: 'closed', attempts: 1 });
      const exempt = await http().post('/exempt').send({}).expect(200);
      expect(exempt.body).toEqual({ verdict: null });
      await app.close();
      app = undefined;
    }
  });
});

describe('validation at startup', () => {
  it("throws core's CaptchaConfigError for missing credentials when the module is created", async () => {
    await expect(
      startApp('express', { imports: [CaptchaModule.forRoot({ verifier: { env: {} } })], controllers: [GuardedController] }),
    ).rejects.toMatchObject({ name: 'CaptchaConfigError', code: 'missing_credential' });
  });

  it('throws CaptchaConfigError for an invalid adapter option', async () => {
    await expect(
      startApp('express', {
        // @ts-expect-error — not a mode
        imports: [CaptchaModule.forRoot({ verifier: emulatorVerifierOptions(emulator), mode: 'lenient' })],
        controllers: [GuardedController],
      }),
    ).rejects.toMatchObject({ name: 'CaptchaConfigError', code: 'invalid_option', option: 'CaptchaModule options.mode' });
  });

  it('throws CaptchaConfigError when @RequireCaptcha() is given a bad option, as the class is defined', () => {
    // @ts-expect-error — not a mode
    expect(() => RequireCaptcha({ mode: 'strict' })).toThrow(expect.objectContaining({ code: 'invalid_option', option: '@RequireCaptcha() options.mode' }));
    // @ts-expect-error — not a function
    expect(() => RequireCaptcha({ getTicket: 'ticket' })).toThrow(expect.objectContaining({ code: 'invalid_option' }));
    for (const fieldsPerVerdict of [0, 101, 1.5, Number.POSITIVE_INFINITY, '2']) {
      // @ts-expect-error — '2' is not a number
      expect(() => RequireCaptcha({ fieldsPerVerdict }), String(fieldsPerVerdict)).toThrow(
        expect.objectContaining({ code: 'invalid_option', option: '@RequireCaptcha() options.fieldsPerVerdict' }),
      );
    }
    expect(() => RequireCaptcha({ fieldsPerVerdict: 100 })).not.toThrow();
  });

  it('refuses fieldsPerVerdict on the module: one captcha for several fields is a handler’s decision', async () => {
    await expect(
      startApp('express', {
        // @ts-expect-error — not a module option
        imports: [CaptchaModule.forRoot({ verifier: emulatorVerifierOptions(emulator), fieldsPerVerdict: 5 })],
        controllers: [GuardedController],
      }),
    ).rejects.toMatchObject({ name: 'CaptchaConfigError', code: 'invalid_option', option: 'CaptchaModule options.fieldsPerVerdict' });
  });
});

describe('verifier ownership', () => {
  it('closes a verifier it created on shutdown', async () => {
    app = await startApp('express', {
      imports: [CaptchaModule.forRoot({ verifier: emulatorVerifierOptions(emulator) })],
      controllers: [GuardedController],
    });
    const verifier = app.get<CaptchaVerifier>(CAPTCHA_VERIFIER);
    const close = vi.spyOn(verifier, 'close');
    await app.close();
    app = undefined;
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('uses a verifier instance as given and leaves closing it to the owner', async () => {
    const verifier = createCaptchaVerifier(emulatorVerifierOptions(emulator));
    const close = vi.spyOn(verifier, 'close');
    try {
      app = await startApp('fastify', { imports: [CaptchaModule.forRoot({ verifier })], controllers: [GuardedController] });
      expect(app.get(CAPTCHA_VERIFIER)).toBe(verifier);
      await http().post('/guarded').send(solve()).expect(200);
      await app.close();
      app = undefined;
      expect(close).not.toHaveBeenCalled();
    } finally {
      await verifier.close();
    }
  });
});
