/**
 * One verdict authorises one action (design §3.2a). An adapter that can be asked for several guarded
 * actions in one HTTP request (GraphQL aliases and batches, a handler that reads several tickets)
 * counts the uses of each accepted verdict and refuses the extra ones with the verdict this file builds.
 */
import { describeVerdictReason } from '../decision/reasons.js';
import { PolicyReason } from '../types/reasons.js';
import type { CaptchaVerdict } from '../types/verdict.js';

/**
 * The refusal of an action beyond what an accepted verdict may authorise: the verdict, refused with
 * reason `captcha_single_use` (400, no `Retry-After`). Tencent's figures (`requestId`, `evilLevel`, …)
 * stay, so logs can tie the refusal to the verification that was spent.
 */
export function singleUseRefusal(verdict: CaptchaVerdict): CaptchaVerdict {
  const info = describeVerdictReason(PolicyReason.CaptchaSingleUse);
  return {
    ...verdict,
    status: info.status,
    accepted: false,
    reason: PolicyReason.CaptchaSingleUse,
    message: info.message,
    cause: null,
    branch: 'replay_guard',
    attempts: 0,
    latencyMs: 0,
    retryAfterSeconds: null,
  };
}
