/**
 * Disaster (容灾) tickets: what the browser sends instead of a real ticket when the captcha could not
 * run. Format `terror_<errorCode>_<CaptchaAppId>_<unixSeconds>[_<suffix>]`, or `trerror_…` in current
 * docs and the 2.0 SDK (protocol.md §1.8, §2.5). Anyone can type one: parsing says what it claims,
 * never that it is genuine.
 */
import { CLIENT_ERROR_CODES, type ClientErrorCode } from './client-error-codes.js';
import type { TencentCaptchaResult } from './sdk.js';

/** The two prefixes. */
export const DISASTER_TICKET_PREFIXES = ['trerror_', 'terror_'] as const;
/** One of {@link DISASTER_TICKET_PREFIXES}. */
export type DisasterTicketPrefix = (typeof DISASTER_TICKET_PREFIXES)[number];

/** A well-formed disaster ticket, taken apart. */
export interface DisasterTicket {
  prefix: DisasterTicketPrefix;
  /** The client errorCode it claims (usually 1001–1014 or 1085). */
  errorCode: number;
  /** The CaptchaAppId it claims, as the digits in the ticket. */
  appId: string;
  /** Unix seconds it claims to have been made at. */
  timestamp: number;
  /** The optional trailing segment some SDK builds append. */
  suffix?: string;
}

/** Why a string is not a well-formed disaster ticket. */
export const DisasterTicketError = {
  /** No `terror_`/`trerror_` prefix: not a disaster ticket at all. */
  NotDisaster: 'not_disaster',
  /** The errorCode segment is missing or not 1–6 digits. */
  BadErrorCode: 'bad_error_code',
  /** The app id segment is missing or not 1–12 digits (real CaptchaAppIds have 9–10). */
  BadAppId: 'bad_app_id',
  /**
   * Only two segments after the prefix, the second long enough to be an app id and a timestamp run
   * together: the `'terror_1001_' + appid + Math.floor(Date.now()/1000)` snippet of some doc
   * revisions. Tencent cannot parse its app id either (CaptchaCode 16).
   */
  FusedAppIdAndTimestamp: 'fused_app_id_and_timestamp',
  /** The timestamp segment is missing or not 9–11 digits. */
  BadTimestamp: 'bad_timestamp',
  /** The optional suffix has characters other than `[A-Za-z0-9]`, or there are extra segments. */
  BadSuffix: 'bad_suffix',
} as const;
/** One of {@link DisasterTicketError}'s values. */
export type DisasterTicketError = (typeof DisasterTicketError)[keyof typeof DisasterTicketError];

/** Result of {@link parseDisasterTicket}. */
export type DisasterTicketParseResult =
  | { ok: true; ticket: DisasterTicket }
  | { ok: false; error: DisasterTicketError; prefix?: DisasterTicketPrefix };

const DIGITS = /^\d+$/;
/** Real CaptchaAppIds have 9–10 digits; an app id plus a 10-digit timestamp is longer than this. */
const MAX_APP_ID_DIGITS = 12;

/** The prefix of `ticket` if it has one of the disaster prefixes. */
export function disasterTicketPrefix(ticket: string): DisasterTicketPrefix | undefined {
  // `trerror_` does not start with `terror_`, so the order does not matter.
  return DISASTER_TICKET_PREFIXES.find((p) => ticket.startsWith(p));
}

/** Whether `ticket` has a disaster prefix (well-formed or not). */
export function isDisasterTicket(ticket: string): boolean {
  return disasterTicketPrefix(ticket) !== undefined;
}

/** Takes a disaster ticket apart, saying precisely why when it is not well formed. */
export function parseDisasterTicket(ticket: string): DisasterTicketParseResult {
  const prefix = disasterTicketPrefix(ticket);
  if (!prefix) return { ok: false, error: 'not_disaster' };
  const fail = (error: DisasterTicketError): DisasterTicketParseResult => ({ ok: false, error, prefix });
  const parts = ticket.slice(prefix.length).split('_');
  const [code, appId, timestamp, suffix, ...extra] = parts;
  if (!code || !DIGITS.test(code) || code.length > 6) return fail('bad_error_code');
  if (!appId || !DIGITS.test(appId)) return fail('bad_app_id');
  if (timestamp === undefined) return fail(appId.length > MAX_APP_ID_DIGITS ? 'fused_app_id_and_timestamp' : 'bad_timestamp');
  if (appId.length > MAX_APP_ID_DIGITS) return fail('bad_app_id');
  if (!DIGITS.test(timestamp) || timestamp.length < 9 || timestamp.length > 11) return fail('bad_timestamp');
  if (extra.length > 0 || (suffix !== undefined && !/^[A-Za-z0-9]{1,64}$/.test(suffix))) return fail('bad_suffix');
  const parsed: DisasterTicket = { prefix, errorCode: Number(code), appId, timestamp: Number(timestamp) };
  if (suffix !== undefined) parsed.suffix = suffix;
  return { ok: true, ticket: parsed };
}

