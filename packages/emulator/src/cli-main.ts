/**
 * The `tencent-captcha-emulator` command: starts an emulator for humans and prints its URLs and
 * the (demo) credentials it accepts.
 */
import { parseArgs } from 'node:util';
import { createEmulator, type Emulator } from './emulator.js';
import type { EmulatorOptions } from './options.js';

/** Default port of the CLI (tests should use `createEmulator({ port: 0 })`). */
export const CLI_DEFAULT_PORT = 8790;

const HELP = `Usage: tencent-captcha-emulator [options]
       npx @tencent-captcha/emulator [options]   (not installed: the scoped name)

An offline Tencent Cloud Captcha: browser SDK, DescribeCaptchaResult (TC3) and the legacy v2 API.

Options:
  --port <n>             port to listen on (env PORT; default ${CLI_DEFAULT_PORT}; 0 = any free port)
  --host <addr>          interface to listen on (env HOST; default 127.0.0.1)
  --app-id <digits>      CaptchaAppId to accept (default: the demo app id)
  --app-secret-key <s>   AppSecretKey to accept (default: the demo key)
  --secret-id <s>        API SecretId to accept (default: the demo id)
  --secret-key <s>       API SecretKey to accept (default: the demo key)
  --require-aid-encrypted  refuse show() without a valid aidEncrypted (errorCode 1006)
  --temporary-key-lifetime <s>  lifetime of the metadata service's and STS's temporary keys (default 7200)
  --quiet                do not log requests
  -h, --help             show this help
`;

/** Where the CLI writes. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
}

/** Parses the command line into emulator options; `help` when the user asked for it. */
export function parseCliArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): { help: true } | { help: false; options: EmulatorOptions; quiet: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'app-id': { type: 'string' },
      'app-secret-key': { type: 'string' },
      'secret-id': { type: 'string' },
      'secret-key': { type: 'string' },
      'require-aid-encrypted': { type: 'boolean' },
      'temporary-key-lifetime': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };
  const portText = values.port ?? env.PORT;
  const port = portText === undefined || portText === '' ? CLI_DEFAULT_PORT : Number(portText);
  const options: EmulatorOptions = { port, host: values.host ?? (env.HOST || '127.0.0.1') };
  if (values['app-id'] !== undefined) options.appId = values['app-id'];
  if (values['app-secret-key'] !== undefined) options.appSecretKey = values['app-secret-key'];
  if (values['secret-id'] !== undefined) options.secretId = values['secret-id'];
  if (values['secret-key'] !== undefined) options.secretKey = values['secret-key'];
  if (values['require-aid-encrypted']) options.requireAidEncrypted = true;
  if (values['temporary-key-lifetime'] !== undefined) options.temporaryKeyLifetimeSeconds = Number(values['temporary-key-lifetime']);
  return { help: false, options, quiet: values.quiet ?? false };
}

/** The banner printed at start: URLs and the credentials the emulator accepts. */
export function describeEmulator(emulator: Emulator): string {
  return `Tencent Captcha emulator listening on ${emulator.url}

  Try it        ${emulator.url}/
  SDK           ${emulator.sdkUrls.TCaptcha}  (also /TJCaptcha.js, /TJNCaptcha-global.js)
  API (TC3)     POST ${emulator.apiUrl}  (official SDK: endpoint '${emulator.apiEndpoint}', protocol 'http://')
  Legacy API    ${emulator.legacyApiUrl}
  Faults        ${emulator.controlUrl}/faults  (GET / POST / DELETE, JSON)
  CVM metadata  ${emulator.temporaryKeys.metadataUrl}  (role ${emulator.temporaryKeys.cvmRoleName}; STS on POST ${emulator.apiUrl})

Credentials it accepts (demo values unless you set others; never use them for anything real):
  CaptchaAppId  ${emulator.appId}
  AppSecretKey  ${emulator.appSecretKey}
  SecretId      ${emulator.secretId}
  SecretKey     ${emulator.secretKey}

For @tencent-captcha/core, /koa and /nestjs (they read these variables), in the shell of your server:
  export TENCENT_CAPTCHA_ENDPOINT=${emulator.apiUrl}
  export TENCENT_CAPTCHA_APP_ID=${emulator.appId}
  export TENCENT_CAPTCHA_APP_SECRET_KEY=${emulator.appSecretKey}
  export TENCENTCLOUD_SECRET_ID=${emulator.secretId}
  export TENCENTCLOUD_SECRET_KEY=${emulator.secretKey}
`;
}

/** Runs the CLI; resolves with the running emulator (or `undefined` after `--help` or an error). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<Emulator | undefined> {
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(argv, io.env);
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return undefined;
  }
  if (parsed.help) {
    io.out(HELP);
    return undefined;
  }
  const options: EmulatorOptions = parsed.quiet ? parsed.options : { ...parsed.options, logger: (line) => io.out(`${new Date().toISOString()} ${line}`) };
  try {
    const emulator = await createEmulator(options);
    io.out(describeEmulator(emulator));
    return emulator;
  } catch (error) {
    io.err(`Could not start the emulator: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
