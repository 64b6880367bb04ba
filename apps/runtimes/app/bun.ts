/** The app on Bun: `Bun.serve`, the client IP from `server.requestIP`. Prints `listening <port>`. */
import { createRuntimeApp } from './handler.ts';

interface BunServer {
  port: number;
  requestIP(request: Request): { address: string } | null;
}
declare const Bun: {
  env: Record<string, string | undefined>;
  serve(options: { port: number; hostname: string; fetch(request: Request): Promise<Response> }): BunServer;
};

const app = createRuntimeApp({ env: () => Bun.env, getUserIp: (request) => server.requestIP(request)?.address });
const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: app });
console.log(`listening ${server.port}`);
