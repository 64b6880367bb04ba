/**
 * The doctor's line about the key source (`credential_provider`): which provider gave the key, when
 * it expires, and whether a refresh works right now. A static key has nothing to refresh: no line.
 */
import type { CaptchaCheck } from '../types/check.js';
import type { CredentialSource } from './credential-source.js';

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function inWords(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (Math.abs(ms) < 120_000) return `${Math.round(ms / 1000)} s`;
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

/** Runs the check (`null` for a static key: nothing to refresh); never throws. @internal */
export async function checkCredentialProvider(source: CredentialSource, now: () => number): Promise<CaptchaCheck | null> {
  if (source.isStatic) return null;
  const result = await source.refreshNow();
  const status = source.status();
  if (!result.ok) {
    const usable = status.usableUntil !== null && status.usableUntil > now();
    return {
      name: 'credential_provider',
      status: 'fail',
      summary: `refresh failed: ${result.error}${usable ? `; the current key stays in use until ${iso(status.usableUntil!)}` : '; no usable key (verdicts are misconfigured)'}`,
      hint: `check the provider (${status.provider}): for a CVM role, that a role is bound to the instance and the metadata service answers; for STS/TKE, the role ARN, the trust policy and the network to STS.`,
    };
  }
  const kind = result.credential.token !== undefined ? 'a temporary key' : 'a key';
  const expiry = result.credential.expiresAtMs === undefined ? '(expiry not given)' : `expiring ${iso(result.credential.expiresAtMs)} (in ${inWords(result.credential.expiresAtMs - now())})`;
  return { name: 'credential_provider', status: 'pass', summary: `${status.provider} gave ${kind} ${expiry}; a refresh works`, hint: null };
}
