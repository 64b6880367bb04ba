/**
 * `createLegacyCaptchaVerifier`: the legacy 天御 API v2 (`CaptchaCheck`, v2 signing) behind the same
 * `CaptchaVerifier` contract — the same pipeline (input, disaster tickets, breaker, deadline, retry,
 * policy, budgets, store, hooks), verdicts, reasons and HTTP mapping — plus `getScriptUrl` for the
 * one-time script URL (`CaptchaIframeQuery`). Two differences, both from the legacy API:
 * - Tencent accepts a legacy ticket twice within its 20 minutes; the verifier refuses the second use
 *   itself (`ticket_reused`), through the store.
 * - The legacy SDK may give no randstr, so none is required (a given one is still checked for shape).
 */
import { LegacyApi } from '@tencent-captcha/protocol';
import { CaptchaConfigError } from '../config/errors.js';
import { createMemoryStore } from '../stores/memory.js';
import { createTransport } from '../network/create-transport.js';
import type { CaptchaVerifier } from '../types/verifier.js';
import { createVerifierEngine } from '../engine/engine.js';
import { createCaptchaCheckClient } from './captcha-check.js';
import { credentialSourceFor } from '../credentials/for-verifier.js';
import { normaliseLegacyOptions, type LegacyCaptchaVerifierOptions, type ResolvedLegacyOptions } from './options.js';
import { createScriptUrlClient, type LegacyScriptUrlInput, type LegacyScriptUrlOptions } from './script-url.js';

/** The verifier `createLegacyCaptchaVerifier` returns: a `CaptchaVerifier` every adapter takes, plus `getScriptUrl`. */
export interface LegacyCaptchaVerifier extends CaptchaVerifier {
  /**
   * Asks Tencent (`CaptchaIframeQuery`) for the one-time URL of the legacy captcha script. Call it per
   * page view — each URL loads once — and give it to `<tencent-captcha driver="legacy" src="…">`.
   * Resolves with the URL; rejects with a {@link LegacyScriptUrlError} (stable `code`, no secret in the
   * message) within the verifier's `deadlineMs`, or with the caller's abort reason.
   */
  getScriptUrl(input: LegacyScriptUrlInput, options?: LegacyScriptUrlOptions): Promise<string>;
  /** The legacy API's resolved options (no credential). */
  readonly legacyOptions: ResolvedLegacyOptions;
}

/**
 * Creates a verifier for the legacy API. Validates options once and throws a `CaptchaConfigError` when
 * they are wrong; `verify` never throws for a ticket.
 *
 * @example
 * ```ts
 * const verifier = createLegacyCaptchaVerifier({ captchaAppId: 199999164 }); // secretId/secretKey from the environment
 * const src = await verifier.getScriptUrl({ clientType: 'pc', userIp }); // per page view
 * const verdict = await verifier.verify({ ticket, randstr, userIp });
 * ```
 */
export function createLegacyCaptchaVerifier(options: LegacyCaptchaVerifierOptions = {}): LegacyCaptchaVerifier {
  const { resolved, legacy, credentials, hooks, logger, telemetry, fetch, now, store, proxy } = normaliseLegacyOptions(options);
  const keys = credentialSourceFor(credentials, logger, now);
  const staticKey = keys.isStatic ? (keys.get() as { secretKey: string; token: string | undefined }) : null;
  const secrets = [staticKey?.secretKey ?? '', staticKey?.token ?? '', proxy ? new URL(proxy).password : ''].filter((s) => s.length >= 4);
  const redact = (text: string): string => secrets.reduce((t, s) => t.split(s).join('[redacted]'), text);

  const transport = createTransport(legacy.endpoint, fetch, resolved.maxConnections, proxy);
  // Page views get their own connections: they must never hold up verifications (design §3.2a).
  const scriptTransport = createTransport(legacy.endpoint, fetch, resolved.maxConnections, proxy);
  const client = createCaptchaCheckClient({ legacy, transport, now });
  const engine = createVerifierEngine({
    resolved,
    store: store ?? createMemoryStore(),
    hooks,
    logger,
    telemetry,
    viaProxy: proxy !== undefined,
    injectedFetch: fetch !== undefined,
    now,
    secrets,
    credentials: keys,
    transport,
    client,
    apiName: 'CaptchaCheck',
    randstrRequired: false,
    // A legacy ticket is good for 20 minutes: remember a verified one that long (and the clock skew).
    claimVerifiedTickets: { ttlMs: (LegacyApi.ticketLifetimeSeconds + resolved.disasterTickets.clockSkewSeconds) * 1000 },
  });
  const getScriptUrl = createScriptUrlClient({
    legacy,
    key: () => keys.get(),
    transport: scriptTransport,
    now,
    deadlineMs: resolved.deadlineMs,
    maxInFlight: resolved.maxConnections,
    maxInFlightPerClient: resolved.maxInFlightPerClient,
    redact,
  });
  const legacyOptions = Object.freeze({ ...legacy });
  let closing: Promise<void> | undefined;

  return {
    verify: (input, verifyOptions) =>
      verifyOptions?.requestFields !== undefined
        ? // DescribeCaptchaResult's fields: CaptchaCheck has no place for them (businessId/sceneId are options here).
          Promise.reject(new CaptchaConfigError('invalid_option', 'requestFields', 'requestFields are DescribeCaptchaResult fields: the legacy verifier takes businessId and sceneId as options.'))
        : engine.verify(input, verifyOptions),
    get breakerState() {
      return engine.breakerState;
    },
    options: engine.options,
    check: (checkOptions) => engine.check(checkOptions),
    legacyOptions,
    getScriptUrl,
    close() {
      closing ??= Promise.all([engine.close(), scriptTransport.close()]).then(() => undefined);
      return closing;
    },
  };
}
