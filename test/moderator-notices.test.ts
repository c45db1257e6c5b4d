import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msg, reportItem, submitItem, decideItem, type Person } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { inboxTexts, person, rendered } from './support/moderation.js';
import type { SeededVolunteer } from './support/seed.js';
import { startApp, type RunningApp } from './support/test-app.js';

/** A window of 1.2 s, so a test sees two of them; production uses 15 minutes. */
const WINDOW = { MODERATOR_NOTICE_MINUTES: '0.02' };
const WINDOW_MS = 1200;

describe.each(backends)('moderators are told when items wait, on $name', (backend) => {
  let db: TestDatabase;
  let service: RunningApp;
  let writer: SeededVolunteer;
  let reader: SeededVolunteer;
  let modDe: SeededVolunteer;
  let modFa: SeededVolunteer;
  const extra: RunningApp[] = [];

  beforeAll(async () => {
    db = await backend.create();
    service = await startApp(db.database, { QUIET_HOURS: '0-0', ...WINDOW });
    const prisma = db.database.prisma;
    writer = await person(prisma, service, 'de', ['writer']);
    reader = await person(prisma, service, 'en');
    modDe = await person(prisma, service, 'de', ['moderator']);
    modFa = await person(prisma, service, 'fa', ['moderator']);
  });
  afterAll(async () => {
    for (const s of extra) await s.close();
    await service?.close();
    await db?.destroy();
  });

  const row = async (p: SeededVolunteer) => (await service.app.store.people.findById(p.id)) as Person;
  /** The notices among what the service sent a person: they name the commands with their counts. */
  const notices = async (p: SeededVolunteer) => (await inboxTexts(p)).filter((t) => /\/(review|requests|reported|appeals|questions) \(\d+\)/.test(t));

  async function submit(title: string): Promise<string> {
    const id = randomUUID();
    const author = await row(writer);
    await service.app.store.transaction((repos) => submitItem(repos, author, { kind: 'information', title, body: 'Die Ausgabe ist dienstags von 10 bis 12 Uhr.', topic: 'everyday', language: 'de', placeName: null }, {}, new Date(), id));
    return id;
  }

  /** Runs the jobs until the window the submissions came in has ended and its digest ran. */
  async function afterWindow(app: RunningApp = service): Promise<void> {
    await app.app.worker.drain();
    await new Promise((r) => setTimeout(r, WINDOW_MS + 300));
    await app.app.worker.drain();
    await app.app.worker.drain();
  }

  it('a burst of submissions makes one notice per moderator, in their language, with what waits where', async () => {
    // From the start of a window, so the whole burst falls into one.
    await new Promise((r) => setTimeout(r, WINDOW_MS - (Date.now() % WINDOW_MS) + 20));
    for (let i = 0; i < 5; i++) await submit(`Tafel Ausgabe ${i}`);
    await afterWindow();
    const expected = (locale: string) => rendered(service, locale, msg('moderation:notice.waiting', { count: 5, commands: '/review (5)' }));
    expect(await notices(modDe)).toEqual([expected('de')]);
    expect(await notices(modFa)).toEqual([expected('fa')]);
    // Nobody but moderators hears of it.
    expect(await notices(writer)).toEqual([]);
    expect(await notices(reader)).toEqual([]);
  });

  it('a report of abuse waits too; items reviewed before the window ends are not announced', async () => {
    // Publish one item, then someone reports it: the report waits under /reported.
    const moderator = await row(modDe);
    const items = await db.database.prisma.submission.findMany({ where: { authorId: writer.id, status: 'pending' } });
    for (const item of items) expect(await service.app.store.transaction((repos) => decideItem(repos, moderator, item.id, 1, 'green', null, new Date(), randomUUID))).toEqual({ kind: 'decided', verdict: 'green' });
    const reporter = await row(reader);
    expect(await service.app.store.transaction(async (repos) => reportItem(repos, reporter, items[0]!.id, 'Die Zeit stimmt nicht.', new Date(), randomUUID()))).toEqual({ kind: 'reported' });
    await afterWindow();
    expect((await notices(modDe)).at(-1)).toBe(rendered(service, 'de', msg('moderation:notice.waiting', { count: 1, commands: '/reported (1)' })));
    expect(await notices(modDe)).toHaveLength(2);

    // Submitted and decided within one window: by the time the digest runs nothing waits, and nobody is disturbed.
    const id = await submit('Gleich wieder entschieden');
    await service.app.store.transaction(async (repos) => {
      expect(await decideItem(repos, moderator, id, 1, 'green', null, new Date(), randomUUID)).toEqual({ kind: 'decided', verdict: 'green' });
      await repos.abuseReports.resolve(items[0]!.id, moderator.id, 'kept', new Date());
    });
    await afterWindow();
    expect(await notices(modDe)).toHaveLength(2);
  });

  it('a moderator switches the notices off and on again; others may not', async () => {
    await modFa.chat.say('/notices');
    expect(modFa.chat.question).toBe(rendered(service, 'fa', msg('moderation:notices.isOn')));
    await modFa.chat.tap('off');
    expect(modFa.chat.said).toBe(rendered(service, 'fa', msg('moderation:notices.switchedOff')));
    await reader.chat.say('/notices');
    expect(reader.chat.said).toBe(rendered(service, 'en', msg('moderation:notices.denied')));
    expect(await db.database.prisma.auditEntry.count({ where: { actorId: reader.id, action: 'access.denied', subjectId: 'notices.manage' } })).toBe(1);

    const before = (await notices(modFa)).length;
    await submit('Neue Öffnungszeiten');
    await afterWindow();
    expect(await notices(modFa)).toHaveLength(before);
    expect((await notices(modDe)).at(-1)).toBe(rendered(service, 'de', msg('moderation:notice.waiting', { count: 1, commands: '/review (1)' })));

    await modFa.chat.say('/notices');
    expect(modFa.chat.question).toBe(rendered(service, 'fa', msg('moderation:notices.isOff')));
    await modFa.chat.tap('on');
    expect(modFa.chat.said).toBe(rendered(service, 'fa', msg('moderation:notices.switchedOn')));
    await submit('Noch eine Änderung');
    await afterWindow();
    expect((await notices(modFa)).at(-1)).toBe(rendered(service, 'fa', msg('moderation:notice.waiting', { count: 2, commands: '/review (2)' })));
  });

  it('waits for the end of the quiet hours, unless notices in quiet hours are configured', async () => {
    const hour = Number(new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone: 'Europe/Berlin' }).format(new Date()));
    const quiet = `${hour}-${(hour + 2) % 24}`;
    const quietService = await startApp(db.database, { QUIET_HOURS: quiet, ...WINDOW });
    extra.push(quietService);
    const before = (await notices(modDe)).length;
    await submit('Nachts eingereicht');
    await afterWindow(quietService);
    expect(await notices(modDe)).toHaveLength(before);
    // The digest moved to the morning: one job, due when the quiet hours end.
    const moved = await db.database.prisma.job.findMany({ where: { name: 'moderators.notice', doneAt: null } });
    expect(moved).toHaveLength(1);
    expect(moved[0]!.runAt.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);

    const awake = await startApp(db.database, { QUIET_HOURS: quiet, MODERATOR_NOTICES_IN_QUIET_HOURS: 'true', ...WINDOW });
    extra.push(awake);
    await submit('Nachts eingereicht, dringend');
    await afterWindow(awake);
    expect(await notices(modDe)).toHaveLength(before + 1);
  });
});
