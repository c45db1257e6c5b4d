import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A round-robin HTTP load balancer in front of several service instances, as
 * a webhook URL would point at in production: each request goes to the next
 * instance, with its method, path, headers and body.
 */
export class LoadBalancer {
  targets: string[] = [];
  url = '';
  readonly served = new Map<string, number>();
  private next = 0;
  private readonly server: Server;

  constructor() {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const target = this.targets[this.next++ % Math.max(1, this.targets.length)];
      if (!target) return void res.writeHead(502).end();
      this.served.set(target, (this.served.get(target) ?? 0) + 1);
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k))) as Record<string, string>;
      try {
        const response = await fetch(`${target}${req.url}`, { method: req.method!, headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) });
        const body = Buffer.from(await response.arrayBuffer());
        res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'text/plain' }).end(body);
      } catch {
        res.writeHead(502).end();
      }
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
