/**
 * Ticket state: every ticket the emulator issues is bound to its CaptchaAppId, randstr and issue
 * time, lives 5 minutes and is accepted once (protocol.md §2.1, §5). Legacy (`003`) tickets live
 * 20 minutes and are accepted twice (protocol.md §4.5). Tickets never carry a disaster prefix.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { CaptchaApi, CaptchaCode, LegacyApi, isDisasterTicket, parseDisasterTicket } from '@tencent-captcha/protocol';

/** Input of `emulator.issueTicket`. */
export interface IssueTicketOptions {
  /**
   * The CaptchaAppId the ticket is issued for. Any digits: a ticket for an app the emulator does not
   * know is verified as CaptchaCode 16. @default the emulator's `appId`
   */
  appId?: string;
  /** `EvilLevel` to report for this ticket (invisible mode: 100 = malicious). @default 0 */
  evilLevel?: number;
  /** `Score` to report (0–100, higher is riskier); omitted from the answer when not set. */
  score?: number;
}

/** A ticket exactly as a solved challenge produces it. */
export interface IssuedTicket {
  /** `tr03…`; never a disaster-ticket prefix. */
  ticket: string;
  /** `@` and six letters or digits. */
  randstr: string;
  /** The CaptchaAppId the ticket is bound to. */
  appid: string;
  /** When it was issued, ms on the emulator's clock. */
  issuedAt: number;
}

/** What a ticket verification found. @internal */
export interface TicketVerdict {
  /** CaptchaCode. */
  code: number;
  /** Unix seconds the captcha was fetched (0 when unknown). */
  getCaptchaTime: number;
  /** Unix seconds the captcha was submitted (0 when unknown). */
  submitCaptchaTime: number;
  evilLevel: number;
  score?: number;
}

interface TicketRecord {
  appId: string;
  randstr: string;
  issuedAt: number;
  fetchedAt: number;
  used: boolean;
  evilLevel: number;
  score?: number;
}

interface LegacyRecord {
  issuedAt: number;
  checks: number;
}

/** Ticket state of one emulator. @internal */
export interface TicketStore {
  issue(input: { appId: string; fetchedAt?: number; evilLevel?: number; score?: number }): IssuedTicket;
  verify(input: { ticket: string; randstr: string; appId: string }): TicketVerdict;
  /** A legacy ticket and the randstr seed `003`'s callback carries with it (CaptchaCheck does not check it). */
  issueLegacy(): { ticket: string; randstr: string; issuedAt: number };
  verifyLegacy(ticket: string): { pass: boolean; reason: 'ok' | 'unknown' | 'expired' | 'exhausted' };
}

const LIFETIME_MS = CaptchaApi.ticketLifetimeSeconds * 1000;
const LEGACY_LIFETIME_MS = LegacyApi.ticketLifetimeSeconds * 1000;
/** Used and expired tickets are remembered this long, so they answer 8/9 rather than 15. */
const RETENTION_FACTOR = 3;
/** Upper bound on remembered tickets; the oldest go first. */
const MAX_TICKETS = 200_000;

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomAlnum(length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALNUM[randomInt(ALNUM.length)];
  return s;
}

/** `tr03` + 64 URL-safe Base64 characters + `*`, like current real tickets (`tr03XaCU…KQ*`). */
export function createTicketString(prefix = 'tr03'): string {
  const ticket = `${prefix}${randomBytes(48).toString('base64url')}*`;
  // Cannot happen with these prefixes; the check documents the promise.
  if (isDisasterTicket(ticket)) throw new Error('emulator ticket looks like a disaster ticket');
  return ticket;
}

/** A randstr like the SDK's: `@` and six letters or digits. */
export function createRandstr(): string {
  return `@${randomAlnum(6)}`;
}

function prune<V extends { issuedAt: number }>(map: Map<string, V>, now: number, retentionMs: number): void {
  for (const [key, value] of map) {
    if (map.size > MAX_TICKETS || value.issuedAt + retentionMs < now) map.delete(key);
    else break;
  }
}

const seconds = (ms: number): number => Math.floor(ms / 1000);

/** Creates the ticket state of one emulator. @internal */
export function createTicketStore(now: () => number): TicketStore {
  const tickets = new Map<string, TicketRecord>();
  const legacy = new Map<string, LegacyRecord>();

  return {
    issue({ appId, fetchedAt, evilLevel = 0, score }) {
      const issuedAt = now();
      prune(tickets, issuedAt, LIFETIME_MS * RETENTION_FACTOR);
      const ticket = createTicketString();
      const randstr = createRandstr();
      const record: TicketRecord = { appId, randstr, issuedAt, fetchedAt: fetchedAt ?? issuedAt, used: false, evilLevel };
      if (score !== undefined) record.score = score;
      tickets.set(ticket, record);
      return { ticket, randstr, appid: appId, issuedAt };
    },

    verify({ ticket, randstr, appId }) {
      const none = { getCaptchaTime: 0, submitCaptchaTime: 0, evilLevel: 0 };
      if (isDisasterTicket(ticket)) {
        // A standard disaster ticket is 21 `diff`; one whose app id cannot be read is 16.
        return { ...none, code: parseDisasterTicket(ticket).ok ? CaptchaCode.Diff : CaptchaCode.AppIdMismatch };
      }
      const record = tickets.get(ticket);
      if (!record) return { ...none, code: CaptchaCode.DecryptFail };
      const found: Omit<TicketVerdict, 'code'> = {
        getCaptchaTime: seconds(record.fetchedAt),
        submitCaptchaTime: seconds(record.issuedAt),
        evilLevel: record.evilLevel,
      };
      if (record.score !== undefined) found.score = record.score;
      if (record.appId !== appId) return { ...found, code: CaptchaCode.AppIdMismatch };
      if (record.randstr !== randstr) {
        // Single use: a ticket presented with the wrong randstr is spent too.
        record.used = true;
        return { ...found, code: CaptchaCode.RandstrMismatch };
      }
      if (now() - record.issuedAt > LIFETIME_MS) return { ...found, code: CaptchaCode.TicketExpired };
      if (record.used) return { ...found, code: CaptchaCode.TicketReused };
      record.used = true;
      return { ...found, code: CaptchaCode.Ok };
    },

    issueLegacy() {
      const issuedAt = now();
      prune(legacy, issuedAt, LEGACY_LIFETIME_MS * RETENTION_FACTOR);
      const ticket = createTicketString('t02');
      legacy.set(ticket, { issuedAt, checks: 0 });
      return { ticket, randstr: createRandstr(), issuedAt };
    },

    verifyLegacy(ticket) {
      const record = legacy.get(ticket);
      if (!record) return { pass: false, reason: 'unknown' };
      if (now() - record.issuedAt > LEGACY_LIFETIME_MS) return { pass: false, reason: 'expired' };
      if (record.checks >= LegacyApi.ticketMaxChecks) return { pass: false, reason: 'exhausted' };
      record.checks += 1;
      return { pass: true, reason: 'ok' };
    },
  };
}
