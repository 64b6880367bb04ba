/**
 * STS (`sts.tencentcloudapi.com`, Version 2018-08-13) at `POST /` of the API origin, for the
 * credential providers that assume a role:
 *
 * - `AssumeRole` — TC3-signed by a permanent or temporary key; `RoleArn`, `RoleSessionName`,
 *   optional `DurationSeconds` (default 7200, at most 43200), `Policy`, `ExternalId`.
 * - `AssumeRoleWithWebIdentity` — unsigned (the official SDK sends `Authorization: SKIP`), as TKE's
 *   OIDC flow calls it: `ProviderId`, `WebIdentityToken`, `RoleArn`, `RoleSessionName`, optional
 *   `DurationSeconds`.
 *
 * Both answer `{ Credentials: { Token, TmpSecretId, TmpSecretKey }, ExpiredTime, Expiration }`. The
 * emulator's settable key lifetime caps `DurationSeconds`, so tests can have keys that live seconds.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ResolvedEmulatorOptions } from '../options.js';
import type { TemporaryKeyStore } from '../temporary-keys.js';
import { apiError, type ApiEnvelope } from './describe-captcha-result.js';
import { checkTc3Auth, header } from './tc3-auth.js';

/** The STS actions the emulator answers, and their version. */
export const StsApi = {
  service: 'sts',
  version: '2018-08-13',
  assumeRole: 'AssumeRole',
  assumeRoleWithWebIdentity: 'AssumeRoleWithWebIdentity',
  defaultDurationSeconds: 7200,
  maxDurationSeconds: 43_200,
} as const;

/** Whether `action` is one of the STS actions. @internal */
export function isStsAction(action: string | undefined): boolean {
  return action === StsApi.assumeRole || action === StsApi.assumeRoleWithWebIdentity;
}

const SESSION_NAME = /^[\w+=,.@-]{2,128}$/;

type Params = Record<string, unknown>;
type Problem = { code: string; message: string };

function checkParams(p: Params, required: readonly string[], options: ResolvedEmulatorOptions): Problem | undefined {
  for (const key of required) {
    if (typeof p[key] !== 'string' || p[key] === '') return { code: 'MissingParameter', message: `The request is missing a required parameter \`${key}\`.` };
  }
  if (!SESSION_NAME.test(p.RoleSessionName as string)) {
    return { code: 'InvalidParameter.ParamError', message: 'RoleSessionName must be 2 to 128 characters of [\\w+=,.@-].' };
  }
  const d = p.DurationSeconds;
  if (d !== undefined && !(typeof d === 'number' && Number.isInteger(d) && d >= 1 && d <= StsApi.maxDurationSeconds)) {
    return { code: 'InvalidParameter.OverTimeError', message: `DurationSeconds must be an integer from 1 to ${StsApi.maxDurationSeconds}.` };
  }
  if (p.RoleArn !== options.roleArn) return { code: 'ResourceNotFound.RoleNotExist', message: 'The role does not exist (RoleArn).' };
  return undefined;
}

/** Answers an STS call whose body has been read. Never throws for client input. @internal */
export async function answerSts(
  request: { headers: IncomingHttpHeaders; body: string; host: string },
  deps: { options: ResolvedEmulatorOptions; temporaryKeys: TemporaryKeyStore },
): Promise<{ envelope: ApiEnvelope | { Response: Record<string, unknown> }; summary: string }> {
  const requestId = randomUUID();
  const fail = (problem: Problem) => ({ envelope: apiError(problem.code, problem.message, requestId), summary: `STS ${problem.code}` });
  const action = header(request.headers, 'x-tc-action') ?? '';
  if (header(request.headers, 'x-tc-version') !== StsApi.version) {
    return fail({ code: 'NoSuchVersion', message: `The requested version of service \`sts\` does not exist (use ${StsApi.version}).` });
  }
  if (action === StsApi.assumeRole) {
    const auth = await checkTc3Auth(request, StsApi.service, deps);
    if (!auth.ok) return fail(auth);
  }
  let p: Params;
  try {
    const parsed: unknown = JSON.parse(request.body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('not an object');
    p = parsed as Params;
  } catch {
    return fail({ code: 'InvalidParameter', message: 'The request body must be a JSON object.' });
  }
  const { options, temporaryKeys } = deps;
  const web = action === StsApi.assumeRoleWithWebIdentity;
  const problem = checkParams(p, web ? ['ProviderId', 'WebIdentityToken', 'RoleArn', 'RoleSessionName'] : ['RoleArn', 'RoleSessionName'], options);
  if (problem) return fail(problem);
  if (web && (p.ProviderId !== options.oidcProviderId || p.WebIdentityToken !== options.webIdentityToken)) {
    return fail({ code: 'InvalidParameter.WebIdentityTokenError', message: 'The WebIdentityToken or ProviderId is not valid.' });
  }
  const duration = (p.DurationSeconds as number | undefined) ?? StsApi.defaultDurationSeconds;
  const key = temporaryKeys.issue(Math.min(duration, temporaryKeys.lifetimeSeconds));
  return {
    envelope: {
      Response: {
        Credentials: { Token: key.Token, TmpSecretId: key.TmpSecretId, TmpSecretKey: key.TmpSecretKey },
        ExpiredTime: key.ExpiredTime,
        Expiration: key.Expiration,
        RequestId: requestId,
      },
    },
    summary: `STS ${action} → key for ${Math.min(duration, temporaryKeys.lifetimeSeconds)} s`,
  };
}
