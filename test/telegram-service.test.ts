import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram } from './support/fake-telegram.js';
import { text } from './support/locale-text.js';
import { startService, type ServiceProcess } from './support/service-process.js';
import { TelegramPerson } from './support/telegram-person.js';

const running: ServiceProcess[] = [];
const dirs: string[] = [];
let telegram: FakeTelegram;

beforeAll(async () => {
  telegram = await new FakeTelegram().listen();
});
afterAll(async () => {
  for (const s of running) s.child.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await telegram?.close();
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'helferruf-telegram-'));
  dirs.push(dir);
  return dir;
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the service process with Telegram', () => {
  it('polls after start-up, answers, and on SIGTERM stops polling having confirmed what it handled', async () => {
    const service = await startService({ DATA_DIR: dataDir(), TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.url });
    running.push(service);
    await until(() => service.output().includes('Telegram bot is polling for updates'), 'polling');
    const person = new TelegramPerson(telegram, 555, 'de');
    const update = await person.say('/start');
    expect(person.last.text).toBe(text('de', 'registration:ask.language'));

    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    // The last getUpdates confirmed the handled update: a new poller would not get it again.
    const polls = telegram.calls.filter((c) => c.method === 'getUpdates');
    expect(polls.at(-1)!.offset).toBe(update + 1);
    const after = telegram.calls.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(telegram.calls.length).toBe(after);
    expect(service.output()).not.toContain('"level":50');
  });

  it('says so and keeps serving the web chat when Telegram refuses the token', async () => {
    const service = await startService({ DATA_DIR: dataDir(), TELEGRAM_BOT_TOKEN: '123456789:AAFwrongwrongwrongwrongwrong_123', TELEGRAM_API_ROOT: telegram.url });
    running.push(service);
    await until(() => service.output().includes('Telegram refused TELEGRAM_BOT_TOKEN'), 'the refusal');
    expect(service.output()).not.toContain('AAFwrongwrong');
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });
});
