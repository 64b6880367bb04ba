/**
 * The doctor's runtime access without imports a bundler would follow: Node's built-in modules through
 * `process.getBuiltinModule` (Node ≥ 20.16, Deno, Bun), and, where a runtime has none (workerd without
 * `nodejs_compat`), the network check over `fetch`: no DNS API there, so the connect check (a plain
 * GET of the endpoint's origin) also proves that the host resolves, and its `Date` header gives the clock.
 */
import type { CaptchaCheck, CheckOptions } from '../types/check.js';
import { networkHint } from './hints.js';

/** A Node built-in module (`net`, `dns`, `http`…) if this runtime has one, else `null`. */
export function nodeBuiltin<T>(id: string): T | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return (proc?.getBuiltinModule?.(`node:${id}`) as T | undefined) ?? null;
  } catch {
    return null;
  }
}

/** The code of a fetch failure (in its `cause` chain), else its class name. */
function codeOf(error: unknown): string {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]{2,64}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return error instanceof Error && error.name === 'AbortError' ? 'timed out' : 'network error';
}

const line = (name: CaptchaCheck['name'], status: CaptchaCheck['status'], summary: string, hint: string | null = null): CaptchaCheck => ({ name, status, summary, hint });

/** DNS, connect and clock with the runtime's `fetch` (see the module comment). */
export async function checkNetworkWithFetch(
  ctx: { endpoint: string; attemptTimeoutMs: number; now: () => number },
  options: CheckOptions = {},
): Promise<CaptchaCheck[]> {
  const url = new URL(ctx.endpoint);
  const host = url.host;
  const out = [line('dns', 'skip', 'this runtime has no DNS API: the connect check below resolves the host')];
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ctx.attemptTimeoutMs);
  let date: string | null;
  try {
    const res = await globalThis.fetch(url.origin + '/', { method: 'GET', signal: controller.signal, headers: { 'user-agent': 'tencent-captcha-doctor' } });
    date = res.headers.get('date');
    await res.body?.cancel().catch(() => undefined);
  } catch (error) {
    const code = codeOf(error);
    out.push(line('connect', 'fail', `cannot reach ${host} with fetch (${code})`, networkHint(code, host)));
    out.push(line('clock', 'skip', `not tried: ${host} is not reachable`));
    return out;
  } finally {
    clearTimeout(timer);
  }
  out.push(line('connect', 'pass', `HTTP${url.protocol === 'https:' ? 'S' : ''} to ${host} works (fetch)`));
  const serverMs = date ? Date.parse(date) : Number.NaN;
  if (Number.isNaN(serverMs)) {
    out.push(line('clock', 'skip', `${host} sent no Date header to compare with`));
    return out;
  }
  const skewSeconds = Math.round((ctx.now() - serverMs) / 1000);
  const said = skewSeconds === 0 ? 'agrees with' : `is ${Math.abs(skewSeconds)} s ${skewSeconds > 0 ? 'ahead of' : 'behind'}`;
  out.push(
    Math.abs(skewSeconds) <= (options.maxClockSkewSeconds ?? 120)
      ? line('clock', 'pass', `this server's clock ${said} ${host}'s`)
      : line('clock', 'fail', `this server's clock ${said} ${host}'s`, "synchronise this server's clock (NTP): Tencent refuses signatures more than 5 minutes off."),
  );
  return out;
}
