/**
 * Budgets per route: the guard passes core's `budgetScope` — by default the handler
 * (`ControllerClass.method`) — so spending the per-IP budget of degraded acceptances on one route does
 * not refuse a disaster ticket on another. `@RequireCaptcha({ budgetScope })` and the module option
 * make routes share one. Real HTTP on Express and Fastify against the emulator, with core's default
 * healthy budget (3 per IP).
 */
import 'reflect-metadata';
import { Controller, HttpCode, Post, type INestApplication } from '@nestjs/common';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RequireCaptcha } from './captcha.decorators.js';
import { CaptchaModule } from './captcha.module.js';
import { PLATFORMS, emulatorVerifierOptions, startApp } from './test-support.js';

/** Core's default number of degraded acceptances per client IP per window while Tencent is healthy. */
const HEALTHY_PER_IP = 3;

@Controller()
class FormsController {
  @Post('comment')
  @HttpCode(200)
  @RequireCaptcha()
  comment() {
    return { ok: true };
  }

  @Post('signup')
  @HttpCode(200)
  @RequireCaptcha()
  signup() {
    return { ok: true };
  }

  @Post('shared-a')
  @HttpCode(200)
  @RequireCaptcha({ budgetScope: 'shared' })
  sharedA() {
    return { ok: true };
  }

  @Post('shared-b')
  @HttpCode(200)
  @RequireCaptcha({ budgetScope: 'shared' })
  sharedB() {
    return { ok: true };
  }
}

let emulator: Emulator;
let sequence = 0;
beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await emulator?.close();
});

describe.each(PLATFORMS)('budget scopes on %s', (platform) => {
  let app: INestApplication | undefined;
  const http = () => request(app!.getHttpServer());
  /** A fresh disaster ticket (each one distinct, so the replay guard is not what refuses it). */
  const disaster = () => ({
    'tencent-captcha-ticket': `trerror_1001_${emulator.appId}_${Math.floor(Date.now() / 1000)}`,
    'tencent-captcha-randstr': `@budget${(sequence += 1)}`,
  });
  const start = async (moduleBudgetScope?: string) => {
    app = await startApp(platform, {
      imports: [
        CaptchaModule.forRoot({
          // Core's default budgets (3 per IP, 30 in all while Tencent is healthy).
          verifier: emulatorVerifierOptions(emulator, { budgets: {} }),
          ...(moduleBudgetScope === undefined ? {} : { budgetScope: moduleBudgetScope }),
        }),
      ],
      controllers: [FormsController],
    });
  };
  /** Posts `count` disaster tickets to `path` and returns the statuses. */
  const spend = async (path: string, count: number) => {
    const statuses: number[] = [];
    for (let i = 0; i < count; i += 1) statuses.push((await http().post(path).send(disaster())).status);
    return statuses;
  };

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it("does not let one route's spent per-IP budget refuse a disaster ticket on another route", async () => {
    await start();
    expect(await spend('/comment', HEALTHY_PER_IP + 1)).toEqual([200, 200, 200, 503]);
    const refused = await http().post('/comment').send(disaster()).expect(503);
    expect(refused.body.code).toBe('budget_exhausted');

    // Another handler, another scope: its own budget.
    expect(await spend('/signup', HEALTHY_PER_IP + 1)).toEqual([200, 200, 200, 503]);
  });

  it('makes routes with the same @RequireCaptcha({ budgetScope }) share one budget', async () => {
    await start();
    expect(await spend('/shared-a', 2)).toEqual([200, 200]);
    expect(await spend('/shared-b', 2)).toEqual([200, 503]);
    // The other routes still have theirs.
    expect(await spend('/comment', 1)).toEqual([200]);
  });

  it("makes every route without its own scope share the module's budgetScope", async () => {
    await start('forms');
    expect(await spend('/comment', 2)).toEqual([200, 200]);
    expect(await spend('/signup', 2)).toEqual([200, 503]);
    // A route's own scope wins over the module's.
    expect(await spend('/shared-a', 1)).toEqual([200]);
  });
});

describe('budgetScope validation', () => {
  it.each([['has space'], [''], ['x'.repeat(129)], ['non-ascii-é'], [42]])('refuses %j when the decorator is applied', (budgetScope) => {
    expect(() => RequireCaptcha({ budgetScope } as never)).toThrow(
      expect.objectContaining({ code: 'invalid_option', option: '@RequireCaptcha() options.budgetScope' }),
    );
  });

  it('refuses an invalid module budgetScope when the module is created', async () => {
    await expect(
      startApp('express', { imports: [CaptchaModule.forRoot({ verifier: emulatorVerifierOptions(emulator), budgetScope: 'a b' })] }),
    ).rejects.toMatchObject({ code: 'invalid_option', option: 'CaptchaModule options.budgetScope' });
  });
});
