import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isolate } from '../core/index.js';
import { createPostgresDatabase } from './support/databases.js';
import { text } from './support/locale-text.js';
import { startFailing, startService, type ServiceProcess } from './support/service-process.js';
import { WebChatClient } from './support/web-chat-client.js';

const running: ServiceProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const s of running) s.child.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'helferruf-service-'));
  dirs.push(dir);
  return dir;
}

async function start(env: Record<string, string>) {
  const service = await startService(env);
  running.push(service);
  return service;
}

describe('the service on the embedded database', () => {
  it('creates its data directory, migrates it and tells where to open the chat', async () => {
    const dir = join(dataDir(), 'data');
    const service = await start({ DATA_DIR: dir });
    expect(service.output()).toContain('applied migration');
    expect(service.output()).toMatch(/Open the web chat at http:\/\/127\.0\.0\.1:\d+/);
    const health = await fetch(`${service.url}/readyz`);
    expect(await health.json()).toEqual({ status: 'ready' });
    expect(service.output()).toContain('Matrix is off');
    const page = await fetch(`${service.url}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toMatch(/role="log"[^>]*>\s*<ol id="log">/);
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });

  it('resumes a registration exactly where it was after the process was killed', async () => {
    const dir = dataDir();
    const first = await start({ DATA_DIR: dir });
    const chat = new WebChatClient(first.url);
    await chat.open();
    await chat.tap('fa');
    await chat.tap('agree');
    await chat.say('Sara');
    await chat.say('Rahimi');
    expect(chat.question).toBe(text('fa', 'registration:ask.email'));
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await start({ DATA_DIR: dir });
    chat.baseUrl = second.url;
    await chat.open();
    expect(chat.view).toMatchObject({ locale: 'fa', dir: 'rtl' });
    expect(chat.said).toBe(text('fa', 'conversation:resumed'));
    expect(chat.question).toBe(text('fa', 'registration:ask.email'));
    await chat.say('sara@example.org');
    await chat.tap('skip');
    await chat.say('Kassel');
    await chat.tap('5');
    await chat.pick(['childcare']);
    await chat.pick(['fa', 'de']);
    await chat.tap('2');
    await chat.tap('skip');
    expect(chat.question).toContain(`${isolate('fa', 'Sara')} ${isolate('fa', 'Rahimi')}`);
    expect(chat.question).toContain(isolate('fa', 'sara@example.org'));
    await chat.tap('confirm');
    expect(chat.said).toBe(text('fa', 'registration:done', { firstName: 'Sara' }));
    second.child.kill('SIGTERM');
    await second.exited;
  });

  it('refuses a second process on the same data directory with a clear message', async () => {
    const dir = dataDir();
    const first = await start({ DATA_DIR: dir });
    const second = await startFailing({ DATA_DIR: dir, PORT: '0' });
    expect(second.code).toBe(3);
    expect(second.output).toContain(`is already using the data directory ${dir}`);
    expect(second.output).toContain('set DATABASE_URL');
    // The first one is unharmed.
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    first.child.kill('SIGTERM');
    await first.exited;
  });

  it('stops at start-up with a sentence naming a wrong variable', async () => {
    const bad = await startFailing({ DATA_DIR: dataDir(), PORT: 'abc' });
    expect(bad.code).toBe(2);
    expect(bad.output).toContain('PORT must be a port number (got "abc")');
    const url = await startFailing({ DATABASE_URL: 'mysql://x', PORT: '0' });
    expect(url.code).toBe(2);
    expect(url.output).toContain('DATABASE_URL must be a PostgreSQL URL');
  });

  it('stops at start-up when the homeserver refuses the Matrix access token', async () => {
    // A homeserver answering as Synapse does for an expired or wrong token.
    const homeserver = createServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ errcode: 'M_UNKNOWN_TOKEN', error: 'Invalid access token passed.', soft_logout: false }));
    });
    await new Promise<void>((resolve) => homeserver.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = homeserver.address() as AddressInfo;
      const refused = await startFailing({ DATA_DIR: dataDir(), PORT: '0', MATRIX_HOMESERVER_URL: `http://127.0.0.1:${port}`, MATRIX_ACCESS_TOKEN: 'syt_expired_token' });
      expect(refused.code).toBe(2);
      expect(refused.output).toContain('MATRIX_ACCESS_TOKEN was refused by the homeserver');
    } finally {
      homeserver.close();
    }
    // The service migrates its fresh data directory before it asks the homeserver: slow on a busy machine.
  }, 120_000);
});

describe.skipIf(!process.env.DATABASE_URL)('the service on PostgreSQL', () => {
  it('migrates on start and lets several instances continue each other’s conversations', async () => {
    const { url, drop } = await createPostgresDatabase();
    try {
      const [a, b] = await Promise.all([start({ DATABASE_URL: url }), start({ DATABASE_URL: url })]);
      // Both started at once; the advisory lock let exactly one apply the migration (or none: the template has it).
      const chat = new WebChatClient(a!.url);
      await chat.open();
      await chat.tap('tr');
      chat.baseUrl = b!.url;
      await chat.tap('agree');
      chat.baseUrl = a!.url;
      await chat.say('Emre');
      chat.baseUrl = b!.url;
      await chat.say('Yılmaz');
      expect(chat.question).toBe(text('tr', 'registration:ask.email'));
      a!.child.kill('SIGKILL');
      await chat.say('emre@example.org');
      expect(chat.question).toBe(text('tr', 'registration:ask.phone'));
      b!.child.kill('SIGTERM');
      await Promise.all([a!.exited, b!.exited]);
    } finally {
      await drop();
    }
  });
});
