/**
 * Answers a refused captcha like the Koa demo does: the adapter's status, headers and `{ code, message }`,
 * plus a plain-language summary for the page to show, and the whole verdict for the machine running
 * the demo only (its breaker state would tell an attacker when an attack opened the breaker).
 */
import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { CaptchaException } from '@tencent-captcha/nestjs';
import { isLoopbackAddress, loginAnswerDetails } from '@tencent-captcha/demo';

@Catch(CaptchaException)
export class CaptchaVerdictFilter implements ExceptionFilter<CaptchaException> {
  constructor(private readonly log: (line: string) => void = () => {}) {}

  catch(exception: CaptchaException, host: ArgumentsHost): void {
    // Express's response is a Node ServerResponse; writing it directly keeps the filter platform-light.
    const res = host.switchToHttp().getResponse<ServerResponse>();
    const status = exception.getStatus();
    const { verdict } = exception;
    this.log(`POST /login → ${status} ${verdict.status} (${verdict.reason}, mode ${verdict.mode}, ${verdict.latencyMs} ms)`);
    const operator = isLoopbackAddress(res.req?.socket?.remoteAddress);
    const body = { ok: false, ...exception.getResponse(), ...loginAnswerDetails(verdict, status, { operator }) };
    res.statusCode = status;
    for (const [name, value] of Object.entries(exception.headers)) res.setHeader(name, value);
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(body));
  }
}
