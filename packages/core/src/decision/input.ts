/**
 * Input checks made before any network call: a missing, oversized or wrongly-charactered ticket or
 * randstr, or an invalid IP, is rejected without asking Tencent. No Node APIs (Fetch-API runtimes).
 */
import type { PolicyReason } from '../types/reasons.js';
import type { VerifyInput } from '../types/verdict.js';

/** Longest ticket accepted. Real tickets are a few hundred characters. */
export const MAX_TICKET_LENGTH = 2048;
/** Longest randstr accepted. Real ones are `@` plus a few to a dozen characters. */
export const MAX_RANDSTR_LENGTH = 128;

// Tickets are Base64/URL-safe-Base64 with `*` padding (`tr03…KQ*`) or disaster tickets (`trerror_…`).
const TICKET_CHARS = /^[A-Za-z0-9_*+/=.@~-]+$/;
// Randstr: `@Vki`, `@bwvwg7d4e3q`.
const RANDSTR_CHARS = /^[A-Za-z0-9_*+/=.@~-]+$/;

/** Input that passed the checks, with the IP normalised. */
export interface ValidInput {
  ticket: string;
  randstr: string;
  /** The IP as sent to Tencent (trimmed; IPv4-mapped IPv6 turned into IPv4). */
  userIp: string;
  /** Key for per-IP budgets: the IPv4 address, or the /64 of an IPv6 address. */
  ipBudgetKey: string;
}

/** Result of {@link validateInput}. */
export type InputCheck = { ok: true; input: ValidInput } | { ok: false; reason: PolicyReason };

/** Rules that depend on the verifier (the legacy SDK may give no randstr). */
export interface InputRules {
  /** Whether a randstr must be present. @default true */
  randstrRequired?: boolean;
}

/** Checks ticket, randstr and IP. Never throws, whatever it is given. */
export function validateInput(input: unknown, rules?: InputRules): InputCheck {
  const record = (typeof input === 'object' && input !== null ? input : {}) as Partial<Record<keyof VerifyInput, unknown>>;
  let ticket: unknown;
  let randstr: unknown;
  let userIp: unknown;
  try {
    ({ ticket, randstr, userIp } = record);
  } catch {
    // A hostile getter: treat as missing.
    return { ok: false, reason: 'ticket_missing' };
  }
  if (ticket === undefined || ticket === null || ticket === '') return { ok: false, reason: 'ticket_missing' };
  if (typeof ticket !== 'string' || ticket.length > MAX_TICKET_LENGTH || !TICKET_CHARS.test(ticket)) {
    return { ok: false, reason: 'ticket_malformed' };
  }
  if (randstr === undefined || randstr === null || randstr === '') {
    if (rules?.randstrRequired !== false) return { ok: false, reason: 'randstr_missing' };
    randstr = '';
  } else if (typeof randstr !== 'string' || randstr.length > MAX_RANDSTR_LENGTH || !RANDSTR_CHARS.test(randstr)) {
    return { ok: false, reason: 'randstr_malformed' };
  }
  const ip = typeof userIp === 'string' ? parseIp(userIp.trim()) : undefined;
  if (!ip) return { ok: false, reason: 'user_ip_invalid' };
  return { ok: true, input: { ticket, randstr: randstr as string, userIp: ip.address, ipBudgetKey: ip.budgetKey } };
}

/** A parsed IP address. */
export interface ParsedIp {
  version: 4 | 6;
  /** Canonical text (IPv4 dotted quad; IPv6 lower case as given, IPv4-mapped turned into IPv4). */
  address: string;
  /** `4:<address>` or `6:<first four hextets>` — an IPv6 user usually holds a whole /64. */
  budgetKey: string;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEXTET = /^[0-9a-f]{1,4}$/;

/** Parses an IPv4 or IPv6 address (no zone id, no brackets, no port). `undefined` when invalid. */
export function parseIp(text: string): ParsedIp | undefined {
  if (text.length === 0 || text.length > 45) return undefined;
  if (IPV4.test(text)) return { version: 4, address: text, budgetKey: `4:${text}` };
  const lower = text.toLowerCase();
  const hextets = expandIpv6(lower);
  if (!hextets) return undefined;
  // ::ffff:a.b.c.d is an IPv4 client seen through a dual-stack socket.
  if (hextets.slice(0, 5).every((h) => h === 0) && hextets[5] === 0xffff) {
    const v4 = [hextets[6]! >> 8, hextets[6]! & 0xff, hextets[7]! >> 8, hextets[7]! & 0xff].join('.');
    return { version: 4, address: v4, budgetKey: `4:${v4}` };
  }
  return {
    version: 6,
    address: lower,
    budgetKey: `6:${hextets.slice(0, 4).map((h) => h.toString(16)).join(':')}`,
  };
}

function expandIpv6(text: string): number[] | undefined {
  if (!/^[0-9a-f:.]+$/.test(text)) return undefined;
  let head = text;
  let tail: number[] = [];
  // An embedded IPv4 address in the last 32 bits.
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    const v4 = text.slice(lastColon + 1);
    if (!IPV4.test(v4)) return undefined;
    const o = v4.split('.').map(Number) as [number, number, number, number];
    tail = [(o[0] << 8) | o[1], (o[2] << 8) | o[3]];
    head = text.slice(0, lastColon + 1);
    // Drop the `:` before the IPv4 part, but keep a `::` (`::1.2.3.4`).
    if (!head.endsWith('::') && head.endsWith(':')) head = head.slice(0, -1);
  }
  const parts = head.split('::');
  if (parts.length > 2) return undefined;
  const parse = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups = s.split(':');
    if (!groups.every((g) => HEXTET.test(g))) return undefined;
    return groups.map((g) => Number.parseInt(g, 16));
  };
  const left = parse(parts[0]!);
  if (!left) return undefined;
  if (parts.length === 1) {
    const all = [...left, ...tail];
    return all.length === 8 ? all : undefined;
  }
  const right = parse(parts[1]!);
  if (!right) return undefined;
  const missing = 8 - left.length - right.length - tail.length;
  // `::` stands for at least one group.
  if (missing < 1) return undefined;
  return [...left, ...new Array<number>(missing).fill(0), ...right, ...tail];
}
