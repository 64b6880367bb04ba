import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { EmulatorContext } from './context.js';
import { createFaultQueues } from './faults.js';
import { browserAssetDir, BOOT_PLACEHOLDER } from './sdk-assets.js';
import { serveScriptWithFaults } from './sdk-routes.js';
import { rawRequest } from './testing/http-client.js';

describe('browser assets', () => {
  it('are read from dist/browser of the package root, also when running from src/', () => {
    expect(browserAssetDir()).toMatch(/packages\/emulator\/dist\/browser$/);
    expect(BOOT_PLACEHOLDER).toBe('"__TENCENT_CAPTCHA_EMULATOR_BOOT__"');
  });

  it('a missing bundle answers 500 with a script that says to run the build', async () => {
    const ctx = { faults: createFaultQueues(), delay: async () => true } as unknown as EmulatorContext;
    const server = createServer((req, res) => void serveScriptWithFaults(ctx, req, res, {}, () => undefined, 'tcaptcha.js'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const res = await rawRequest(`http://127.0.0.1:${(server.address() as AddressInfo).port}/TCaptcha.js`);
      expect(res.status).toBe(500);
      expect(res.headers['content-type']).toMatch(/^application\/javascript/);
      expect(res.text).toContain('Run the build');
      expect(res.text).toContain('dist/browser/tcaptcha.js');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
