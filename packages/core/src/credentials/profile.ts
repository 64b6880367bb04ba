/**
 * `fromProfile()`: the key in Tencent Cloud's credentials file, as the official SDK's
 * `ProfileCredential` reads it — `~/.tencentcloud/credentials`, else `/etc/tencentcloud/credentials`,
 * an INI file whose section (`[default]` unless told) holds `secret_id`, `secret_key` and, for a
 * temporary key, `token`:
 *
 * ```ini
 * [default]
 * secret_id = AKID…
 * secret_key = …
 * ```
 *
 * The file is read at every call (the verifier calls every 10 s), so a rotated file is followed.
 */
import { homeDir, nodeFs } from './node-builtins.js';
import type { CredentialProvider } from './types.js';

/** Where {@link fromProfile} looks, in order, when no `path` is given (the official SDK's). */
export const PROFILE_PATHS = {
  /** Joined to the home directory. */
  user: '.tencentcloud/credentials',
  system: '/etc/tencentcloud/credentials',
} as const;

/** Options of {@link fromProfile}. */
export interface FromProfileOptions {
  /** The file. @default ~/.tencentcloud/credentials, else /etc/tencentcloud/credentials */
  path?: string;
  /** The section. @default 'default' */
  profile?: string;
}

/** Parses an INI text into sections of key → value. @internal */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (section) {
      current = sections.get(section[1]!) ?? new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || !current) continue;
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) value = value.slice(1, -1);
    current.set(line.slice(0, eq).trim(), value);
  }
  return sections;
}

const errorCode = (error: unknown): string | undefined => (error as { code?: unknown })?.code as string | undefined;

/**
 * A provider of the key in Tencent Cloud's credentials file. Fails (naming the file and section,
 * never a value) when the file cannot be read or lacks `secret_id` / `secret_key`.
 *
 * @example
 * ```ts
 * import { createCaptchaVerifier, fromProfile } from '@tencent-captcha/core';
 * const verifier = createCaptchaVerifier({ credentials: fromProfile({ profile: 'captcha' }) });
 * ```
 */
export function fromProfile(options: FromProfileOptions = {}): CredentialProvider {
  const section = options.profile ?? 'default';
  return {
    providerName: 'profile',
    async getCredential() {
      const fs = nodeFs();
      if (!fs) throw new Error('reading a credentials file needs Node.js (node:fs)');
      const home = homeDir();
      const candidates = options.path !== undefined ? [options.path] : [...(home ? [`${home}/${PROFILE_PATHS.user}`] : []), PROFILE_PATHS.system];
      let text: string | undefined;
      let file = candidates[0]!;
      for (const candidate of candidates) {
        file = candidate;
        try {
          text = await fs.readFile(candidate, 'utf8');
          break;
        } catch (error) {
          if (errorCode(error) !== 'ENOENT' || candidate === candidates[candidates.length - 1]) {
            throw new Error(`cannot read ${candidate} (${errorCode(error) ?? 'error'})`);
          }
        }
      }
      const values = parseIni(text ?? '').get(section);
      const secretId = values?.get('secret_id');
      const secretKey = values?.get('secret_key');
      if (!secretId || !secretKey) throw new Error(`${file} has no secret_id and secret_key in [${section}]`);
      const token = values?.get('token');
      return token ? { secretId, secretKey, token } : { secretId, secretKey };
    },
  };
}
