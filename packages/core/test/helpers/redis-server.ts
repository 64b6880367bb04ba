/**
 * Real `redis-server` processes for fault tests: each on its own free loopback port, no persistence,
 * killed by the test (always, in `afterAll`). A Redis Cluster of three masters is built with
 * `redis-cli --cluster create`. When the binaries are missing the suites skip with a printed reason.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

function version(binary: string): string | null {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout : null;
}

const serverVersion = version('redis-server');
const cliVersion = version('redis-cli');

/** Why the real-server suites cannot run here, or `null` when they can. */
export const redisServerMissing: string | null = serverVersion ? null : 'redis-server is not installed (apt-get install redis-server)';
/** Why the cluster suites cannot run here, or `null` when they can. */
export const redisClusterMissing: string | null = redisServerMissing ?? (cliVersion ? null : 'redis-cli is not installed (apt-get install redis-tools)');

const major = Number(/v=(\d+)/.exec(serverVersion ?? '')?.[1] ?? 0);

// Belt and braces: should a test worker exit without its afterAll, its servers die with it.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A free TCP port on 127.0.0.1 (listen on port 0, then close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** Sends one inline command and resolves with the raw reply (enough for PING and health checks). */
export function rawCommand(port: number, command: string, timeoutMs = 500): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer from 127.0.0.1:${port}`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      const bulk = /^\$(\d+)\r\n/.exec(data);
      const complete = bulk ? data.length >= bulk[0].length + Number(bulk[1]) + 2 : data.endsWith('\r\n');
      if (complete) {
        clearTimeout(timer);
        socket.end();
        resolve(data);
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One redis-server process on a fixed port that can be killed, paused and started again. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Whether a process is running (possibly paused). */
  readonly running: boolean;
  /** Starts the process (again) on the same port and waits until it answers PING. */
  start(): Promise<void>;
  /** Kills the process with `signal` (SIGKILL: it dies with everything it held) and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGSTOP / SIGCONT: the socket stays open but nothing is read or answered. */
  pause(): void;
  resume(): void;
}

/** Creates (not starts) a redis-server on a free port; `extraArgs` are appended to the command line. */
export async function createRedisServer(options: { extraArgs?: (port: number) => string[]; dir?: string } = {}): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--save', '',
    '--appendonly', 'no',
    ...(major >= 7 ? ['--enable-debug-command', 'yes'] : []),
    ...(options.dir ? ['--dir', options.dir] : []),
    ...(options.extraArgs?.(port) ?? []),
  ];
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return child !== undefined;
    },
    async start() {
      if (child) throw new Error('already running');
      const started = spawn('redis-server', args, { stdio: 'ignore' });
      child = started;
      live.add(started);
      exited = new Promise((resolve) => started.once('exit', () => resolve()));
      void exited.then(() => live.delete(started));
      void exited.then(() => {
        if (child === started) child = undefined;
      });
      await waitFor(async () => (await rawCommand(port, 'PING')).startsWith('+PONG'), `redis-server on port ${port}`);
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      const current = child;
      if (!current) return;
      // SIGKILL ends a paused process as it is; any other signal waits for SIGCONT.
      current.kill(signal);
      if (signal !== 'SIGKILL') current.kill('SIGCONT');
      await exited;
      child = undefined;
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
  };
  return server;
}

/** Starts a redis-server and resolves once it answers. */
export async function startRedisServer(options: { extraArgs?: (port: number) => string[] } = {}): Promise<RedisServer> {
  const server = await createRedisServer(options);
  await server.start();
  return server;
}

/** Three masters (no replicas) forming one Redis Cluster. */
export interface RedisCluster {
  readonly nodes: readonly RedisServer[];
  /** Waits until every node reports `cluster_state:ok` (after a node was restarted, for example). */
  waitUntilOk(): Promise<void>;
  /** Kills every node and removes the config directory. */
  stop(): Promise<void>;
}

/** Starts three cluster-enabled servers, joins them with `redis-cli --cluster create`, waits for `cluster_state:ok`. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'tc-redis-cluster-'));
  const nodes: RedisServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 3; i++) {
      nodes.push(
        await createRedisServer({
          dir,
          extraArgs: (port) => ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '2000'],
        }),
      );
    }
    await Promise.all(nodes.map((n) => n.start()));
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 15_000 });
    const waitUntilOk = async (): Promise<void> => {
      for (const n of nodes) {
        await waitFor(async () => (await rawCommand(n.port, 'CLUSTER INFO')).includes('cluster_state:ok'), `cluster_state:ok on ${n.port}`, 15_000);
      }
    };
    await waitUntilOk();
    return { nodes, stop, waitUntilOk };
  } catch (error) {
    await stop();
    throw error;
  }
}
