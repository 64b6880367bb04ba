/**
 * Starts the app (app/handler.ts) in each runtime from npm and says where it listens: Bun and Deno run
 * their entry directly (TypeScript, core resolved from node_modules as a user's install would);
 * the Worker is bundled by wrangler WITHOUT `nodejs_compat` (a Node built-in in core's import graph
 * fails the bundle) and run by miniflare's workerd.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Miniflare } from 'miniflare';

const appDir = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));

/** A running app. */
export interface RunningApp {
  url: string;
  stop(): Promise<void>;
  /** What the bundler printed, and the bundle itself (workerd only). */
  bundle?: { log: string; code: string };
}

/** One runtime: how to start the app, and which transport the default verifier must pick there. */
export interface Runtime {
  name: string;
  transport: RegExp;
  /** The doctor's connect line: Node's sockets where the runtime has them, else one `fetch`. */
  connect: RegExp;
  start(env: Record<string, string>): Promise<RunningApp>;
  /** Whether the app is bundled (workerd: by wrangler) rather than run from its sources. */
  bundled?: boolean;
  /** Runs core's `tencent-captcha` CLI (its built `dist/cli.js`) in this runtime; none in workerd. */
  cli?(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string }>;
}

/** core's CLI as installed (`bin`: dist/cli.js). */
const coreCli = join(packageDir('@tencent-captcha/core'), 'dist', 'cli.js');

/** Runs a command to its end (at most 30 s) and gives its exit code and stdout. */
function run(command: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: appDir, timeout: 30_000, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        if (code === -1) return reject(new Error(`${command} failed: ${String(error)}\n${stderr}`));
        resolve({ code, stdout });
      },
    );
  });
}

/** Spawns a server that prints `listening <port>`; fails with its output if it exits or is silent for 30 s. */
function spawnServer(command: string, args: string[], env: Record<string, string>): Promise<RunningApp> {
  const child: ChildProcess = spawn(command, args, {
    cwd: appDir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise<RunningApp>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${command} did not start within 30 s:\n${output}`)), 30_000);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const port = /listening (\d+)/.exec(output)?.[1];
      if (!port) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({
        url: `http://127.0.0.1:${port}/`,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout!.on('data', onData);
    // Kept for the failure message; the runtimes also print the verifier's warnings here.
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => fail(new Error(`${command} exited (${code}) before listening:\n${output}`)));
  });
}

/** Bundles app/worker.ts with wrangler (no `nodejs_compat`), as `wrangler deploy` would. */
export async function bundleWorker(outDir: string): Promise<{ scriptPath: string; log: string }> {
  const wrangler = join(packageDir('wrangler'), 'bin', 'wrangler.js');
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', outDir], {
    cwd: appDir,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
  });
  return { scriptPath: join(outDir, 'worker.js'), log: `${stdout}\n${stderr}` };
}

export const RUNTIMES: Runtime[] = [
  {
    name: 'Bun',
    // Bun's `undici` is a stub: the default verifier must send with Bun's own fetch.
    transport: /^fetch \(the runtime's own/,
    connect: /^TCP to 127\.0\.0\.1:\d+ works$/,
    start: (env) => spawnServer(join(packageDir('bun'), 'bin', 'bun.exe'), ['run', 'app/bun.ts'], env),
    cli: (args, env) => run(join(packageDir('bun'), 'bin', 'bun.exe'), ['run', coreCli, ...args], env),
  },
  {
    name: 'Deno',
    // undici really runs on Deno's Node compatibility.
    transport: /^undici$/,
    connect: /^TCP to 127\.0\.0\.1:\d+ works$/,
    start: (env) => spawnServer(join(packageDir('deno'), 'deno'), ['run', '--allow-net=127.0.0.1', '--allow-env', '--allow-read', 'app/deno.ts'], env),
    cli: (args, env) => run(join(packageDir('deno'), 'deno'), ['run', '--allow-net=127.0.0.1', '--allow-env', '--allow-read', coreCli, ...args], env),
  },
  {
    name: 'workerd (wrangler bundle, miniflare)',
    bundled: true,
    transport: /^fetch \(the runtime's own\)$/,
    // No Node built-ins without nodejs_compat: the doctor reaches the endpoint with fetch.
    connect: /^HTTP to 127\.0\.0\.1:\d+ works \(fetch\)$/,
    async start(env) {
      const outDir = await mkdtemp(join(tmpdir(), 'tencent-captcha-worker-'));
      const { scriptPath, log } = await bundleWorker(outDir);
      // The bundle's text as one module (its source map points outside the folder, which workerd refuses).
      const contents = await readFile(scriptPath, 'utf8');
      const mf = new Miniflare({
        modules: [{ type: 'ESModule', path: 'worker.js', contents }],
        compatibilityDate: '2025-07-01',
        bindings: env,
        host: '127.0.0.1',
        port: 0,
      });
      const url = await mf.ready;
      return {
        url: url.href,
        bundle: { log, code: contents },
        async stop() {
          await mf.dispose();
          await rm(outDir, { recursive: true, force: true });
        },
      };
    },
  },
];
