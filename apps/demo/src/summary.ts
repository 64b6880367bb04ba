/**
 * One plain-language sentence per verdict, for the demo page: what happened, and which part of the
 * disaster-recovery policy decided.
 */
import { describeVerdictReason, type CaptchaVerdict } from '@tencent-captcha/core';

/** What the page shows above the verdict JSON. */
export interface VerdictSummary {
  /** `verified` | `degraded` (accepted without Tencent's word) | `refused` (not the user's fault, 503) | `rejected`. */
  outcome: 'verified' | 'degraded' | 'refused' | 'rejected';
  /** A short headline. */
  title: string;
  /** One or two sentences in plain language. */
  text: string;
}

const BRANCH_TEXT: Record<string, string> = {
  input: 'Nothing was sent to Tencent: the form did not carry a usable ticket.',
  disaster_ticket_check: 'The fallback ticket failed the local checks (app id, age), so Tencent was not even asked.',
  tencent_answer: 'Tencent answered, and its answer decided.',
  risk_limit: 'Tencent passed the ticket, but its risk figures are over the configured limit.',
  misconfigured: 'Tencent says the server’s configuration is wrong; that is never let through.',
  rate_limited: 'Tencent is throttling verification; a flood can cause that, so it never opens the gate.',
  mode_closed: 'In closed mode an unverified answer is never accepted: the server asks the visitor to retry later.',
  replay_guard: 'This ticket was already accepted once without Tencent’s word; a second use is refused.',
  budget: 'The budget for unverified answers is spent for this window, so the gate stays shut.',
  store_failure: 'The budget store is unreachable, so unverified answers are refused meanwhile.',
  degraded_accept: 'The policy accepted it within its budget of unverified answers.',
  internal_error: 'The verifier failed unexpectedly; the answer is no.',
};

/**
 * Builds the page's sentence for a verdict and the HTTP status the server answered. `operator: false`
 * (a visitor from another machine) leaves the circuit breaker out: its state would tell an attacker
 * when an attack opened it.
 */
export function summarizeVerdict(verdict: CaptchaVerdict, httpStatus: number, user?: string, { operator = true }: { operator?: boolean } = {}): VerdictSummary {
  const branch = BRANCH_TEXT[verdict.branch] ?? '';
  const cause = verdict.cause ? describeVerdictReason(verdict.cause).message : verdict.message;
  if (verdict.accepted && verdict.status === 'verified') {
    return {
      outcome: 'verified',
      title: `Welcome, ${user ?? 'guest'}: verified`,
      text: `Tencent confirmed the captcha was solved (CaptchaCode ${verdict.captchaCode ?? 1}) in ${verdict.latencyMs} ms.`,
    };
  }
  if (verdict.accepted) {
    return {
      outcome: 'degraded',
      title: `Welcome, ${user ?? 'guest'}: degraded, and accepted`,
      text: `Tencent’s word could not be had: ${cause} ${branch} Decided in ${Math.round(verdict.latencyMs)} ms; mode ${verdict.mode}${operator ? `, breaker ${verdict.breaker}` : ''}.`,
    };
  }
  if (httpStatus === 503) {
    const retry = verdict.retryAfterSeconds ? ` Retry after ${verdict.retryAfterSeconds} s.` : '';
    return {
      outcome: 'refused',
      title: 'Not now: refused during an outage (503)',
      text: `${cause} ${branch}${retry} Decided in ${Math.round(verdict.latencyMs)} ms; mode ${verdict.mode}.`,
    };
  }
  return {
    outcome: 'rejected',
    title: `Rejected (${httpStatus})`,
    text: `${verdict.message} ${branch}`.trim(),
  };
}

/** What a login answer carries besides `ok`, `user`, `code` and `message`. */
export interface LoginAnswerDetails {
  summary: VerdictSummary;
  /** The whole verdict: for the machine running the demo only. */
  verdict?: CaptchaVerdict;
}

/**
 * The page's details of a login answer. The whole verdict (its `breaker`, `cause`, `branch`, …) is
 * the operator's view: only a visitor on this machine (`operator`, by the socket's address) gets it.
 * Anyone else gets what a production app answers, and a sentence that leaves the breaker out.
 */
export function loginAnswerDetails(verdict: CaptchaVerdict, httpStatus: number, options: { user?: string; operator: boolean }): LoginAnswerDetails {
  const summary = summarizeVerdict(verdict, httpStatus, options.user, { operator: options.operator });
  return options.operator ? { summary, verdict } : { summary };
}
