import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminService, CallAnswers, type HelperCall } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { text } from './support/locale-text.js';
import { seedVolunteers, type SeededVolunteer } from './support/seed.js';
import { startApp, type RunningApp } from './support/test-app.js';

const HOUR = 3600_000;

describe.each(backends)('managing calls and commitments in the chat on $name', (backend) => {
  let db: TestDatabase;
  let service: RunningApp;
  let admin: AdminService;
  let organisation: { id: string; regionId: string; slug: string };
  let coordinator: SeededVolunteer;
  let volunteers: SeededVolunteer[];

  beforeAll(async () => {
    db = await backend.create();
    service = await startApp(db.database, { QUIET_HOURS: '0-0' });
    admin = new AdminService(service.app.store, randomUUID);
    organisation = await admin.createOrganisation({ slug: `tafel-${backend.name}`, name: 'Tafel' });
    [coordinator, ...volunteers] = (await seedVolunteers(db.database.prisma, service.url, [{}, {}, { locale: 'ar' }, {}])) as [SeededVolunteer, ...SeededVolunteer[]];
    await admin.grantRole({ person: `${coordinator.id}@example.org`, role: 'coordinator', organisation: organisation.slug, reason: 'test' });
    for (const v of [coordinator!, ...volunteers]) await v.chat.open();
  });
  afterAll(async () => {
    await service?.close();
    await db?.destroy();
  });

  /** A call three days ahead that has asked every seeded volunteer. */
  async function postCall(title: string, helpersNeeded = 2): Promise<HelperCall> {
    const startsAt = new Date(Date.now() + 72 * HOUR);
    const call = await service.app.calls.posting.post(organisation, coordinator.id, {
      activity: 'translating',
      title,
      description: '',
      place: 'Göttingen',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 2 * HOUR),
      helpersNeeded,
    });
    await db.database.prisma.callResponse.createMany({ data: volunteers.map((v) => ({ callId: call.id, personId: v.id })), skipDuplicates: true });
    return call;
  }

  async function accept(call: HelperCall, v: SeededVolunteer) {
    const reply = await new CallAnswers(service.app.store, () => new Date()).answer({ channel: 'web', address: v.address, eventId: randomUUID(), input: { type: 'choice', token: `call:${call.id}`, values: ['accept'] } });
    expect(reply.messages[0]!.key).toBe('calls:accepted');
  }

  const response = (call: HelperCall, v: SeededVolunteer) => db.database.prisma.callResponse.findUniqueOrThrow({ where: { callId_personId: { callId: call.id, personId: v.id } } });

  it('lets a volunteer give a place back from /commitments, after a confirmation, and asks the next candidates', async () => {
    const call = await postCall('Ausgabe am Samstag');
    const [anna] = volunteers;
    await accept(call, anna!);

    await anna!.chat.say('/commitments');
    expect(anna!.chat.question).toBe(text('de', 'commitments:releasePrompt'));
    expect(anna!.chat.view.prompt!.choices.map((c) => c.value)).toEqual([call.id, 'done']);
    await anna!.chat.tap(call.id);
    expect(anna!.chat.question).toContain('„Ausgabe am Samstag“');
    const confirmation = anna!.chat.view.prompt!.token;
    await anna!.chat.tap('no');
    expect(anna!.chat.said).toBe(text('de', 'commitments:kept'));
    expect((await response(call, anna!)).status).toBe('accepted');

    await anna!.chat.say('/commitments');
    await anna!.chat.tap(call.id);
    await anna!.chat.tap('yes');
    expect(anna!.chat.said).toBe(text('de', 'calls:released'));
    expect((await response(call, anna!)).status).toBe('released');
    expect(await db.database.prisma.helperCall.findUniqueOrThrow({ where: { id: call.id } })).toMatchObject({ acceptedCount: 0, status: 'open' });
    expect(await db.database.prisma.job.count({ where: { name: 'call.released', payload: { path: ['callId'], equals: call.id } } })).toBe(1);
    expect(await db.database.prisma.job.count({ where: { key: { startsWith: `call.wave:${call.id}:backfill:${anna!.id}` } } })).toBe(1);

    // The old confirmation's button does nothing any more.
    await anna!.chat.send({ type: 'choice', token: confirmation, values: ['yes'] });
    expect(anna!.chat.said).toBe(text('de', 'conversation:stale'));
    await anna!.chat.say('/commitments');
    expect(anna!.chat.said).toBe(text('de', 'commitments:none'));
  });

  it('lets the coordinator cancel a call from /calls after a confirmation; the helpers who accepted are told', async () => {
    const call = await postCall('Umzugshilfe');
    const [, bilal] = volunteers;
    await accept(call, bilal!);

    await coordinator.chat.say('/calls');
    expect(coordinator.chat.view.messages[0]!.text).toBe(text('de', 'calls:status.header'));
    expect(coordinator.chat.question).toBe(text('de', 'calls:manage.pick'));
    await coordinator.chat.tap(call.id);
    expect(coordinator.chat.question).toContain('Umzugshilfe');
    expect(coordinator.chat.view.prompt!.choices.map((c) => c.value)).toEqual(['cancel', 'back']);
    await coordinator.chat.tap('cancel');
    expect(coordinator.chat.question).toBe(text('de', 'calls:manage.confirmCancel', { title: 'Umzugshilfe', accepted: '1' }));
    await coordinator.chat.tap('no');
    expect(coordinator.chat.said).toBe(text('de', 'calls:manage.notCancelled'));
    expect((await db.database.prisma.helperCall.findUniqueOrThrow({ where: { id: call.id } })).status).toBe('open');

    await coordinator.chat.tap('cancel');
    await coordinator.chat.tap('yes');
    expect(coordinator.chat.said).toBe(text('de', 'calls:manage.cancelled', { title: 'Umzugshilfe' }));
    expect((await db.database.prisma.helperCall.findUniqueOrThrow({ where: { id: call.id } })).status).toBe('cancelled');
    const job = await db.database.prisma.job.findFirstOrThrow({ where: { key: `call.cancelled:${call.id}` } });
    expect(job.payload).toMatchObject({ callId: call.id, accepted: [bilal!.id] });
    expect(await db.database.prisma.auditEntry.count({ where: { action: 'call.cancelled', subjectId: call.id, actorId: coordinator.id } })).toBe(1);

    // Bilal is told in his language (Arabic) once the job runs.
    await service.app.worker.drain();
    const inbox = (await (await fetch(`${service.url}/api/web/inbox`, { headers: { cookie: bilal!.chat.cookie! } })).json()) as { messages: { view: { messages: { text: string }[] } }[] };
    expect(inbox.messages.flatMap((m) => m.view.messages.map((x) => x.text))).toContain(text('ar', 'calls:cancelledNotice', { title: 'Umzugshilfe' }));
  });

  it('checks the role on every answer: a coordinator whose role was revoked meanwhile cancels nothing', async () => {
    const call = await postCall('Sprachcafé');
    await coordinator.chat.say('/calls');
    await coordinator.chat.tap(call.id);
    await admin.revokeRole({ person: `${coordinator.id}@example.org`, role: 'coordinator', organisation: organisation.slug, reason: 'test' });
    try {
      // The button is gone: the question now says why and offers only the way back.
      await coordinator.chat.tap('cancel').catch(() => coordinator.chat.send({ type: 'choice', token: coordinator.chat.view.prompt!.token, values: ['cancel'] }));
      expect(coordinator.chat.said).toBe(text('de', 'conversation:pickOne'));
      expect(coordinator.chat.question).toBe(text('de', 'calls:manage.gone'));
      expect((await db.database.prisma.helperCall.findUniqueOrThrow({ where: { id: call.id } })).status).toBe('open');
      // A volunteer who never coordinated gets the role message, not a list.
      await volunteers[2]!.chat.say('/calls');
      expect(volunteers[2]!.chat.said).toBe(text('de', 'errors:ROLE_REQUIRED'));
    } finally {
      await admin.grantRole({ person: `${coordinator.id}@example.org`, role: 'coordinator', organisation: organisation.slug, reason: 'test' });
    }
  });

  it('records who came after the end: the others count as no-shows, never banned', async () => {
    const id = randomUUID();
    const endsAt = new Date(Date.now() - HOUR);
    await db.database.prisma.helperCall.create({
      data: {
        id,
        regionId: organisation.regionId,
        organisationId: organisation.id,
        createdById: coordinator.id,
        activityKey: 'translating',
        title: 'Kleiderkammer gestern',
        description: '',
        descriptionLang: 'de',
        placeName: 'Göttingen',
        lat: 51.534,
        lon: 9.932,
        startsAt: new Date(endsAt.getTime() - 2 * HOUR),
        endsAt,
        answerBy: new Date(endsAt.getTime() - 3 * HOUR),
        helpersNeeded: 2,
        acceptedCount: 2,
        status: 'full',
        responses: { create: volunteers.slice(0, 2).map((v) => ({ personId: v.id, status: 'accepted' as const })) },
      },
    });
    const [came, missed] = volunteers;

    await coordinator.chat.say('/calls');
    await coordinator.chat.tap(id);
    expect(coordinator.chat.question).toContain(text('de', 'calls:status.state.ended'));
    expect(coordinator.chat.view.prompt!.choices.map((c) => c.value)).toEqual(['attendance', 'back']);
    await coordinator.chat.tap('attendance');
    expect(coordinator.chat.question).toBe(text('de', 'calls:manage.attendance', { title: 'Kleiderkammer gestern' }));
    expect(coordinator.chat.view.prompt!.choices.map((c) => c.value).sort()).toEqual([came!.id, missed!.id, 'nobody'].sort());
    await coordinator.chat.pick([came!.id, 'nobody']);
    expect(coordinator.chat.said).toBe(text('de', 'calls:manage.nobodyAndSomebody'));
    await coordinator.chat.pick([came!.id]);
    expect(coordinator.chat.said).toBe(text('de', 'calls:manage.attendanceRecorded', { came: '1', missed: '1' }));

    expect((await db.database.prisma.callResponse.findUniqueOrThrow({ where: { callId_personId: { callId: id, personId: came!.id } } })).attended).toBe(true);
    expect((await db.database.prisma.callResponse.findUniqueOrThrow({ where: { callId_personId: { callId: id, personId: missed!.id } } })).attended).toBe(false);
    const person = await db.database.prisma.person.findUniqueOrThrow({ where: { id: missed!.id } });
    expect(person).toMatchObject({ noShowCount: 1, status: 'active' });
  });
});
