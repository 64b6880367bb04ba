/**
 * Node built-ins for the providers that read files, reached through `process.getBuiltinModule` so
 * that core's import graph keeps no Node built-in (it also runs on Fetch-only runtimes, where these
 * providers then fail with a clear error instead of breaking the bundle).
 */

/** What the providers use of `node:fs/promises`. @internal */
export interface FsLike {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
}

/** `node:fs/promises`, or `null` outside Node. @internal */
export function nodeFs(): FsLike | null {
  return builtin<FsLike>('node:fs/promises');
}

/** The home directory, or `null` outside Node. @internal */
export function homeDir(): string | null {
  const os = builtin<{ homedir(): string }>('node:os');
  try {
    return os ? os.homedir() : null;
  } catch {
    return null;
  }
}

/** `process.env`, or `{}` where there is none. @internal */
export function processEnv(): Record<string, string | undefined> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}

function builtin<T>(id: string): T | null {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    return (proc?.getBuiltinModule?.(id) as T | undefined) ?? null;
  } catch {
    return null;
  }
}
