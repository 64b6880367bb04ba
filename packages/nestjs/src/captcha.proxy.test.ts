/**
 * Proxy trust: the user IP is the platform's `req.ip`, so Express's `trust proxy` / Fastify's
 * `trustProxy` alone decide whether `X-Forwarded-For` counts. What the verifier sees is observed
 * through core's `onVerdict` hook, and the consequence through core's per-IP budget.
 *
 * Behind an appending proxy (like nginx's `$proxy_add_x_forwarded_for`) configured as the README says,
 * spoofed leftmost values do not buy more than the healthy per-IP budget of forged disaster tickets;
 * trusting every hop does (the control), and the module warns about it at start-up.
 */
import 'reflect-metadata';
import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, HttpCode, Post, type INestApplication, type LoggerService } from '@nestjs/common';
import type { VerdictEvent } from '@tencent-captcha/core';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CaptchaVerdict, RequireCaptcha } from './captcha.decorators.js';
import { CaptchaModule } from './captcha.module.js';
import { PLATFORMS, emulatorVerifierOptions, startApp, type Platform } from './test-support.js';

@Controller()
class CommentController {
  @Post('comment')
  @HttpCode(200)
  @RequireCaptcha({ mode: 'open' })
  comment(@CaptchaVerdict() verdict: CaptchaVerdict) {
    return { verdict };
  }
}

let emulator: Emulator;
beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await emulator?.close();
});

describe.each(PLATFORMS)('user IP on %s', (platform) => {
  let app: INestApplication | undefined;
  let seen: VerdictEvent[];
  const http = () => request(app!.getHttpServer());
  const solve = () => {
    const { ticket, randstr } = emulator.issueTicket();
    return { 'tencent-captcha-ticket': ticket, 'tencent-captcha-randstr': randstr };
  };
  const start = async (trustProxy: boolean) => {
    app = await startApp(platform, {
      trustProxy,
      imports: [
        CaptchaModule.forRoot({
          verifier: emulatorVerifierOptions(emulator, {
            // One degraded acceptance per client IP while Tencent is down (mode `open`).
            budgets: { perIp: 1, global: 100, outagePerIp: 1, outageGlobal: 100 },
            hooks: { onVerdict: (event) => void seen.push(event) },
          }),
        }),
      ],
      controllers: [CommentController],
    });
  };

  beforeEach(() => {
    seen = [];
  });
  afterEach(async () => {
    emulator.faults.clear();
    await app?.close();
    app = undefined;
  });

  it('ignores a spoofed X-Forwarded-For when the proxy is not trusted', async () => {
    await start(false);
    await http().post('/comment').set('X-Forwarded-For', '203.0.113.9').send(solve()).expect(200);
    expect(seen.map((e) => e.userIp)).toEqual(['127.0.0.1']);

    // So rotating the header does not buy a second degraded acceptance.
    emulator.faults.set('api', { kind: 'internal-error' });
    const first = await http().post('/comment').set('X-Forwarded-For', '198.51.100.1').send(solve()).expect(200);
    expect(first.body.verdict).toMatchObject({ status: 'degraded', accepted: true });
    const second = await http().post('/comment').set('X-Forwarded-For', '198.51.100.2').send(solve()).expect(503);
    expect(second.body.code).toBe('budget_exhausted');
    expect(seen.map((e) => e.userIp)).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
  });

  it('uses the X-Forwarded-For client when the proxy is trusted', async () => {
    await start(true);
    await http().post('/comment').set('X-Forwarded-For', '203.0.113.9').send(solve()).expect(200);
    expect(seen.map((e) => e.userIp)).toEqual(['203.0.113.9']);

    emulator.faults.set('api', { kind: 'internal-error' });
    await http().post('/comment').set('X-Forwarded-For', '198.51.100.1').send(solve()).expect(200);
    await http().post('/comment').set('X-Forwarded-For', '198.51.100.2').send(solve()).expect(200);
    const again = await http().post('/comment').set('X-Forwarded-For', '198.51.100.1').send(solve()).expect(503);
    expect(again.body.code).toBe('budget_exhausted');
    expect(seen.map((e) => e.userIp)).toEqual(['203.0.113.9', '198.51.100.1', '198.51.100.2', '198.51.100.1']);
  });
});

describe.each(PLATFORMS)('proxy address forms on %s', (platform) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it.each([
    ['203.0.113.7:4711', '203.0.113.7'],
    ['[2001:db8::7]', '2001:db8::7'],
    ['[2001:db8::7]:443', '2001:db8::7'],
    ['fe80::7%eth0', 'fe80::7'],
  ])('reads %s as the address it names (not user_ip_invalid)', async (sent, expected) => {
    const seen: VerdictEvent[] = [];
    app = await startApp(platform, {
      trustProxy: true,
      imports: [CaptchaModule.forRoot({ verifier: emulatorVerifierOptions(emulator, { hooks: { onVerdict: (event) => void seen.push(event) } }) })],
      controllers: [CommentController],
    });
    const { ticket, randstr } = emulator.issueTicket();
    await request(app.getHttpServer())
      .post('/comment')
      .set('X-Forwarded-For', sent)
      .send({ 'tencent-captcha-ticket': ticket, 'tencent-captcha-randstr': randstr })
      .expect(200);
    expect(seen.map((e) => e.userIp)).toEqual([expected]);
  });
});

