/**
 * Start-up check of the platform's proxy trust. The guard's default user IP is the platform's
 * `request.ip`; when the platform trusts every hop of `X-Forwarded-For`, that is the leftmost address,
 * which the client writes itself — even behind a proxy that appends the real one — and core's per-IP
 * budgets of degraded acceptances stop holding.
 */

/** The part of Nest's `AbstractHttpAdapter` read here. */
export interface HttpAdapterLike {
  getType?(): string;
  getInstance?(): unknown;
}

const EXPRESS_WARNING =
  "Express 'trust proxy' is true: request.ip is the leftmost X-Forwarded-For address, which any client chooses " +
  '(a proxy appends the real one on the right), so the per-IP budgets of degraded captcha acceptances do not hold. ' +
  "Trust exactly your proxies: app.set('trust proxy', 1) for one proxy in front of the app (a hop count), or their addresses " +
  "(app.set('trust proxy', '10.0.0.1')).";

const FASTIFY_WARNING =
  'Fastify trustProxy is true: request.ip is the leftmost X-Forwarded-For address, which any client chooses ' +
  '(a proxy appends the real one on the right), so the per-IP budgets of degraded captcha acceptances do not hold. ' +
  "Trust exactly your proxies by address: new FastifyAdapter({ trustProxy: '10.0.0.1' }) (a CIDR range, a list, " +
  'or a function of the address and hop also work).';

/** Fastify keeps its options under a private symbol; `initialConfig` does not list `trustProxy`. */
function fastifyTrustProxy(instance: object): unknown {
  const fromConfig = (instance as { initialConfig?: { trustProxy?: unknown } }).initialConfig?.trustProxy;
  if (fromConfig !== undefined) return fromConfig;
  const key = Object.getOwnPropertySymbols(instance).find((symbol) => symbol.description === 'fastify.options');
  const options = key === undefined ? undefined : (instance as Record<symbol, unknown>)[key];
  return typeof options === 'object' && options !== null ? (options as { trustProxy?: unknown }).trustProxy : undefined;
}

/**
 * The warning to log when the HTTP platform trusts every proxy hop (Express `trust proxy` /
 * Fastify `trustProxy` set to `true`), else `undefined`. A hop count, addresses or a function are the
 * operator's statement of their proxies and are not second-guessed.
 * @internal
 */
export function trustAllProxiesWarning(adapter: HttpAdapterLike | null | undefined): string | undefined {
  const instance = adapter?.getInstance?.();
  if (typeof instance !== 'object' && typeof instance !== 'function') return undefined;
  if (instance === null) return undefined;
  const type = adapter?.getType?.();
  if (type === 'express') {
    const get = (instance as { get?: (name: string) => unknown }).get;
    return typeof get === 'function' && get.call(instance, 'trust proxy') === true ? EXPRESS_WARNING : undefined;
  }
  if (type === 'fastify') return fastifyTrustProxy(instance) === true ? FASTIFY_WARNING : undefined;
  return undefined;
}
