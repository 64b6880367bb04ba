/** The app on Deno: `Deno.serve`, the client IP from the connection info. Prints `listening <port>`. */
import { createRuntimeApp } from './handler.ts';

declare const Deno: {
  env: { toObject(): Record<string, string> };
  serve(
    options: { port: number; hostname: string; onListen(address: { port: number }): void },
    handler: (request: Request, info: { remoteAddr: { hostname: string } }) => Promise<Response>,
  ): unknown;
};

const ips = new WeakMap<Request, string>();
const app = createRuntimeApp({ env: () => Deno.env.toObject(), getUserIp: (request) => ips.get(request) });
Deno.serve(
  { port: 0, hostname: '127.0.0.1', onListen: ({ port }) => console.log(`listening ${port}`) },
  (request, info) => {
    ips.set(request, info.remoteAddr.hostname);
    return app(request);
  },
);
