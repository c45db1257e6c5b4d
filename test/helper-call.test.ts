import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminService, CallAnswers, isolate, type HelperCall } from '../core/index.js';
import { openDatabase } from '../app/database.js';
import { createLogger } from '../app/logger.js';
import { prismaStore } from '../prisma/store.js';
import { backends, type TestDatabase } from './support/databases.js';
import { text } from './support/locale-text.js';
import { seedVolunteers, type SeededVolunteer } from './support/seed.js';
import { startApp, type RunningApp } from './support/test-app.js';

interface InboxMessage {
  id: string;
  view: { locale: string; messages: { text: string }[]; prompt: { token: string; text: string; choices: { value: string; label: string }[] } | null };
}

async function inbox(v: SeededVolunteer): Promise<InboxMessage[]> {
  const response = await fetch(`${v.chat.baseUrl}/api/web/inbox`, { headers: { cookie: v.chat.cookie! } });
  return ((await response.json()) as { messages: InboxMessage[] }).messages;
}

function tomorrowAt(hour: number): Date {
  const d = new Date(Date.now() + 24 * 3600_000);
  d.setUTCHours(hour, 0, 0, 0);
  return d;
}

describe.each(backends)('a helper call on $name', (backend) => {
  let db: TestDatabase;
  let service: RunningApp;
  let organisation: { id: string; regionId: string };

  beforeAll(async () => {
    db = await backend.create();
    // No quiet hours here: the test must not depend on the time of day it runs at.
    service = await startApp(db.database, { QUIET_HOURS: '0-0' });
    const admin = new AdminService(service.app.store, randomUUID);
    organisation = await admin.createOrganisation({ slug: `drk-${backend.name}`, name: 'DRK' });
  });
  afterAll(async () => {
    await service?.close();
    await db?.destroy();
  });

  async function post(needed: number, overrides: Partial<Parameters<RunningApp['app']['calls']['posting']['post']>[2]> = {}): Promise<HelperCall> {
    return service.app.calls.posting.post(organisation, null, {
      activity: 'translating',
      title: 'Begleitung zur Ausländerbehörde',
      description: 'Bitte 15 Minuten vorher am Eingang sein.',
      place: 'Göttingen',
      startsAt: tomorrowAt(9),
      endsAt: tomorrowAt(11),
      helpersNeeded: needed,
      languages: ['ar'],
      ...overrides,
    });
  }

  it('asks the right volunteers in their language, takes exactly the places there are, and closes the rest', async () => {
    const near = await seedVolunteers(db.database.prisma, service.url, [
      { locale: 'ar', languages: ['ar', 'de'] },
      { locale: 'de', languages: ['ar'] },
      { locale: 'uk', languages: ['ar', 'uk'] },
      { locale: 'en', languages: ['ar', 'en'] },
    ]);
    const [wrongLanguage, tooFar, otherActivity] = await seedVolunteers(db.database.prisma, service.url, [
      { languages: ['fa'] },
      { languages: ['ar'], lat: 52.52, lon: 13.4 },
      { languages: ['ar'], activities: ['driving'] },
    ]);
    const call = await post(2);
    await service.app.worker.drain();

    for (const v of [wrongLanguage!, tooFar!, otherActivity!]) expect(await inbox(v)).toEqual([]);
    const notifications = await Promise.all(near.map(inbox));
    expect(notifications.map((n) => n.length)).toEqual([1, 1, 1, 1]);
    const arabic = notifications[0]![0]!.view;
    expect(arabic.locale).toBe('ar');
    expect(arabic.prompt!.text).toContain(isolate('ar', 'Begleitung zur Ausländerbehörde'));
    expect(arabic.prompt!.text).toContain(text('ar', 'activities:translating'));
    expect(arabic.prompt!.choices.map((c) => c.label)).toEqual([text('ar', 'calls:accept'), text('ar', 'calls:decline')]);
    expect(notifications[1]![0]!.view.prompt!.text).toContain('Noch gebraucht: 2\n\nBitte 15 Minuten');

    // Three accept at once for two places: two get it, one is told kindly.
    const token = `call:${call.id}`;
    const answers = await Promise.all(near.slice(0, 3).map((v) => v.chat.send({ type: 'choice', token, values: ['accept'] })));
    expect(answers.every((a) => a.error === undefined)).toBe(true);
    const said = answers.map((a) => a.messages.map((m) => m.text).join());
    expect(said.filter((s) => s.includes(text('ar', 'calls:justFilled')) || s.includes(text('de', 'calls:justFilled')) || s.includes(text('uk', 'calls:justFilled')))).toHaveLength(1);
    const stored = await db.database.prisma.helperCall.findUniqueOrThrow({ where: { id: call.id } });
    expect(stored).toMatchObject({ acceptedCount: 2, status: 'full' });

    // The one who did not answer sees the notification turn into "filled".
    await service.app.worker.drain();
    const fourth = await inbox(near[3]!);
    expect(fourth[0]!.view.prompt).toBeNull();
    expect(fourth[0]!.view.messages[0]!.text).toBe(text('en', 'calls:filledNotice', { title: 'Begleitung zur Ausländerbehörde' }));
    expect((await db.database.prisma.callResponse.findMany({ where: { callId: call.id } })).map((r) => r.status).sort()).toEqual(['accepted', 'accepted', 'filled', 'filled']);
  });

  it('shows a minimum age and skills in the notification, for volunteers to judge themselves', async () => {
    const [volunteer] = await seedVolunteers(db.database.prisma, service.url, [{ locale: 'uk', languages: ['ar', 'uk'] }]);
    await post(1, { title: 'Möbel tragen', minAge: 18, skills: 'Führerschein B' });
    await service.app.worker.drain();
    const [notification] = await inbox(volunteer!);
    expect(notification!.view.prompt!.text).toContain(`${text('uk', 'calls:requirements.minAge', { age: '18' })}${text('uk', 'calls:requirements.skills', { skills: 'Führerschein B' })}`);
  });

  it('answers a decline, a repeated accept, a stranger and a replayed event clearly', async () => {
    const [a, b, stranger] = await seedVolunteers(db.database.prisma, service.url, [{ languages: ['ar'] }, { languages: ['ar'] }, { languages: ['fa'] }]);
    const call = await post(3, { title: 'Sprachcafé' });
    await service.app.worker.drain();
    const token = `call:${call.id}`;
    expect((await b!.chat.send({ type: 'choice', token, values: ['decline'] })).messages[0]!.text).toBe(text('de', 'calls:declined'));
    expect((await a!.chat.send({ type: 'choice', token, values: ['accept'] }, 'accept-event-1')).messages[0]!.text).toContain(text('de', 'calls:accepted').split('{{')[0]!);
    expect((await a!.chat.send({ type: 'choice', token, values: ['accept'] }, 'accept-event-1')).messages[0]!.text).toBe(text('de', 'conversation:duplicate'));
    expect((await a!.chat.send({ type: 'choice', token, values: ['accept'] })).messages[0]!.text).toBe(text('de', 'calls:alreadyAccepted'));
    expect((await stranger!.chat.send({ type: 'choice', token, values: ['accept'] })).messages[0]!.text).toBe(text('de', 'calls:notAsked'));
    expect((await a!.chat.send({ type: 'text', text: 'vielleicht', token })).messages[0]!.text).toBe(text('de', 'calls:answerWith'));
    expect(await db.database.prisma.helperCall.findUniqueOrThrow({ where: { id: call.id } })).toMatchObject({ acceptedCount: 1, status: 'open' });
  });

  it('rejects an invalid call with a reason for every field', async () => {
    await expect(
      service.app.calls.posting.post(organisation, null, {
        activity: 'juggling',
        title: 'x',
        description: '',
        place: 'Xyzzyhausen',
        startsAt: new Date(Date.now() - 1000),
        endsAt: new Date(Date.now() - 2000),
        helpersNeeded: 0,
        languages: ['xx'],
      }),
    ).rejects.toMatchObject({ problems: expect.arrayContaining(['activity', 'title', 'place', 'startsAt', 'endsAt', 'helpersNeeded', 'languages', 'answerBy'].map((field) => expect.objectContaining({ field }))) });
  });

  it('accepts exactly five of 200 simultaneous accepts, and tells the others kindly', async () => {
    const people = await seedVolunteers(db.database.prisma, service.url, Array.from({ length: 200 }, () => ({ languages: ['ar'] })));
    const call = await post(5, { title: 'Kleiderkammer', helpersNeeded: 5 });
    await db.database.prisma.callResponse.createMany({ data: people.map((p) => ({ callId: call.id, personId: p.id })), skipDuplicates: true });
    const answers = new CallAnswers(service.app.store, () => new Date());
    const replies = await Promise.all(
      people.map((p) => answers.answer({ channel: 'web', address: p.address, eventId: randomUUID(), input: { type: 'choice', token: `call:${call.id}`, values: ['accept'] } })),
    );
    const keys = replies.map((r) => r.messages[0]!.key);
    expect(keys.filter((k) => k === 'calls:accepted')).toHaveLength(5);
    expect(keys.filter((k) => k === 'calls:justFilled')).toHaveLength(195);
    expect(await db.database.prisma.helperCall.findUniqueOrThrow({ where: { id: call.id } })).toMatchObject({ acceptedCount: 5, status: 'full' });
    expect(await db.database.prisma.callResponse.count({ where: { callId: call.id, status: 'accepted' } })).toBe(5);
    // "Filled" is enqueued by the accept that took the last place, once.
    expect(await db.database.prisma.job.count({ where: { name: 'call.filled', payload: { path: ['callId'], equals: call.id } } })).toBe(1);
  });

  it('enqueues an accept\'s jobs at their own time: before the start, at a given time, or only for the last place', async () => {
    const [person] = await seedVolunteers(db.database.prisma, service.url, [{ languages: ['ar'] }]);
    const startsAt = new Date(Date.now() + 72 * 3600_000);
    const call = await post(1, { title: 'Jobs', helpersNeeded: 1, startsAt, endsAt: new Date(startsAt.getTime() + 3600_000) });
    await db.database.prisma.callResponse.create({ data: { callId: call.id, personId: person!.id } });
    const later = new Date(Date.now() + 5000);
    const outcome = await service.app.store.calls.accept({
      callId: call.id,
      channel: 'web',
      address: person!.address,
      eventId: randomUUID(),
      at: new Date(),
      jobs: [
        { name: 'test.before', key: `test.before:${call.id}`, payload: { n: 1 }, beforeStartMs: 3600_000 },
        { name: 'test.past', key: `test.past:${call.id}`, payload: {}, beforeStartMs: 100 * 3600_000 },
        { name: 'test.at', key: `test.at:${call.id}`, payload: {}, runAt: later },
        { name: 'test.filled', key: `test.filled:${call.id}`, payload: {}, ifFilled: true },
      ],
    });
    expect(outcome).toMatchObject({ kind: 'accepted', nowFull: true });
    const jobs = await db.database.prisma.job.findMany({ where: { key: { endsWith: call.id } }, orderBy: { name: 'asc' } });
    expect(jobs.filter((j) => j.name.startsWith('test.')).map((j) => [j.name, j.runAt.getTime()])).toEqual([
      ['test.at', later.getTime()],
      ['test.before', startsAt.getTime() - 3600_000],
      ['test.filled', expect.any(Number)],
    ]);
    expect(jobs.find((j) => j.name === 'test.before')!.payload).toEqual({ n: 1, personId: person!.id });
  });

  it('counts a double tap once: each of ten people taps Accept twice at once for three places', async () => {
    const people = await seedVolunteers(db.database.prisma, service.url, Array.from({ length: 10 }, () => ({ languages: ['ar'] })));
    const startsAt = new Date(Date.now() + 72 * 3600_000);
    const call = await post(3, { title: 'Doppelt', helpersNeeded: 3, startsAt, endsAt: new Date(startsAt.getTime() + 2 * 3600_000) });
    await db.database.prisma.callResponse.createMany({ data: people.map((p) => ({ callId: call.id, personId: p.id })), skipDuplicates: true });
    // One instance coalesces a person's two taps into its batches; on PostgreSQL the second tap goes
    // to a second instance (its own pool), so the two taps of a person really race on two connections.
    const second = db.url ? await openDatabase({ kind: 'postgres', url: db.url }, { log: createLogger('silent') }) : null;
    const instances = [new CallAnswers(service.app.store, () => new Date()), new CallAnswers(second ? prismaStore(second.prisma, second.sql) : service.app.store, () => new Date())];
    const tap = (answers: CallAnswers, address: string) => answers.answer({ channel: 'web', address, eventId: randomUUID(), input: { type: 'choice', token: `call:${call.id}`, values: ['accept'] } });
    // On PostgreSQL the call is held locked until each instance's first statement waits (the first on
    // the call, the second on the first one's lock of the same person's answer); the rest queue behind them.
    const blocker = db.url ? new pg.Client({ connectionString: db.url }) : null;
    if (blocker) {
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM "HelperCall" WHERE id = $1 FOR UPDATE', [call.id]);
    }
    const pending = Promise.all(people.flatMap((p) => [tap(instances[0]!, p.address), tap(instances[1]!, p.address)]));
    try {
      if (blocker) {
        const waiting = async () => (await blocker.query('SELECT pg_stat_clear_snapshot()'), await blocker.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() AND query LIKE '%"ProcessedEvent"%'`)).rows[0].n as number;
        await expect.poll(waiting, { timeout: 20_000, interval: 50 }).toBe(2);
      }
    } catch (error) {
      await second?.close();
      throw error;
    } finally {
      await blocker?.query('COMMIT');
      await blocker?.end();
    }
    const replies = await pending.finally(() => second?.close());
    const keys = replies.map((r) => r.messages[0]!.key);
    expect(keys.filter((k) => k === 'calls:accepted')).toHaveLength(3);
    expect(keys.filter((k) => k !== 'calls:accepted' && k !== 'calls:justFilled' && k !== 'calls:alreadyAccepted')).toEqual([]);
    expect(await db.database.prisma.helperCall.findUniqueOrThrow({ where: { id: call.id } })).toMatchObject({ acceptedCount: 3, status: 'full' });
    const accepted = await db.database.prisma.callResponse.findMany({ where: { callId: call.id, status: 'accepted' } });
    expect(accepted).toHaveLength(3);
    // Two reminders (24 h and 2 h before a start three days ahead) per accepted person, none for the losers.
    const reminders = await db.database.prisma.job.findMany({ where: { name: 'call.remind', payload: { path: ['callId'], equals: call.id } } });
    expect(reminders.map((j) => (j.payload as { personId: string }).personId).sort()).toEqual(accepted.flatMap((r) => [r.personId, r.personId]).sort());
  });
});
