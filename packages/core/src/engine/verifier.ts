/**
 * `createCaptchaVerifier`: options once (config/options.ts), then the verification engine
 * (engine.ts) over `DescribeCaptchaResult` (network/describe-captcha-result.ts) and the default
 * transport (network/transport.ts). Never throws for a ticket; answers within the deadline; honours
 * the caller's signal; leaves no timer behind.
 */
import { CaptchaConfigError } from '../config/errors.js';
import { normaliseOptions } from '../config/options.js';
import { createDescribeCaptchaResultClient } from '../network/describe-captcha-result.js';
import { createTransport } from '../network/create-transport.js';
import { createMemoryStore } from '../stores/memory.js';
import type { CaptchaVerifierOptions } from '../types/options.js';
import type { CaptchaVerifier } from '../types/verifier.js';
import { createVerifierEngine } from './engine.js';
import { credentialSourceFor } from '../credentials/for-verifier.js';

/**
 * Creates a verifier. Validates and normalises `options` once and throws a `CaptchaConfigError` when
 * they are wrong (missing credentials, bad endpoint, out-of-range numbers); `verify` never does.
 */
export function createCaptchaVerifier(options: CaptchaVerifierOptions = {}): CaptchaVerifier {
  const { resolved, credentials, hooks, logger, telemetry, fetch, now, store, proxy } = normaliseOptions(options);
  const transport = createTransport(resolved.endpoint, fetch, resolved.maxConnections, proxy);
  const keys = credentialSourceFor(credentials.keys, logger, now);
  const client = createDescribeCaptchaResultClient({
    endpoint: resolved.endpoint,
    captchaAppId: resolved.captchaAppId,
    appSecretKey: credentials.appSecretKey,
    warmKey: keys.isStatic ? (keys.get() as { secretId: string; secretKey: string; token: string | undefined }) : undefined,
    transport,
    now,
  });
  const staticKey = keys.isStatic ? (keys.get() as { secretId: string; secretKey: string; token: string | undefined }) : null;
  return createVerifierEngine({
    resolved,
    store: store ?? createMemoryStore(),
    hooks,
    logger,
    telemetry,
    viaProxy: proxy !== undefined,
    injectedFetch: fetch !== undefined,
    credentialShape: {
      captchaAppId: resolved.captchaAppId,
      // A provider's keys are not known yet: judged by the doctor's credential_provider line instead.
      secretIdLooksLikeOne: staticKey ? staticKey.secretId.startsWith('AKID') : true,
      secretKeyLooksLikeAnId: staticKey ? staticKey.secretKey.startsWith('AKID') : false,
    },
    now,
    secrets: [credentials.appSecretKey, staticKey?.secretKey ?? '', staticKey?.token ?? '', proxyPassword(proxy)],
    credentials: keys,
    transport,
    client,
    randstrRequired: true,
    claimVerifiedTickets: null,
  });
}

/** The password of a proxy URL, to redact it from anything undici reports. */
function proxyPassword(proxy: string | undefined): string {
  if (!proxy) return '';
  const { password } = new URL(proxy);
  try {
    return decodeURIComponent(password);
  } catch {
    return password;
  }
}

export { CaptchaConfigError };
