// The legacy `003` API (protocol.md §4). Implemented after the modern API and SDK.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext } from '../context.js';

/** Creates the legacy routes of one emulator. @internal */
export function createLegacyRoutes(_ctx: EmulatorContext) {
  return {
    /** Handles `/v2/index.php` and the legacy script; `undefined` for other paths. */
    async handle(_req: IncomingMessage, _res: ServerResponse, _url: URL, _headers: Record<string, string>): Promise<string | undefined> {
      return undefined;
    },
  };
}
