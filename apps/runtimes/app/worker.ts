/**
 * The app on Cloudflare Workers (workerd), bundled by wrangler WITHOUT `nodejs_compat`: credentials
 * come from the Worker's `env` bindings, the client IP from `cf-connecting-ip`.
 */
import { createRuntimeApp } from './handler.ts';

let env: Record<string, string | undefined> = {};
const app = createRuntimeApp({ env: () => env, getUserIp: (request) => request.headers.get('cf-connecting-ip') });

export default {
  fetch(request: Request, bindings: Record<string, string | undefined>): Promise<Response> {
    env = bindings;
    return app(request);
  },
};
