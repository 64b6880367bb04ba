/**
 * The one extraction rule every adapter (Koa, NestJS, Express, Fetch) follows to read the ticket and
 * randstr of a request, so that no adapter guesses differently from another:
 *
 * - The body decides when it carries the field at all. A body field that is present must be one
 *   string no longer than the field's maximum; a repeated field (an array, several form values), a
 *   non-string (JSON number, object, `null`, a file) or an oversized string is malformed — answered
 *   `ticket_malformed` / `randstr_malformed` (400) — and the header is NOT consulted instead.
 * - Only when the body has no such field does the header count; a repeated header (several values,
 *   or values joined with `,` as Node and `Headers.get` do) or an oversized one is malformed too.
 *
 * No Node APIs: this runs in Fetch-API runtimes too.
 */
import { CAPTCHA_FIELD_NAMES, CAPTCHA_HEADER_NAMES } from './fields.js';
import { MAX_RANDSTR_LENGTH, MAX_TICKET_LENGTH } from '../decision/input.js';

/** The two captcha fields. */
export type CaptchaFieldName = 'ticket' | 'randstr';

/** The reason a malformed field is answered with (400). */
export type CaptchaFieldMalformedReason = 'ticket_malformed' | 'randstr_malformed';

/** What {@link extractCaptchaField} found for one field. */
export type CaptchaFieldExtraction =
  /** Neither body nor header carries the field (core answers `…_missing`). */
  | { readonly status: 'absent' }
  /** One string within the length limit (its characters are checked by the verifier). */
  | { readonly status: 'present'; readonly value: string; readonly source: 'body' | 'header' }
  /** Repeated, not a string, or too long: answer `reason` (400); the other source is not consulted. */
  | { readonly status: 'malformed'; readonly reason: CaptchaFieldMalformedReason; readonly source: 'body' | 'header' };

/**
 * Where the field can be, as the framework hands it over.
 *
 * - `body`: the parsed body (JSON, urlencoded, multipart). Only a plain record counts; a string,
 *   buffer, array or nothing means "no body fields". Parsers give a repeated form field as an array;
 *   if yours keeps only one value, tell it apart with `bodyValueCount`.
 * - `header`: the header value as the framework gives it: a string (Node and `Headers.get` join
 *   repeated headers with `, `), an array of values, or `null`/`undefined` when not sent.
 */
export interface CaptchaFieldSource {
  body?: unknown;
  /**
   * How many values the body holds for the field, when the parser can say (`FormData.getAll`,
   * `URLSearchParams.getAll`). More than one is malformed even if `body` shows only one.
   */
  bodyValueCount?: number;
  header?: string | readonly string[] | null | undefined;
}

const MAX_LENGTH: Record<CaptchaFieldName, number> = { ticket: MAX_TICKET_LENGTH, randstr: MAX_RANDSTR_LENGTH };
const MALFORMED: Record<CaptchaFieldName, CaptchaFieldMalformedReason> = {
  ticket: 'ticket_malformed',
  randstr: 'randstr_malformed',
};

/** Whether `body` is a record whose own (not inherited) property `name` is set. */
function bodyHas(body: unknown, name: string): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  if (ArrayBuffer.isView(body) || body instanceof ArrayBuffer) return false;
  // Own properties only: a `__proto__` or `toString` field must not come from the prototype.
  return Object.hasOwn(body, name) && (body as Record<string, unknown>)[name] !== undefined;
}

/**
 * Applies the extraction rule to one field. Never throws, whatever it is given.
 *
 * @example
 * ```ts
 * const ticket = extractCaptchaField('ticket', { body: req.body, header: req.headers['x-tencent-captcha-ticket'] });
 * if (ticket.status === 'malformed') … // 400 ticket_malformed, do not look anywhere else
 * ```
 */
