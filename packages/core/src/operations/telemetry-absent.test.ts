import { describe, expect, it, vi } from 'vitest';
import { CREDENTIALS, ENDPOINT, createFakeTencent } from '../../test/helpers/fake-tencent.js';

// As if the optional peer were not installed: importing it fails.
vi.mock('@opentelemetry/api', () => {
  throw Object.assign(new Error("Cannot find package '@opentelemetry/api'"), { code: 'ERR_MODULE_NOT_FOUND' });
});

describe('without @opentelemetry/api', () => {
  it('loads nothing and verifies as usual', async () => {
    const { loadOpenTelemetryApi } = await import('./telemetry.js');
    const { createCaptchaVerifier } = await import('../engine/verifier.js');
    await expect(loadOpenTelemetryApi()).resolves.toBe(false);
    const tencent = createFakeTencent();
    const verifier = createCaptchaVerifier({ ...CREDENTIALS, endpoint: ENDPOINT, fetch: tencent.fetch, logger: false });
    await expect(verifier.verify({ ticket: 't', randstr: 'r', userIp: '203.0.113.7' }, { traceHeaders: { traceparent: 'x' } })).resolves.toMatchObject({ status: 'verified' });
    await verifier.close();
  });
});
