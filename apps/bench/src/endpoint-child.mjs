// A trivial Tencent-shaped DescribeCaptchaResult endpoint, in its own process so the parent measures
// only the clients' CPU. It reads each POST body completely and answers a fixed CaptchaCode 1 with a
// fresh RequestId; it checks no signature (the emulator does, and that caps throughput far below what
// the clients can do). Loopback only, port 0, keep-alive.
//
// IPC: sends `{ port }` once listening; answers `{ type: 'cpu' }` with its own `process.cpuUsage()`
// (so the parent can tell when the endpoint, not the client, is the bottleneck); exits on disconnect.
import { createServer } from 'node:http';

let served = 0;
const noop = () => {};

const server = createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'POST', 'content-length': '0' });
    res.end();
    return;
  }
  req.on('data', noop);
  req.on('end', () => {
    const body = `{"Response":{"CaptchaCode":1,"CaptchaMsg":"OK","EvilLevel":0,"GetCaptchaTime":0,"RequestId":"bench-${process.pid}-${(served++).toString(36)}"}}`;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  });
});
// Keep connections open across the pauses between rounds (GC, other clients' rounds).
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;
server.requestTimeout = 0;
server.maxRequestsPerSocket = 0;

server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'listening', port: server.address().port });
});

process.on('message', (message) => {
  if (message?.type === 'cpu') process.send?.({ type: 'cpu', id: message.id, usage: process.cpuUsage(), served });
});
process.on('disconnect', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
