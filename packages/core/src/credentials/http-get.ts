/**
 * The one HTTP helper the providers share: `fetch` with a timer that is always cleared (metadata
 * service and STS are called once per half key lifetime, so the global `fetch` is fast enough).
 */

/** The part of the Fetch API the providers use. */
export type ProviderFetch = (
  input: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

/** Answers bigger than this are refused (a metadata or STS answer is about 2 KB). */
const MAX_ANSWER_CHARS = 64 * 1024;

/** Sends one request and returns the body text of a 2xx answer; throws otherwise. @internal */
export async function requestText(
  fetchImpl: ProviderFetch | undefined,
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string },
  timeoutMs: number,
): Promise<string> {
  const f = fetchImpl ?? (globalThis.fetch as unknown as ProviderFetch | undefined);
  if (!f) throw new Error('no fetch in this runtime: pass `fetch`');
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  try {
    const res = await f(url, { method: init.method, headers: init.headers ?? {}, ...(init.body === undefined ? {} : { body: init.body }), signal: controller.signal });
    const text = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status} from ${new URL(url).host}`);
    if (text.length > MAX_ANSWER_CHARS) throw new Error(`answer over ${MAX_ANSWER_CHARS} characters from ${new URL(url).host}`);
    return text;
  } catch (error) {
    if (controller.signal.aborted) throw new Error(`no answer from ${new URL(url).host} within ${timeoutMs} ms`);
    const cause = (error as { cause?: { code?: unknown } }).cause?.code;
    if (error instanceof Error && /^(HTTP|answer over)/.test(error.message)) throw error;
    throw new Error(`cannot reach ${new URL(url).host}${typeof cause === 'string' ? ` (${cause})` : ''}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Parses JSON, or throws a short error naming what was being read. @internal */
export function parseJson(text: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new Error(`${what} is not a JSON object`);
}