/** Input of {@link buildDisasterTicket}. */
export interface BuildDisasterTicketInput {
  errorCode: number;
  appId: string | number;
  /** Unix seconds. @default Math.floor(Date.now() / 1000) */
  timestamp?: number;
  /** @default 'trerror_' (current docs and the 2.0 SDK) */
  prefix?: DisasterTicketPrefix;
  /** Optional trailing segment, `[A-Za-z0-9]`. */
  suffix?: string;
}

/**
 * The disaster-ticket format itself, `<prefix><errorCode>_<appId>_<unixSeconds>`, with no checks: for
 * callers whose parts are already valid (the element, whose app id is checked once and whose error
 * codes are integers) and that should not carry {@link buildDisasterTicket}'s checks in every page.
 */
export function formatDisasterTicket(prefix: DisasterTicketPrefix, errorCode: number, appId: string, unixSeconds: number = Math.floor(Date.now() / 1000)): string {
  return `${prefix}${errorCode}_${appId}_${unixSeconds}`;
}

/** Builds a disaster ticket in Tencent's standard format (always with the `_` before the timestamp). */
export function buildDisasterTicket(input: BuildDisasterTicketInput): string {
  const { errorCode, appId, prefix = 'trerror_', suffix } = input;
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  if (!Number.isInteger(errorCode) || errorCode < 0) throw new RangeError('errorCode must be a non-negative integer');
  if (!DIGITS.test(String(appId))) throw new RangeError('appId must be digits');
  if (!Number.isInteger(timestamp) || timestamp < 0) throw new RangeError('timestamp must be whole Unix seconds');
  if (suffix !== undefined && !/^[A-Za-z0-9]{1,64}$/.test(suffix)) throw new RangeError('suffix must be 1-64 letters or digits');
  return `${formatDisasterTicket(prefix, errorCode, String(appId), timestamp)}${suffix === undefined ? '' : `_${suffix}`}`;
}

/** A randstr as the SDK makes one for disaster results: `'@'` + base-36 digits. */
export function createDisasterRandstr(random: () => number = Math.random): string {
  let s = '';
  while (s.length < 11) s += random().toString(36).slice(2);
  return `@${s.slice(0, 11)}`;
}

/** Input of {@link createDisasterResult}. */
export interface DisasterResultInput {
  appId: string;
  errorCode: ClientErrorCode | number;
  /** @default the table's `errorMessage` for the code, else `'unknown_error'` */
  errorMessage?: string;
  bizState?: unknown;
  /** Unix seconds. @default now */
  timestamp?: number;
  prefix?: DisasterTicketPrefix;
}

/**
 * The callback result the SDK (or an integrator's fallback) produces when the captcha cannot run:
 * `{ ret: 0, ticket: 'trerror_…', randstr: '@…', errorCode, errorMessage }`.
 */
export function createDisasterResult(input: DisasterResultInput): TencentCaptchaResult {
  const info = CLIENT_ERROR_CODES[input.errorCode as ClientErrorCode] as (typeof CLIENT_ERROR_CODES)[ClientErrorCode] | undefined;
  const ticketInput: BuildDisasterTicketInput = { errorCode: input.errorCode, appId: input.appId };
  if (input.timestamp !== undefined) ticketInput.timestamp = input.timestamp;
  if (input.prefix !== undefined) ticketInput.prefix = input.prefix;
  const result: TencentCaptchaResult = {
    ret: 0,
    ticket: buildDisasterTicket(ticketInput),
    randstr: createDisasterRandstr(),
    appid: input.appId,
    CaptchaAppId: input.appId,
    errorCode: input.errorCode,
    errorMessage: input.errorMessage ?? info?.errorMessage ?? 'unknown_error',
  };
  if (input.bizState !== undefined) result.bizState = input.bizState;
  return result;
}
