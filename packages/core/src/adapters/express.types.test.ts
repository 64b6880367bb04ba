/**
 * Type test: `captchaMiddleware` keeps the route's Express `Request`/`Response` types (no `unknown`
 * body, `res.locals` as the app declares it) and types `res.locals.captcha` as the verdict. The
 * assertions are checked by `tsc` (`pnpm typecheck`, strict) over this file; the `it` only keeps
 * Vitest from reporting an empty file.
 */
import express, { type Request, type Response } from 'express';
import { expectTypeOf, it } from 'vitest';
import type { CaptchaVerdict, CaptchaVerifier } from '../index.js';
import { captchaMiddleware } from './express.js';

declare const verifier: CaptchaVerifier;

function routes(): void {
  const app = express();
  app.post('/login', express.json(), captchaMiddleware(verifier, { mode: 'closed' }), (req, res) => {
    // Express's own types for a route without parameters: `any` body, not the structural `unknown`.
    expectTypeOf(req).toEqualTypeOf<Request<{}>>();
    expectTypeOf(req.body).toBeAny();
    expectTypeOf(res).toEqualTypeOf<Response>();
    expectTypeOf(res.locals.captcha).toEqualTypeOf<CaptchaVerdict | undefined>();
    const body: { username?: string } = req.body;
    res.json({ welcome: body.username, accepted: res.locals.captcha?.accepted });
  });
  // Options that read the request see Express's Request, not the structural one.
  app.post(
    '/comments',
    express.urlencoded({ extended: false }),
    captchaMiddleware(verifier, {
      getUserIp: (req: Request) => {
        expectTypeOf(req).toEqualTypeOf<Request>();
        return req.get('cf-connecting-ip');
      },
      skip: (req) => req.path === '/health',
    }),
    (req, res) => {
      res.status(201).json({ ok: true });
    },
  );
  const router = express.Router();
  router.use(captchaMiddleware(verifier));
}

it('type-checks with @types/express (see tsc)', () => {
  expectTypeOf(routes).toBeFunction();
});
