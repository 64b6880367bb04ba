/**
 * The demo's routes on NestJS: the page, its state and mode switch, and `POST /login` guarded by
 * `@RequireCaptcha()`.
 */
import { BadRequestException, Body, Controller, ForbiddenException, Get, Header, HttpCode, Inject, NotFoundException, Post, Put, Req } from '@nestjs/common';
import { CaptchaMode, httpResponseForVerdict, type CaptchaVerdict as Verdict } from '@tencent-captcha/core';
import { CaptchaVerdict, RequireCaptcha } from '@tencent-captcha/nestjs';
import { EMULATOR_SDK_PATH, isLoopbackAddress, loginAnswerDetails } from '@tencent-captcha/demo';
import { DEMO_STATE, type NestDemoState } from './demo.state.js';

const MODES: readonly string[] = Object.values(CaptchaMode);

/** The request as far as these routes read it: only the socket's address counts, never X-Forwarded-For. */
interface SocketRequest {
  socket: { remoteAddress?: string | undefined };
}

@Controller()
export class DemoController {
  constructor(@Inject(DEMO_STATE) private readonly state: NestDemoState) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  page(@Req() req: SocketRequest): string {
    const { state } = this;
    return state.page.render({
      backend: state.backend,
      appId: state.appId,
      mode: state.mode,
      sdkSrc: state.emulatorEnabled ? EMULATOR_SDK_PATH : undefined,
      faultsUrl: this.faultsUrlFor(req),
      loadTimeoutMs: state.loadTimeoutMs,
      serverLabel: '@tencent-captcha/nestjs',
      serverNote: 'NestJS: @RequireCaptcha() on POST /login applies CaptchaGuard, which puts the verdict where @CaptchaVerdict() finds it.',
    });
  }

  /** Public: what the page already says (backend, app id, mode); the breaker only for this machine. */
  @Get('api/state')
  @Header('cache-control', 'no-store')
  getState(@Req() req: SocketRequest): Record<string, unknown> {
    const { state } = this;
    return {
      backend: state.backend,
      appId: state.appId,
      mode: state.mode,
      ...(isLoopbackAddress(req.socket.remoteAddress) ? { breaker: state.verifier.breakerState } : {}),
      faultsUrl: this.faultsUrlFor(req),
    };
  }

  /** The drill panel's fault switches, for the visitors allowed to use them (loopback, emulator mode). */
  private faultsUrlFor(req: SocketRequest): string | null {
    return this.state.emulatorEnabled && isLoopbackAddress(req.socket.remoteAddress) ? '/__emulator/faults' : null;
  }

  /**
   * Switching the policy mode is a drill for the person running the demo: emulator mode only (absent,
   * 404, on real Tencent) and loopback clients only, by the socket's address.
   */
  @Put('api/mode')
  setMode(@Req() req: SocketRequest, @Body() body: { mode?: unknown } | undefined): { mode: string } {
    if (!this.state.emulatorEnabled) throw new NotFoundException();
    if (!isLoopbackAddress(req.socket.remoteAddress)) {
      throw new ForbiddenException({ code: 'forbidden', message: 'The policy mode can only be switched from this machine.' });
    }
    const mode = body?.mode;
    if (typeof mode !== 'string' || !MODES.includes(mode)) {
      throw new BadRequestException({ code: 'invalid_mode', message: `mode must be one of ${MODES.join(', ')}.` });
    }
    this.state.mode = mode as CaptchaMode;
    this.state.log(`policy mode → ${mode}`);
    return { mode };
  }

  @Post('login')
  @HttpCode(200)
  @RequireCaptcha()
  login(@Req() req: SocketRequest, @Body() body: Record<string, unknown> | undefined, @CaptchaVerdict() verdict: Verdict): Record<string, unknown> {
    const user = typeof body?.username === 'string' && body.username.trim() !== '' ? body.username.trim().slice(0, 64) : 'guest';
    const status = httpResponseForVerdict(verdict).status;
    this.state.log(`POST /login → ${status} ${verdict.status} (${verdict.reason}, mode ${verdict.mode}, ${verdict.latencyMs} ms)`);
    // The whole verdict (breaker included) is the operator's view: this machine only.
    return { ok: true, user, ...loginAnswerDetails(verdict, status, { user, operator: isLoopbackAddress(req.socket.remoteAddress) }) };
  }
}
