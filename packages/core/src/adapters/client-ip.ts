/**
 * The client address as adapters hand it to `verify`. Proxies and platforms write it in several forms
 * — `203.0.113.7:4711` (with the port), `[2001:db8::7]`, `[2001:db8::7]:443`, a link-local address with
 * its zone (`fe80::7%eth0`, `%25eth0` when percent-encoded) — and every one of them names the same
 * address; refusing them as `user_ip_invalid` would refuse every user behind such a proxy.
 */
import { parseIp } from '../decision/input.js';

const BRACKETED = /^\[([^\]]+)\](?::\d{1,5})?$/;
const IPV4_WITH_PORT = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/;
const ZONE = /%(?:25)?[\w.~-]+$/;

/**
 * The address in `value`, canonical (IPv4 dotted quad; IPv6 without brackets, port or zone id;
 * IPv4-mapped IPv6 as IPv4). Text that holds no address comes back trimmed, as it was, so that
 * `verify` refuses it with `user_ip_invalid`; `null`/`undefined` stay as they are.
 *
 * @example
 * ```ts
 * normalizeClientIp('[2001:db8::7]:443'); // '2001:db8::7'
 * normalizeClientIp('203.0.113.7:4711'); // '203.0.113.7'
 * ```
 */
export function normalizeClientIp<T extends string | null | undefined>(value: T): T | string {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  const host = BRACKETED.exec(text)?.[1] ?? IPV4_WITH_PORT.exec(text)?.[1] ?? text;
  const address = parseIp(host.replace(ZONE, ''))?.address;
  return address ?? text;
}
