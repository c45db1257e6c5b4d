import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from './support/databases.js';
import { FakeTelegram } from './support/fake-telegram.js';
import { text } from './support/locale-text.js';
import { startService, type ServiceProcess } from './support/service-process.js';
import { TelegramPerson } from './support/telegram-person.js';

/** Short, so a dead holder is replaced within seconds in the test; production uses 30 s. */
const LEASE_MS = 2000;

/**
 * Several real service processes polling Telegram with one token, on one
 * PostgreSQL database: only the holder of the lease polls (Telegram would end
 * every other getUpdates with 409), and another takes over when it stops or dies.
 */
describe.skipIf(!process.env.DATABASE_URL)('Telegram long polling from several instances', () => {
  let telegram: FakeTelegram;
  let url: string;
  let drop: () => Promise<void>;
  const running: ServiceProcess[] = [];
  let nextChat = 8000;

  beforeAll(async () => {
    ({ url, drop } = await createPostgresDatabase());
    telegram = await new FakeTelegram().listen();
  });
  afterAll(async () => {
    for (const s of running) s.child.kill('SIGKILL');
    await Promise.all(running.map((s) => s.exited));
    await telegram?.close();
    await drop?.();
  });

  const start = async () => {
    const service = await startService({ DATABASE_URL: url, QUIET_HOURS: '0-0', TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.url, TELEGRAM_POLLING_LEASE_MS: String(LEASE_MS) });
    running.push(service);
    return service;
  };

  /** The process whose instance holds the lease now. */
  async function holder(): Promise<ServiceProcess | undefined> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ holder: string }>(`SELECT "holder" FROM "Lease" WHERE "name" = $1 AND "expiresAt" > clock_timestamp()`, [`telegram-polling:${telegram.bot.id}`]);
      const id = rows[0]?.holder;
      return id ? running.find((s) => s.child.exitCode === null && s.child.signalCode === null && id.includes(`:${s.child.pid}:`)) : undefined;
    } finally {
      await client.end();
    }
  }

  async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const started = Date.now();
    while (!(await condition())) {
      if (Date.now() - started > timeoutMs) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** `count` people send /start at once; each must get the first question exactly once. */
  async function startsAreHandledOnce(count: number): Promise<void> {
    const people = Array.from({ length: count }, () => new TelegramPerson(telegram, nextChat++, 'de'));
    await Promise.all(people.map((p) => p.say('/start')));
    for (const p of people) expect(p.messages.map((m) => m.text)).toEqual([text('de', 'registration:ask.language')]);
  }

  const conflicts = () => telegram.calls.filter((c) => c.method === 'getUpdates' && c.errorCode === 409).length;
  const polls = () => telegram.calls.filter((c) => c.method === 'getUpdates').length;

  it('lets exactly one of two instances poll, and handles every update once', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    await until(async () => (await holder()) !== undefined && polls() > 0);
    await startsAreHandledOnce(12);
    // Several seconds of both running: the stand-by never polled, or Telegram would have ended a poll with 409.
    await new Promise((r) => setTimeout(r, LEASE_MS * 2));
    await startsAreHandledOnce(5);
    expect(conflicts()).toBe(0);
    const polling = [a!, b!].filter((s) => s.output().includes('Telegram bot is polling for updates'));
    expect(polling).toHaveLength(1);
    expect(await holder()).toBe(polling[0]);
  }, 120_000);

  it('hands polling over at once when the holder stops, with nothing handled twice', async () => {
    const first = (await holder())!;
    const other = running.find((s) => s !== first && s.child.exitCode === null)!;
    first.child.kill('SIGTERM');
    await first.exited;
    await until(async () => (await holder()) === other, LEASE_MS * 2);
    await startsAreHandledOnce(6);
    expect(conflicts()).toBe(0);
  }, 120_000);

  it('takes over within the lease when the holder dies, and the updates sent meanwhile are handled once', async () => {
    const third = await start();
    const dying = (await holder())!;
    expect(dying).not.toBe(third);
    dying.child.kill('SIGKILL');
    await dying.exited;
    const died = Date.now();
    // Sent while nobody polls: they wait at Telegram and are handled once the lease has expired.
    const people = Array.from({ length: 4 }, () => new TelegramPerson(telegram, nextChat++, 'uk'));
    await Promise.all(people.map((p) => p.say('/start')));
    expect(Date.now() - died).toBeLessThan(LEASE_MS * 3 + 5000);
    expect(await holder()).toBe(third);
    for (const p of people) expect(p.messages.map((m) => m.text)).toEqual([text('uk', 'registration:ask.language')]);
  }, 120_000);

  it('is not thrown by a 409 from another poller outside the lease: logs it once, backs off, and polls again', async () => {
    const current = (await holder())!;
    const before = conflicts();
    // Someone else polls with the same token (say, a developer's laptop), twice: the holder's open poll is ended each time.
    const foreign = async () => fetch(`${telegram.url}/bot${telegram.token}/getUpdates?timeout=1&offset=-1`).then((r) => r.json());
    await foreign();
    await new Promise((r) => setTimeout(r, 300));
    await foreign();
    await until(() => conflicts() >= before + 2);
    await startsAreHandledOnce(3);
    expect(current.child.exitCode).toBeNull();
    expect(current.output().match(/Telegram refused polling/g)?.length).toBe(1);
  }, 120_000);
});
