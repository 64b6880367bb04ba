/**
 * What the engine needs besides the shared options: how to talk to one upstream API, and the few
 * things that differ between `DescribeCaptchaResult` and the legacy `CaptchaCheck`.
 */
import type { CredentialSource } from '../credentials/credential-source.js';
import type { CredentialShape } from '../operations/checks.js';
import type { UpstreamClient } from '../network/describe-captcha-result.js';
import type { Transport } from '../network/transport.js';
import type { CaptchaStore } from '../stores/contract.js';
import type { CaptchaHooks, CaptchaLogger, ResolvedCaptchaVerifierOptions } from '../types/options.js';
import type { CaptchaTelemetryOptions } from '../types/telemetry.js';

/** What a pipeline needs besides the shared options: how to talk to one upstream API. */
export interface VerifierEngineSetup {
  /** Validated options (common part plus the app id for disaster tickets and the endpoint, for reports). */
  resolved: ResolvedCaptchaVerifierOptions;
  store: CaptchaStore;
  hooks: CaptchaHooks;
  /** A logger (gets every line), `undefined` (console: warn/error, rate-limited per kind) or `false` (silent). */
  logger: CaptchaLogger | false | undefined;
  /** OpenTelemetry providers, `false` for none. @default the global providers */
  telemetry?: CaptchaTelemetryOptions | false;
  /** For the doctor: requests go through a proxy (its DNS/TCP checks then test the proxy path only through the signed call). */
  viaProxy?: boolean;
  /** For the doctor: requests go through an injected `fetch`. */
  injectedFetch?: boolean;
  /** For the doctor: what the credentials look like (no values). */
  credentialShape?: CredentialShape;
  /** Unix milliseconds; signing timestamps, ticket freshness, budget windows. */
  now: () => number;
  /** Secrets to redact from any text that came from outside. */
  secrets: readonly string[];
  /** The API key of every request: static, or a provider's, refreshed in the background. */
  credentials: CredentialSource;
  /** Closed by `close()`. Its `connections` bound the requests in flight. */
  transport: Transport;
  client: UpstreamClient;
  /** The upstream API's name, for telemetry (`tencent_captcha.api`). @default 'DescribeCaptchaResult' */
  apiName?: string;
  /** Whether a missing randstr is `randstr_missing` (the legacy SDK may give none). */
  randstrRequired: boolean;
  /**
   * Remember verified tickets for `ttlMs` and refuse a second use (`ticket_reused`): for APIs that
   * accept a ticket more than once (legacy `CaptchaCheck` accepts each twice). `null`: Tencent refuses
   * reuse itself.
   */
  claimVerifiedTickets: { ttlMs: number } | null;
}
