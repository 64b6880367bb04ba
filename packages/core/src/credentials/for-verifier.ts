// The key source of one verifier (both factories use it).
import { createVerifierLog } from '../operations/logging.js';
import type { CaptchaLogger } from '../types/options.js';
import { createCredentialSource, type CredentialSource } from './credential-source.js';
import { createCredentialEventLog } from './event-log.js';
import type { CredentialsOption } from './types.js';

/**
 * The verifier's key source; a provider's first key is asked for now, so the first verification
 * rarely waits. Refresh failures are logged through the verifier's logger (credentials/event-log.ts).
 */
export function credentialSourceFor(option: CredentialsOption, logger: CaptchaLogger | false | undefined, now: () => number): CredentialSource {
  const source = createCredentialSource(option, { now, onEvent: createCredentialEventLog(createVerifierLog(logger)) });
  source.prime();
  return source;
}

