/**
 * Where the example finds the SDK: `?sdk=<script URL>&app-id=<CaptchaAppId>`, defaulting to the
 * emulator CLI (`pnpm --filter @tencent-captcha/emulator start`, port 8790) and its demo app id.
 */
export function exampleConfig(search: string): { sdk: string; appId: string } {
  const params = new URLSearchParams(search);
  return {
    sdk: params.get('sdk') || 'http://127.0.0.1:8790/TCaptcha.js',
    appId: params.get('app-id') || '189990000',
  };
}
