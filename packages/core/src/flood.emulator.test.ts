/**
 * Attack (issue 18 point 5): a junk flood at about 3,000 verifications a second while Tencent (the
 * emulator, in its own process) answers in 50 ms. Before the per-client cap and the round-robin queue, the flood filled
 * the one FIFO queue and legitimate users from other IPs got `overloaded`. Now one client holds at
 * most `maxInFlightPerClient` (16) and waiting requests are served in turn per client. Bounded: 3,000
 * junk verifications per case, loopback only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulatorProcess, type EmulatorProcess } from '../test/helpers/emulator-process.js';
import { createCaptchaVerifier } from './engine/verifier.js';
import type { CaptchaVerdict } from './types/verdict.js';

// The emulator in its own process, as in the report: the flood loads the verifier, not the emulator.
let emulator: EmulatorProcess;
beforeAll(async () => {
  emulator = await startEmulatorProcess(50);
});
afterAll(async () => {
  await emulator.close();
});

const FLOOD = 3000;
const PER_TICK = 30; // every 10 ms: up to 3,000 a second (fewer on a loaded machine)
const USERS = 10;
// 16 connections drain 320 answers a second at 50 ms: any flood faster than that fills the queue,
// whatever the machine's load.
const CONNECTIONS = 16;

/** Floods from `attackerIps` addresses while USERS legitimate users verify solved tickets one after another. */
async function flood(attackerIps: number): Promise<{ legit: CaptchaVerdict[]; junk: CaptchaVerdict[] }> {
  const verifier = createCaptchaVerifier({
    captchaAppId: emulator.appId,
    appSecretKey: emulator.appSecretKey,
    secretId: emulator.secretId,
    secretKey: emulator.secretKey,
    endpoint: emulator.apiUrl,
    env: {},
    logger: false,
    maxConnections: CONNECTIONS,
  });
  const junk: Array<Promise<CaptchaVerdict>> = [];
  const legit: CaptchaVerdict[] = [];
  let n = 0;
  let flooding = true;
  const ticker = setInterval(() => {
    if (n >= FLOOD) {
      flooding = false;
      clearInterval(ticker);
      return;
    }
    for (let i = 0; i < PER_TICK; i++, n++) {
      const ip = `198.51.100.${(n % attackerIps) + 1}`;
      junk.push(verifier.verify({ ticket: `tr03flood${n}AAAA*`, randstr: '@f', userIp: ip }));
    }
  }, 10);
  const user = async (u: number): Promise<void> => {
    // Start once the flood has filled the queue.
    await new Promise((r) => setTimeout(r, 300));
    while (flooding) {
      const t = await emulator.issueTicket();
      legit.push(await verifier.verify({ ticket: t.ticket, randstr: t.randstr, userIp: `203.0.113.${u + 1}` }));
    }
  };
  try {
    await Promise.all(Array.from({ length: USERS }, (_, u) => user(u)));
  } finally {
    clearInterval(ticker);
  }
  const junkVerdicts = await Promise.all(junk);
  await verifier.close();
  return { legit, junk: junkVerdicts };
}

describe('attack: one IP floods the verifier while Tencent is healthy', () => {
  it.each([1, 50])('legitimate users from other IPs keep at least 90 percent success with the flood from %i IP(s)', async (ips) => {
    const { legit, junk } = await flood(ips);
    const ok = legit.filter((v) => v.status === 'verified').length;
    const rate = ok / legit.length;
    console.info(`flood from ${ips} IP(s): ${junk.length} junk verifications, ${junk.filter((v) => v.reason === 'overloaded').length} overloaded; legitimate success ${ok}/${legit.length} (${(rate * 100).toFixed(1)} %)`);
    expect(legit.length).toBeGreaterThanOrEqual(USERS);
    expect(rate).toBeGreaterThanOrEqual(0.9);
    // The flood was real: part of it was refused as overload.
    expect(junk.filter((v) => v.reason === 'overloaded').length).toBeGreaterThan(0);
    expect(junk.filter((v) => v.accepted).length).toBe(0);
  }, 30_000);
});
