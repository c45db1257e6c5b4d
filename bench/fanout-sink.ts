/**
 * The fan-out bench's channel API (see bench/fanout.ts), run in a worker thread: an HTTP server on
 * 127.0.0.1 that accepts at most 30 requests in any 1000 ms. A request that would be the 31st within
 * the preceding 1000 ms (counted when its headers arrive) is refused with 429 and `retry_after`, as
 * Telegram does. Times go to the bench as absolute milliseconds (time origin + now).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort } from 'node:worker_threads';

const PER_SECOND = 30;
const WINDOW_MS = 1000;

const accepted: number[] = [];
const arrivals: number[] = [];
/** Per request, in arrival order: the address it was for and whether it was refused (read from its body). */
const requests: { at: number; address: string; refused: boolean }[] = [];
const addresses = new Set<string>();
let firstCpu: NodeJS.CpuUsage | null = null;
let refused = 0;
let oldest = 0;
let waitingFor: number | null = null;

const port = parentPort!;
const absolute = (t: number) => performance.timeOrigin + t;

function handle(req: IncomingMessage, res: ServerResponse): void {
  const at = performance.now();
  arrivals.push(at);
  while (oldest < accepted.length && accepted[oldest]! <= at - WINDOW_MS) oldest++;
  const refuse = accepted.length - oldest >= PER_SECOND;
  if (refuse) refused++;
  else {
    if (accepted.length === 0) firstCpu = process.cpuUsage();
    accepted.push(at);
  }
  const chunks: Buffer[] = [];
  const request = { at, address: '', refused: refuse };
  requests.push(request);
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    try {
      request.address = String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { address?: unknown }).address);
    } catch {
      /* counted anyway */
    }
    res.setHeader('content-type', 'application/json');
    if (refuse) {
      const retryAfter = Math.max(1, Math.ceil((accepted[oldest]! + WINDOW_MS - at) / 1000));
      res.statusCode = 429;
      res.setHeader('retry-after', String(retryAfter));
      res.end(JSON.stringify({ ok: false, error_code: 429, description: 'Too Many Requests', parameters: { retry_after: retryAfter } }));
      return;
    }
    addresses.add(request.address);
    res.end(JSON.stringify({ ok: true, result: { message_id: randomUUID() } }));
    if (waitingFor !== null && accepted.length >= waitingFor) {
      waitingFor = null;
      port.postMessage({ type: 'reached' });
    }
  });
}

const server = createServer(handle);
server.listen(0, '127.0.0.1', () => port.postMessage({ type: 'listening', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/send` }));

port.on('message', (message: { type: 'wait'; count: number } | { type: 'report' } | { type: 'close' }) => {
  if (message.type === 'wait') {
    if (accepted.length >= message.count) port.postMessage({ type: 'reached' });
    else waitingFor = message.count;
  } else if (message.type === 'report') {
    port.postMessage({ type: 'report', accepted: accepted.map(absolute), arrivals: arrivals.map(absolute), requests: requests.map((r) => ({ ...r, at: absolute(r.at) })), distinct: addresses.size, refused, firstCpu });
  } else {
    server.closeAllConnections();
    server.close(() => port.postMessage({ type: 'closed' }));
  }
});
