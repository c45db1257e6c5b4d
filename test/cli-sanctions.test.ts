import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msg } from '../core/index.js';
import { openDatabase, type Database } from '../app/database.js';
import { createLogger } from '../app/logger.js';
import { createPostgresDatabase } from './support/databases.js';
import { inboxTexts, rendered } from './support/moderation.js';
import { seedVolunteers, type SeededVolunteer } from './support/seed.js';
import { WebChatClient } from './support/web-chat-client.js';
import { CLI, requireBuild } from './support/service-process.js';
import { startApp, type RunningApp } from './support/test-app.js';

type Target = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };

const targets: { name: string; make: () => Promise<{ target: Target; env: Record<string, string>; cleanup: () => Promise<void> | void }> }[] = [
  {
    name: 'the embedded database',
    make: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'helferruf-cli-sanctions-'));
      return { target: { kind: 'pglite', dataDir: dir }, env: { DATA_DIR: dir }, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  ...(process.env.DATABASE_URL
    ? [
        {
          name: 'PostgreSQL',
          make: async () => {
            const { url, drop } = await createPostgresDatabase();
            return { target: { kind: 'postgres', url } as Target, env: { DATABASE_URL: url }, cleanup: drop };
          },
        },
      ]
    : []),
];

// Each CLI call starts Node, the database and Prisma: give the tests room.
describe.each(targets)('sanctions from the operator CLI on $name', { timeout: 300_000 }, ({ make }) => {
  let target: Target;
  let env: Record<string, string>;
  let cleanup: () => Promise<void> | void;
  let person: SeededVolunteer;

  const admin = (...args: string[]) => {
    const result = spawnSync(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', USER: 'olga', ...env }, encoding: 'utf8', timeout: 120_000 });
    return { code: result.status, out: result.stdout, err: result.stderr };
  };

  /** The service on the same database (the embedded one only while the CLI does not run). */
  async function withService<T>(work: (service: RunningApp, db: Database) => Promise<T>): Promise<T> {
    const db = await openDatabase(target, { migrate: true, log: createLogger('silent') });
    const service = await startApp(db, { QUIET_HOURS: '0-0' });
    try {
      return await work(service, db);
    } finally {
      await service.close();
      await db.close();
    }
  }

  beforeAll(async () => {
    requireBuild();
    ({ target, env, cleanup } = await make());
    await withService(async (service, db) => {
      [person] = (await seedVolunteers(db.prisma, service.url, [{ locale: 'fa' }])) as [SeededVolunteer];
      await db.prisma.submission.create({ data: { id: `item-${person.id}`, regionId: 'default', authorId: person.id, kind: 'report', topic: 'housing', versions: { create: { version: 1, title: 'Wohnung', body: 'Text', language: 'fa' } } } });
    });
  });
  afterAll(async () => cleanup?.());

  const email = (p: SeededVolunteer) => `${p.id}@example.org`;
  /** The person's web chat on this run of the service (each run listens on a new port). */
  const on = (service: RunningApp, p: SeededVolunteer): SeededVolunteer => ({ ...p, chat: Object.assign(new WebChatClient(service.url), { cookie: p.chat.cookie }) });

  it('refuses a sanction without a reason, or for nobody, and changes nothing', async () => {
    const noReason = admin('warn', '--person', email(person));
    expect(noReason.code).toBe(1);
    expect(noReason.err).toContain('Say why with --reason');
    const blank = admin('ban', '--person', email(person), '--reason', '   ');
    expect(blank.code).toBe(1);
    expect(blank.err).toContain('Say why with --reason');
    const nobody = admin('warn', '--person', 'nobody@example.org', '--reason', 'Spam');
    expect(nobody.code).toBe(1);
    expect(nobody.err).toMatch(/\[PERSON_NOT_FOUND\]|not found|No person/i);
    const notBanned = admin('unban', '--person', email(person), '--reason', 'Versehen');
    expect(notBanned.code).toBe(1);
    expect(notBanned.err).toContain('is not banned');
    expect(admin('sanctions', '--person', email(person)).out).toContain('no warnings or bans');
  });

  it('warns, bans and lifts the ban with the moderators\' rules; the audit log names the operator; the person reads it in Persian', async () => {
    const warned = admin('warn', '--person', email(person), '--reason', 'Bitte keine Werbung.');
    expect(warned.code, warned.err).toBe(0);
    expect(warned.out).toContain('recorded in the audit log as done by olga');
    const banned = admin('ban', '--person', email(person), '--reason', 'Wiederholt Werbung.', '--by', 'Jana (Servicebüro)');
    expect(banned.code, banned.err).toBe(0);
    const again = admin('ban', '--person', email(person), '--reason', 'Noch einmal.');
    expect(again.code).toBe(1);
    expect(again.err).toContain('is banned already');

    await withService(async (service, db) => {
      // The same rules as a moderator's ban: blocked, the open item withdrawn; told in their language by the outgoing queue.
      expect((await db.prisma.person.findUniqueOrThrow({ where: { id: person.id } })).status).toBe('banned');
      expect((await db.prisma.submission.findUniqueOrThrow({ where: { id: `item-${person.id}` } })).status).toBe('withdrawn');
      const audit = await db.prisma.auditEntry.findMany({ where: { subjectId: person.id, action: { in: ['person.warned', 'person.banned'] } }, orderBy: { at: 'asc' } });
      expect(audit.map((a) => [a.action, a.actorId, (a.details as { operator: string }).operator, (a.details as { via: string }).via])).toEqual([
        ['person.warned', null, 'olga', 'cli'],
        ['person.banned', null, 'Jana (Servicebüro)', 'cli'],
      ]);
      await service.app.worker.drain();
      expect(await inboxTexts(on(service, person))).toEqual([
        rendered(service, 'fa', msg('moderation:sanction.warned', { reason: 'Bitte keine Werbung.' })),
        rendered(service, 'fa', msg('moderation:sanction.banned', { reason: 'Wiederholt Werbung.' })),
      ]);
      // The banned person asks for a review; the operator's lifting answers it.
      const chat = on(service, person).chat;
      await chat.open();
      await chat.say('/appeal');
      await chat.say('Es war ein Missverständnis.');
      expect((await db.prisma.sanction.findFirstOrThrow({ where: { personId: person.id, kind: 'ban' } })).appeal).toBe('Es war ein Missverständnis.');
    });

    const listed = admin('sanctions', '--person', email(person));
    expect(listed.out).toContain(`Person ${person.id}: banned`);
    expect(listed.out).toMatch(/\tban\toperator\tWiederholt Werbung\.\tappealed .*, open/);
    expect(listed.out).toMatch(/\twarning\toperator\tBitte keine Werbung\./);

    const lifted = admin('unban', '--person', email(person), '--reason', 'Nach Rücksprache aufgehoben.');
    expect(lifted.code, lifted.err).toBe(0);
    await withService(async (service, db) => {
      expect((await db.prisma.person.findUniqueOrThrow({ where: { id: person.id } })).status).toBe('active');
      expect((await db.prisma.sanction.findFirstOrThrow({ where: { personId: person.id, kind: 'ban' } })).settledAt).not.toBeNull();
      const unbanned = await db.prisma.auditEntry.findFirstOrThrow({ where: { subjectId: person.id, action: 'person.unbanned' } });
      expect(unbanned.details).toMatchObject({ via: 'cli', operator: 'olga' });
      await service.app.worker.drain();
      expect((await inboxTexts(on(service, person))).at(-1)).toBe(rendered(service, 'fa', msg('moderation:sanction.lifted', { reason: 'Nach Rücksprache aufgehoben.' })));
    });
    expect(admin('sanctions', '--person', email(person)).out).toMatch(/\tlifted\toperator\tNach Rücksprache aufgehoben\./);
  });
});