export function extractCaptchaField(field: CaptchaFieldName, source: CaptchaFieldSource): CaptchaFieldExtraction {
  const max = MAX_LENGTH[field];
  const malformed = (where: 'body' | 'header'): CaptchaFieldExtraction => ({ status: 'malformed', reason: MALFORMED[field], source: where });
  try {
    const name = CAPTCHA_FIELD_NAMES[field];
    if (bodyHas(source.body, name)) {
      const value: unknown = (source.body as Record<string, unknown>)[name];
      if (typeof value !== 'string' || value.length > max) return malformed('body');
      if (source.bodyValueCount !== undefined && source.bodyValueCount > 1) return malformed('body');
      return { status: 'present', value, source: 'body' };
    }
    const header = source.header;
    if (header === undefined || header === null) return { status: 'absent' };
    if (typeof header !== 'string') {
      if (!Array.isArray(header)) return malformed('header');
      if (header.length === 0) return { status: 'absent' };
      if (header.length > 1 || typeof header[0] !== 'string') return malformed('header');
      return classifyHeader(header[0] as string, max, malformed);
    }
    return classifyHeader(header, max, malformed);
  } catch {
    // A hostile getter on the body: treat it as malformed rather than guess.
    return malformed('body');
  }
}

function classifyHeader(value: string, max: number, malformed: (where: 'header') => CaptchaFieldExtraction): CaptchaFieldExtraction {
  // An empty header is the same as no header (some clients send `x-…-ticket:` when they have none).
  if (value === '') return { status: 'absent' };
  // Tickets and randstrs never contain a comma: one means the header was sent twice and joined.
  if (value.length > max || value.includes(',')) return malformed('header');
  return { status: 'present', value, source: 'header' };
}

/**
 * A value that `verify()` always answers with `ticket_malformed` / `randstr_malformed`: what
 * {@link extractCaptchaFields} hands on for a malformed field, so the refusal still goes through the
 * verifier (its hooks and logs) like any other verdict.
 */
export const MALFORMED_FIELD_VALUE = '\u0000malformed';

/** The ticket and randstr ready for `verifier.verify`, and the first malformed field's reason. */
export interface ExtractedCaptchaFields {
  /** The ticket; `undefined` when absent; {@link MALFORMED_FIELD_VALUE} when malformed. */
  ticket: string | undefined;
  /** The randstr; `undefined` when absent; {@link MALFORMED_FIELD_VALUE} when malformed. */
  randstr: string | undefined;
  /** `ticket_malformed` or `randstr_malformed` when a field broke the rule (ticket first), else `null`. */
  malformed: CaptchaFieldMalformedReason | null;
}

/** Sources of both fields for {@link extractCaptchaFields}. */
export interface CaptchaFieldsSource {
  /** The parsed body (see {@link CaptchaFieldSource.body}). */
  body?: unknown;
  /** Number of body values per field, when the parser can say (see {@link CaptchaFieldSource.bodyValueCount}). */
  bodyValueCounts?: Partial<Record<CaptchaFieldName, number>>;
  /**
   * Reads a request header by its lower-case name (`x-tencent-captcha-ticket`,
   * `x-tencent-captcha-randstr`), e.g. `(name) => req.headers[name]` or `(name) => request.headers.get(name)`.
   */
  header: (name: string) => string | readonly string[] | null | undefined;
}

/**
 * Applies the extraction rule to both fields: the body field `tencent-captcha-ticket` /
 * `tencent-captcha-randstr`, else the header `x-tencent-captcha-ticket` / `x-tencent-captcha-randstr`.
 * Hand `ticket` and `randstr` to `verifier.verify` as they are: a malformed field comes out as
 * {@link MALFORMED_FIELD_VALUE}, which the verifier refuses with `…_malformed` (400). Never throws.
 *
 * @example
 * ```ts
 * const { ticket, randstr } = extractCaptchaFields({ body: req.body, header: (name) => req.headers[name] });
 * const verdict = await verifier.verify({ ticket, randstr, userIp: req.ip });
 * ```
 */
export function extractCaptchaFields(source: CaptchaFieldsSource): ExtractedCaptchaFields {
  const one = (field: CaptchaFieldName): CaptchaFieldExtraction => {
    let header: string | readonly string[] | null | undefined;
    try {
      header = source.header(CAPTCHA_HEADER_NAMES[field]);
    } catch {
      header = undefined;
    }
    const count = source.bodyValueCounts?.[field];
    return extractCaptchaField(field, { body: source.body, header, ...(count === undefined ? {} : { bodyValueCount: count }) });
  };
  const ticket = one('ticket');
  const randstr = one('randstr');
  const value = (e: CaptchaFieldExtraction): string | undefined =>
    e.status === 'present' ? e.value : e.status === 'malformed' ? MALFORMED_FIELD_VALUE : undefined;
  return {
    ticket: value(ticket),
    randstr: value(randstr),
    malformed: ticket.status === 'malformed' ? ticket.reason : randstr.status === 'malformed' ? randstr.reason : null,
  };
}
