/**
 * The exceptions the guard throws: one for a refused verdict, one for a client that went away.
 */
import { HttpException } from '@nestjs/common';
import { httpResponseForVerdict, type CaptchaVerdict, type VerdictReason, type VerdictResponseBody } from '@tencent-captcha/core';

const CAPTCHA_EXCEPTION_BRAND = Symbol.for('@tencent-captcha/nestjs.CaptchaException');

/**
 * Thrown by `CaptchaGuard` for a refused verdict. Status and body come from core's mapping, the same
 * as the Koa adapter answers: 400 for a missing or malformed ticket, 403 for a rejected one, 503 without
 * `Retry-After` when the server's captcha configuration is wrong, 503 for an outage the policy did not accept (`closed`
 * mode) — and the body is `{ code, message }`, `code` being the verdict's stable snake_case reason.
 *
 * The `Retry-After` header of a 503 is set on the response by the guard before it throws; it is also
 * in {@link CaptchaException.headers} for exception filters that build their own response.
 *
 * You can throw it yourself after calling the verifier by hand: `throw new CaptchaException(verdict)`.
 */
export class CaptchaException extends HttpException {
  /** The verdict that was refused. */
  readonly verdict: CaptchaVerdict;
  /** The verdict's reason, e.g. `ticket_missing`, `ticket_expired`, `upstream_timeout`. Same as the body's `code`. */
  readonly code: VerdictReason;
  /** Headers that belong to the response besides the JSON body: `retry-after` for a 503. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * What a GraphQL error made from this exception carries as `extensions` (graphql-js copies an
   * original error's `extensions`): `code` is the verdict's reason, `status` the HTTP status the same
   * refusal gets on a route. Both Nest drivers (Apollo, Mercurius) answer them as they are:
   * `errors[0].extensions` is `{ code: 'ticket_missing', status: 400 }`.
   */
  readonly extensions: Readonly<{ code: VerdictReason; status: number }>;

  /** @param verdict - a refused verdict (`accepted: false`). */
  constructor(verdict: CaptchaVerdict) {
    if (verdict.accepted) throw new TypeError('CaptchaException needs a refused verdict (accepted: false).');
    const { status, headers, body } = httpResponseForVerdict(verdict);
    super(body, status, { description: body.message });
    this.verdict = verdict;
    this.code = verdict.reason;
    // Not frozen: error formatters of GraphQL servers may add to it.
    this.extensions = { code: verdict.reason, status };
    // Nest sets the JSON content type itself; only the extra headers are carried.
    this.headers = Object.freeze(
      Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-type')),
    );
    Object.defineProperty(this, CAPTCHA_EXCEPTION_BRAND, { value: true });
  }

  /** The `{ code, message }` body. */
  override getResponse(): VerdictResponseBody {
    return super.getResponse() as VerdictResponseBody;
  }

  /** Whether `value` is a `CaptchaException` from any copy of this package (ESM and CJS builds in one app). */
  static is(value: unknown): value is CaptchaException {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[CAPTCHA_EXCEPTION_BRAND] === true;
  }
}

/** Status of {@link CaptchaClientClosedException}: nginx's "client closed request". */
export const CLIENT_CLOSED_REQUEST_STATUS = 499;

/**
 * The reason the verification is aborted with when the client closes the connection before the
 * response is written; core rejects `verify` with it untouched and the guard lets it pass.
 *
 * It is an `HttpException` (status 499, body `{ code: 'client_closed_request', message }`) so that
 * Nest's exception filter does not log a routine disconnect as a server error, and it is named
 * `AbortError` like any abort reason. Nothing reaches the client: its connection is gone.
 */
export class CaptchaClientClosedException extends HttpException {
  /** Always `client_closed_request`. */
  readonly code = 'client_closed_request' as const;

  constructor() {
    const message = 'The client closed the connection before captcha verification finished.';
    super({ code: 'client_closed_request', message }, CLIENT_CLOSED_REQUEST_STATUS, { description: message });
    this.name = 'AbortError';
  }
}
