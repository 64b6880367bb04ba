/**
 * Where the example finds the SDK and its server: `?sdk=<script URL>&app-id=<CaptchaAppId>&api=<login URL>`,
 * defaulting to the emulator CLI (`pnpm --filter @tencent-captcha/emulator start`, port 8790), its demo
 * app id, and `api/login` next to the page (the e2e suite serves one that verifies with core).
 */
export function exampleConfig(search: string): { sdk: string; appId: string; api: string } {
  const params = new URLSearchParams(search);
  return {
    api: params.get('api') || 'api/login',
    sdk: params.get('sdk') || 'http://127.0.0.1:8790/TCaptcha.js',
    appId: params.get('app-id') || '189990000',
  };
}

/** What the example's server answers for a login: core's verdict, and the fields it received. */
export interface LoginAnswer {
  status: string;
  reason: string;
  accepted: boolean;
  fields: Record<string, string>;
}

/** Posts the form's fields (the element's ticket and randstr among them) and reads the verdict. */
export async function postLogin(api: string, body: FormData): Promise<LoginAnswer> {
  const res = await fetch(api, { method: 'POST', body });
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) return { status: 'error', reason: `HTTP ${res.status}`, accepted: false, fields: {} };
  return (await res.json()) as LoginAnswer;
}
