/**
 * The emulator in its own Node process, so a load test measures the verifier and not the emulator
 * sharing its event loop. Runs the emulator's build (`dist`, made by turbo's `^build` before the
 * tests), on 127.0.0.1 port 0, with an optional latency on every API answer.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** The emulator process and what a verifier needs to reach it. */
export interface EmulatorProcess {
  appId: number;
  appSecretKey: string;
  secretId: string;
  secretKey: string;
  apiUrl: string;
  /** The emulator's control endpoint (`/__emulator`): faults over HTTP. */
  controlUrl: string;
  /** Issues a ticket as a solved challenge would (over the emulator's control endpoint). */
  issueTicket(): Promise<{ ticket: string; randstr: string }>;
  close(): Promise<void>;
}

/** Starts the emulator in a child process. */
export async function startEmulatorProcess(latencyMs: number): Promise<EmulatorProcess> {
  // The workspace's emulator build (the package's `source` export condition points at TypeScript).
  const entry = new URL('../../../emulator/dist/index.js', import.meta.url).href;
  const script = `
    const { createEmulator } = await import(${JSON.stringify(entry)});
    const e = await createEmulator({ port: 0, host: '127.0.0.1' });
    if (${latencyMs} > 0) e.faults.set('api', { kind: 'latency', ms: ${latencyMs} });
    process.stdout.write(JSON.stringify({ appId: e.appId, appSecretKey: e.appSecretKey, secretId: e.secretId, secretKey: e.secretKey, apiUrl: e.apiUrl, controlUrl: e.controlUrl }) + '\\n');
    process.stdin.on('end', () => e.close().then(() => process.exit(0)));
    process.stdin.resume();
  `;
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const info = await new Promise<Record<string, string>>((resolve, reject) => {
    let text = '';
    child.once('exit', (code) => reject(new Error(`the emulator process exited (${code})`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const nl = text.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(text.slice(0, nl)) as Record<string, string>);
    });
  });
  return {
    appId: Number(info['appId']),
    appSecretKey: info['appSecretKey']!,
    secretId: info['secretId']!,
    secretKey: info['secretKey']!,
    apiUrl: info['apiUrl']!,
    controlUrl: info['controlUrl']!,
    async issueTicket() {
      const res = await fetch(`${info['controlUrl']}/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return (await res.json()) as { ticket: string; randstr: string };
    },
    async close() {
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