/** Core's default number of degraded acceptances per client IP per window while Tencent is healthy. */
const HEALTHY_PER_IP = 3;
/** Forged disaster tickets the attacker sends, each with a new spoofed leftmost X-Forwarded-For. */
const FORGED = 12;
/** The attacker's own address: a loopback address other than the proxy's 127.0.0.1. */
const CLIENT_ADDRESS = '127.0.0.2';

/** How each platform is told "one proxy, at 127.0.0.1, sits in front" — as the README says. */
const TRUST_ONE_PROXY: Record<Platform, number | string> = {
  // Express: a hop count.
  express: 1,
  // Fastify (5.12) ignores hop counts (a number trusts nobody): the proxy's address.
  fastify: '127.0.0.1',
};

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/**
 * A reverse proxy that appends the address of its client to X-Forwarded-For, keeping what the client
 * sent (nginx's `$proxy_add_x_forwarded_for`), and forwards to `targetPort`.
 */
function startAppendingProxy(targetPort: number): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const sent = req.headers['x-forwarded-for'];
    const prior = Array.isArray(sent) ? sent.join(', ') : sent;
    const forwardedFor = prior ? `${prior}, ${req.socket.remoteAddress}` : String(req.socket.remoteAddress);
    const upstream = httpRequest(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-for': forwardedFor }, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return listen(server).then((port) => ({ server, port }));
}

/** POSTs JSON to the proxy from {@link CLIENT_ADDRESS}, with a forged X-Forwarded-For. */
function postThroughProxy(port: number, body: object, forwardedFor: string): Promise<{ status: number; body: { code?: string } }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        localAddress: CLIENT_ADDRESS,
        method: 'POST',
        path: '/comment-adaptive',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-forwarded-for': forwardedFor },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { code?: string } }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

@Controller()
class AdaptiveCommentController {
  @Post('comment-adaptive')
  @HttpCode(200)
  @RequireCaptcha()
  comment() {
    return { ok: true };
  }
}

/** Collects what Nest's Logger writes. */
function recordingLogger(): LoggerService & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, log() {}, error() {}, warn: (message: unknown) => void warnings.push(String(message)), debug() {}, verbose() {} };
}

describe.each(PLATFORMS)('behind an appending proxy on %s', (platform) => {
  let app: INestApplication | undefined;
  let proxy: Server | undefined;
  let seen: VerdictEvent[];
  let sequence = 0;

  const start = async (trustProxy: boolean | number | string, logger = recordingLogger()) => {
    seen = [];
    app = await startApp(platform, {
      trustProxy,
      logger,
      imports: [
        CaptchaModule.forRoot({
          // Core's default budgets: 3 degraded acceptances per IP, 30 in all, while Tencent is healthy.
          verifier: emulatorVerifierOptions(emulator, { budgets: {}, hooks: { onVerdict: (event) => void seen.push(event) } }),
        }),
      ],
      controllers: [AdaptiveCommentController],
    });
    await app.listen(0, '127.0.0.1');
    const started = await startAppendingProxy((app.getHttpServer().address() as AddressInfo).port);
    proxy = started.server;
    return { port: started.port, logger };
  };

  /** The attacker: forged disaster tickets (Tencent is healthy), a new spoofed leftmost address each. */
  const attack = async (port: number) => {
    const statuses: number[] = [];
    for (let i = 1; i <= FORGED; i += 1) {
      const forged = {
        'tencent-captcha-ticket': `trerror_1001_${emulator.appId}_${Math.floor(Date.now() / 1000)}`,
        'tencent-captcha-randstr': `@spoof${platform}${(sequence += 1)}`,
      };
      statuses.push((await postThroughProxy(port, forged, `198.51.100.${i}, 203.0.113.${i}`)).status);
    }
    return statuses;
  };

  afterEach(async () => {
    if (proxy) await close(proxy);
    await app?.close();
    proxy = undefined;
    app = undefined;
  });

  it(`holds the per-IP budget (${HEALTHY_PER_IP}) against spoofed X-Forwarded-For when trusting exactly the one proxy`, async () => {
    const { port, logger } = await start(TRUST_ONE_PROXY[platform]);
    const statuses = await attack(port);
    expect(statuses.filter((status) => status === 200)).toHaveLength(HEALTHY_PER_IP);
    expect(statuses.slice(HEALTHY_PER_IP).every((status) => status === 503)).toBe(true);
    // The verifier saw the address the proxy appended, never a spoofed one.
    expect(new Set(seen.map((event) => event.userIp))).toEqual(new Set([CLIENT_ADDRESS]));
    expect(logger.warnings.filter((w) => w.includes('X-Forwarded-For'))).toEqual([]);
  });

  it('lets every spoofed address spend a budget of its own when trusting every hop (control), and warns once at start-up', async () => {
    const { port, logger } = await start(true);
    const statuses = await attack(port);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(HEALTHY_PER_IP);
    expect(seen[0]?.userIp).toBe('198.51.100.1');
    // (The verifier's own rate-limited lines — here the first degraded acceptance — go through Nest's Logger too.)
    const adapterWarnings = logger.warnings.filter((w) => !w.startsWith('[tencent-captcha]'));
    expect(adapterWarnings).toEqual([expect.stringMatching(platform === 'express' ? /Express 'trust proxy' is true/ : /Fastify trustProxy is true/)]);
  });
});
