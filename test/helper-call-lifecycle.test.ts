import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminService, type HelperCall } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { text } from './support/locale-text.js';
import { seedVolunteers, type SeededVolunteer } from './support/seed.js';
import { startApp, type RunningApp } from './support/test-app.js';

interface InboxMessage {
  id: string;
  view: { messages: { text: string }[]; prompt: { token: string; text: string; choices: { value: string }[] } | null };
}

async function inbox(v: SeededVolunteer): Promise<InboxMessage[]> {
  const response = await fetch(`${v.chat.baseUrl}/api/web/inbox`, { headers: { cookie: v.chat.cookie! } });
  return ((await response.json()) as { messages: InboxMessage[] }).messages;
}

const texts = (messages: InboxMessage[]) => messages.map((m) => [...m.view.messages.map((x) => x.text), m.view.prompt?.text ?? ''].filter(Boolean).join('\n'));

describe.each(backends)('the life of a helper call on $name', (backend) => {
  let db: TestDatabase;
  let service: RunningApp;
  let organisation: { id: string; regionId: string };
  let coordinator: SeededVolunteer;

  beforeAll(async () => {
    db = await backend.create();
    service = await startApp(db.database, { QUIET_HOURS: '0-0', CALL_MAX_PER_DAY: '50' });
    organisation = await new AdminService(service.app.store, randomUUID).createOrganisation({ slug: `tafel-${backend.name}`, name: 'Tafel' });
    [coordinator] = (await seedVolunteers(db.database.prisma, service.url, [{ activities: ['driving'], languages: ['fa'] }])) as [SeededVolunteer];
  });
  afterAll(async () => {
    await service?.close();
    await db?.destroy();
  });

  async function post(needed: number, title: string, startsInHours = 48, languages: string[] = []): Promise<HelperCall> {
    const startsAt = new Date(Date.now() + startsInHours * 3600_000);
    return service.app.calls.posting.post(organisation, coordinator.id, {
      activity: 'sorting_donations',
      title,
      description: 'Spenden sortieren',
      place: '37073',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 2 * 3600_000),
      helpersNeeded: needed,
      languages,
    });
  }

  /** Time passes: jobs due up to `hours` from now become due, and run. */
  async function letTimePass(hours: number) {
    await db.database.prisma.job.updateMany({ where: { doneAt: null, runAt: { lte: new Date(Date.now() + hours * 3600_000) } }, data: { runAt: new Date() } });
    await service.app.worker.drain();
  }

  const answer = (v: SeededVolunteer, call: HelperCall, value: string) => v.chat.send({ type: 'choice', token: `call:${call.id}`, values: [value] });

  it('re-opens a full call when a helper gives the place back, and asks the next candidates', async () => {
    const people = await seedVolunteers(db.database.prisma, service.url, Array.from({ length: 6 }, () => ({ activities: ['sorting_donations'] })));
    const call = await post(1, 'Backfill');
    await service.app.worker.drain();
    const asked = people.filter((_, i) => i < 3);
    const firstWave = await db.database.prisma.callResponse.findMany({ where: { callId: call.id } });
    expect(firstWave).toHaveLength(3);
    const helper = people.find((p) => p.id === firstWave[0]!.personId)!;
    await answer(helper, call, 'accept');
    await service.app.worker.drain();
    expect((await db.database.prisma.helperCall.findUniqueOrThrow({ where: { id: call.id } })).status).toBe('full');

    expect((await answer(helper, call, 'release')).messages[0]!.text).toBe(text('de', 'calls:released'));
    expect(await db.database.prisma.helperCall.findUniqueOrThrow({ where: { id: call.id } })).toMatchObject({ status: 'open', acceptedCount: 0 });
    await service.app.worker.drain();
    const responses = await db.database.prisma.callResponse.findMany({ where: { callId: call.id } });
    expect(responses.length).toBeGreaterThan(3);
    expect(responses.find((r) => r.personId === helper.id)?.status).toBe('released');
    expect(texts(await inbox(coordinator)).join()).toContain(text('de', 'calls:coordinatorReleased', { title: 'Backfill', accepted: '0', count: '1' }));
    expect(asked).toHaveLength(3);
  });

  it('reminds accepted helpers before the start; confirm thanks them, release frees the place', async () => {
    const [a, b] = await seedVolunteers(db.database.prisma, service.url, [{ activities: ['sorting_donations'], locale: 'en' }, { activities: ['sorting_donations'], locale: 'en' }]);
    const call = await post(5, 'Reminder test', 30);
    await service.app.worker.drain();
    await answer(a!, call, 'accept');
    await answer(b!, call, 'accept');
    expect(await db.database.prisma.job.count({ where: { name: 'call.remind', doneAt: null } })).toBeGreaterThanOrEqual(4);
    await letTimePass(30);
    const reminder = (await inbox(a!)).find((m) => m.view.prompt?.choices.some((c) => c.value === 'confirm'))!;
    expect(reminder.view.prompt!.text).toContain(text('en', 'calls:reminder').split('{{')[0]!);
    expect((await answer(a!, call, 'confirm')).messages[0]!.text).toBe(text('en', 'calls:confirmed'));
    expect((await answer(b!, call, 'release')).messages[0]!.text).toBe(text('en', 'calls:released'));
    expect((await db.database.prisma.helperCall.findUniqueOrThrow({ where: { id: call.id } })).acceptedCount).toBe(1);
    expect((await answer(b!, call, 'confirm')).messages[0]!.text).toBe(text('en', 'calls:notAccepted'));
  });

  it('tells everyone who accepted when the coordinator cancels, and closes open notifications', async () => {
    // Only these two speak Tigrinya: the call asks them and nobody else.
    const [a, b] = await seedVolunteers(db.database.prisma, service.url, [{ activities: ['sorting_donations'], languages: ['ti'] }, { activities: ['sorting_donations'], languages: ['ti'] }]);
    const call = await post(1, 'Abgesagt', 48, ['ti']);
    await service.app.worker.drain();
    const responses = await db.database.prisma.callResponse.findMany({ where: { callId: call.id, personId: { in: [a!.id, b!.id] } } });
    expect(responses).toHaveLength(2);
    await answer(a!, call, 'accept');
    expect(await service.app.calls.coordination.cancel(call.id, coordinator.id)).toBe(true);
    expect(await service.app.calls.coordination.cancel(call.id, coordinator.id)).toBe(false);
    await service.app.worker.drain();
    const notice = text('de', 'calls:cancelledNotice', { title: 'Abgesagt' });
    // Other open calls may ask them too: look at this call's messages only.
    const about = async (v: SeededVolunteer) => texts((await inbox(v)).filter((m) => m.id.includes(call.id)));
    expect(await about(a!)).toContain(notice);
    expect(await about(b!)).toEqual([notice]);
    expect((await answer(b!, call, 'accept')).messages[0]!.text).toBe(text('de', 'calls:closed'));
  });

  it('closes a call at its answer deadline and tells the coordinator how far it got', async () => {
    await seedVolunteers(db.database.prisma, service.url, [{ activities: ['sorting_donations'] }]);
    const call = await post(3, 'Frist', 3);
    await service.app.worker.drain();
    await db.database.prisma.helperCall.update({ where: { id: call.id }, data: { answerBy: new Date(Date.now() - 1000) } });
    await letTimePass(3);
    expect((await db.database.prisma.helperCall.findUniqueOrThrow({ where: { id: call.id } })).status).toBe('expired');
    expect(texts(await inbox(coordinator)).join()).toContain(text('de', 'calls:coordinatorExpired', { title: 'Frist', accepted: '0', count: '3' }));
    const status = await service.app.calls.coordination.status(call.id);
    expect(status).toMatchObject({ status: 'expired', helpersNeeded: 3, accepted: 0, open: 3 });
    expect(status.asked).toBeGreaterThan(0);
  });

  it('asks nobody who paused, and asks them again after /resume', async () => {
    const [pausing] = await seedVolunteers(db.database.prisma, service.url, [{ activities: ['sorting_donations'], languages: ['am'] }]);
    await pausing!.chat.open();
    await pausing!.chat.say('/pause 500');
    expect(pausing!.chat.said).toBe(text('de', 'menu:pauseUsage', { max: '365' }));
    await pausing!.chat.say('/pause 7');
    expect(pausing!.chat.said).toContain(text('de', 'menu:paused').split('{{')[0]!);
    const first = await post(1, 'Pausiert', 48, ['am']);
    await service.app.worker.drain();
    expect(await db.database.prisma.callResponse.count({ where: { callId: first.id } })).toBe(0);
    await pausing!.chat.say('/resume');
    expect(pausing!.chat.said).toBe(text('de', 'menu:resumed'));
    const second = await post(1, 'Wieder da', 48, ['am']);
    await service.app.worker.drain();
    expect((await db.database.prisma.callResponse.findMany({ where: { callId: second.id } })).map((r) => r.personId)).toEqual([pausing!.id]);
  });

  it('records attendance after the end: a no-show is counted once and lowers the rank, it bans nobody', async () => {
    const [a] = await seedVolunteers(db.database.prisma, service.url, [{ activities: ['sorting_donations'] }]);
    const call = await post(1, 'Anwesenheit');
    await service.app.worker.drain();
    await db.database.prisma.callResponse.upsert({ where: { callId_personId: { callId: call.id, personId: a!.id } }, create: { callId: call.id, personId: a!.id }, update: {} });
    await answer(a!, call, 'accept');
    await expect(service.app.calls.coordination.attendance(call.id, a!.id, false, coordinator.id)).rejects.toThrow('after the end');
    await db.database.prisma.helperCall.update({ where: { id: call.id }, data: { startsAt: new Date(Date.now() - 7200_000), endsAt: new Date(Date.now() - 3600_000) } });
    await service.app.calls.coordination.attendance(call.id, a!.id, false, coordinator.id);
    await service.app.calls.coordination.attendance(call.id, a!.id, false, coordinator.id);
    const person = await db.database.prisma.person.findUniqueOrThrow({ where: { id: a!.id } });
    expect(person).toMatchObject({ noShowCount: 1, status: 'active' });
    expect(person.lastNoShowAt).not.toBeNull();
  });
});
