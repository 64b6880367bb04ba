/**
 * The guard's record of one HTTP request: which guarded actions it has decided, and how many actions
 * each ticket has authorised. One verdict authorises one action (design §3.2a): a GraphQL request
 * with aliased or batched guarded fields gets one field per verdict, unless every handler involved
 * allows more (`fieldsPerVerdict`); a field carrying another ticket is verified on its own.
 */
import type { ExecutionContext } from '@nestjs/common';
import { singleUseRefusal, type CaptchaVerdict } from '@tencent-captcha/core';
import { captchaTargetOf, getCaptchaVerdict } from './captcha.request.js';

/** The uses of one ticket (with its randstr and user IP) in one request. */
interface TicketUses {
  /** Actions the ticket's accepted verdicts have authorised. */
  count: number;
  /** The smallest `fieldsPerVerdict` among those actions. */
  limit: number;
  /** The last accepted verdict (the one a refusal of a further use names). */
  accepted: CaptchaVerdict | undefined;
  /** Verdicts reached for this ticket, per policy (mode, budget scope, risk limits). */
  readonly byPolicy: Map<string, CaptchaVerdict>;
}

interface RequestLedger {
  /** Decisions run one after another: the fields of a query resolve concurrently. */
  tail: Promise<unknown>;
  /** The decision per action (an HTTP request, or one GraphQL field execution). */
  readonly actions: WeakMap<object, Promise<CaptchaVerdict>>;
  /** The verdict per decided action, for `@CaptchaVerdict()`. */
  readonly verdicts: WeakMap<object, CaptchaVerdict>;
  readonly tickets: Map<string, TicketUses>;
}

/**
 * A registered symbol, so that the ESM and the CJS build of this package (both can end up in one app)
 * keep one ledger per request.
 */
const LEDGER = Symbol.for('@tencent-captcha/nestjs:ledger');

type LedgerCarrier = { [LEDGER]?: RequestLedger };

function ledgerOf(request: object): RequestLedger {
  const carrier = request as LedgerCarrier;
  let ledger = carrier[LEDGER];
  if (ledger === undefined) {
    ledger = { tail: Promise.resolve(), actions: new WeakMap(), verdicts: new WeakMap(), tickets: new Map() };
    // Not enumerable: keeps it out of loggers that serialise the request.
    Object.defineProperty(request, LEDGER, { value: ledger, configurable: true, enumerable: false });
  }
  return ledger;
}

/**
 * What one guarded action is: the HTTP request for a route (guards on the class, the method and
 * globally all decide the same action), or the field execution for a GraphQL resolver — its `info`,
 * which graphql-js creates once per field and per list item, and which every guard of that field sees.
 */
function actionOf(context: ExecutionContext, request: object): object {
  if (context.getType<string>() !== 'graphql') return request;
  const args = context.getArgs();
  const info: unknown = args[3];
  return typeof info === 'object' && info !== null ? info : args;
}

/** Ticket, randstr and user IP, as the getters read them. */
export type ActionFields = readonly [string | null | undefined, string | null | undefined, string | null | undefined];

/** What the guard asks the ledger to decide. */
export interface ActionRequest {
  readonly context: ExecutionContext;
  readonly request: object;
  /** Mode, budget scope and risk limits: a degraded verdict serves only the same policy. */
  readonly policy: string;
  /** How many actions one verdict may authorise, as this action's handler allows. */
  readonly fieldsPerVerdict: number;
  /** Reads the ticket, randstr and user IP of this action. */
  readonly read: () => Promise<ActionFields>;
  /** Verifies what `read` returned. */
  readonly verify: (fields: ActionFields) => Promise<CaptchaVerdict>;
}

/**
 * The verdict for one action: the one already reached for it (another guard of the same action), the
 * one reached for the same ticket and policy in this request — refused again, or spent once more when
 * every handler allows it — or a new verification. A further use of an accepted verdict beyond the
 * limit is refused as `captcha_single_use` (400) without calling the verifier.
 */
export function decideAction(action: ActionRequest): Promise<CaptchaVerdict> {
  const ledger = ledgerOf(action.request);
  const key = actionOf(action.context, action.request);
  const decided = ledger.actions.get(key);
  if (decided !== undefined) return decided;
  const result = ledger.tail.then(async () => {
    const fields = await action.read();
    const verdict = await decideTicket(ledger, fields, action);
    ledger.verdicts.set(key, verdict);
    return verdict;
  });
  ledger.actions.set(key, result);
  ledger.tail = result.catch(() => undefined);
  return result;
}

async function decideTicket(ledger: RequestLedger, fields: ActionFields, action: ActionRequest): Promise<CaptchaVerdict> {
  const ticketKey = JSON.stringify(fields.map((f) => (typeof f === 'string' ? f : null)));
  let uses = ledger.tickets.get(ticketKey);
  if (uses === undefined) {
    uses = { count: 0, limit: Number.POSITIVE_INFINITY, accepted: undefined, byPolicy: new Map() };
    ledger.tickets.set(ticketKey, uses);
  }
  // Tencent's word holds for every policy; a degraded verdict only for the policy that reached it.
  const earlier = [...uses.byPolicy.values()].find((v) => v.status === 'verified') ?? uses.byPolicy.get(action.policy);
  if (earlier !== undefined && !earlier.accepted) return earlier;
  const limit = Math.min(uses.limit, action.fieldsPerVerdict);
  if (uses.accepted !== undefined && uses.count >= limit) return singleUseRefusal(uses.accepted);
  const verdict = earlier ?? (await action.verify(fields));
  uses.byPolicy.set(action.policy, verdict);
  if (verdict.accepted) {
    uses.count += 1;
    uses.limit = limit;
    uses.accepted = verdict;
  }
  return verdict;
}

/**
 * The verdict of the action `context` belongs to — for `@CaptchaVerdict()`: each GraphQL field sees
 * its own (`undefined` on a field the guard did not decide), a route the request's.
 */
export function actionVerdictOf(context: ExecutionContext): CaptchaVerdict | undefined {
  const request = captchaTargetOf(context)?.request;
  if (request === undefined) return undefined;
  const own = (request as LedgerCarrier)[LEDGER]?.verdicts.get(actionOf(context, request));
  if (own !== undefined || context.getType<string>() === 'graphql') return own;
  return getCaptchaVerdict(request);
}
