import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminService, msg } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { inboxTexts, person, rendered } from './support/moderation.js';
import type { SeededVolunteer } from './support/seed.js';
import { startApp, type RunningApp } from './support/test-app.js';

describe.each(backends)('reports after a helper call on $name', (backend) => {
  let db: TestDatabase;
  let service: RunningApp;
  let coordinator: SeededVolunteer;
  let helper: SeededVolunteer;
  let second: SeededVolunteer;
  let stranger: SeededVolunteer;
  let moderator: SeededVolunteer;
  const callId = randomUUID();
  const said = (p: SeededVolunteer, locale: string, key: string, params?: Parameters<typeof msg>[1]) => expect(p.chat.said).toBe(rendered(service, locale, msg(key, params)));

  beforeAll(async () => {
    db = await backend.create();
    service = await startApp(db.database, { QUIET_HOURS: '0-0' });
    const prisma = db.database.prisma;
    const admin = new AdminService(service.app.store, randomUUID);
    const organisation = await admin.createOrganisation({ slug: `tafel-${backend.name}`, name: 'Tafel' });
    coordinator = await person(prisma, service, 'de');
    await admin.grantRole({ person: `${coordinator.id}@example.org`, role: 'coordinator', organisation: organisation.slug, reason: 'test' });
    helper = await person(prisma, service, 'de');
    second = await person(prisma, service, 'en');
    stranger = await person(prisma, service, 'de');
    moderator = await person(prisma, service, 'de', ['moderator']);
    // A call that ended yesterday, for which two volunteers had been accepted.
    const startsAt = new Date(Date.now() - 26 * 3600_000);
    await prisma.helperCall.create({
      data: {
        id: callId, regionId: 'default', organisationId: organisation.id, createdById: coordinator.id, activityKey: 'sorting_donations', title: 'Spenden sortieren',
        description: '', descriptionLang: 'de', placeName: 'Göttingen', lat: 51.53, lon: 9.93, startsAt, endsAt: new Date(startsAt.getTime() + 2 * 3600_000),
        answerBy: new Date(startsAt.getTime() - 3600_000), helpersNeeded: 2, acceptedCount: 2, status: 'full',
      },
    });
    await prisma.callResponse.createMany({ data: [helper, second].map((p) => ({ callId, personId: p.id, status: 'accepted' as const, answeredAt: startsAt })) });
  });
  afterAll(async () => {
    await service?.close();
    await db?.destroy();
  });

  it('only a volunteer accepted for a call that has ended can report on it', async () => {
    await stranger.chat.say('/report');
    said(stranger, 'de', 'moderation:callReport.none');
  });

  it('a report stays with the organisation: how it went, hours and problems', async () => {
    await helper.chat.say('/report');
    expect(helper.chat.view.prompt!.choices.map((c) => c.value)).toEqual([callId]);
    await helper.chat.tap(callId);
    await helper.chat.tap('mixed');
    await helper.chat.say('30');
    said(helper, 'de', 'moderation:callReport.invalidHours', { max: 24 });
    await helper.chat.say('1,5');
    await helper.chat.say('Der Schlüssel zum Lager fehlte eine halbe Stunde.');
    await helper.chat.tap('private');
    said(helper, 'de', 'moderation:callReport.saved');
    expect(await db.database.prisma.callReport.findFirstOrThrow({ where: { personId: helper.id } })).toMatchObject({ callId, outcome: 'mixed', hours: 1.5, issues: 'Der Schlüssel zum Lager fehlte eine halbe Stunde.', submissionId: null });
    expect(await db.database.prisma.submission.count()).toBe(0);

    await helper.chat.say('/report');
    said(helper, 'de', 'moderation:callReport.none');

    await coordinator.chat.say('/reports');
    expect(coordinator.chat.view.messages.map((m) => m.text)).toEqual([
      rendered(service, 'de', msg('moderation:callReport.header')),
      rendered(service, 'de', msg('moderation:callReport.line', { title: 'Spenden sortieren', outcome: msg('moderation:callReport.outcome.mixed'), hours: 1.5, issues: 'Der Schlüssel zum Lager fehlte eine halbe Stunde.', published: msg('moderation:callReport.privateNote') })),
    ]);
    await stranger.chat.say('/reports');
    said(stranger, 'de', 'errors:ROLE_REQUIRED');
  });

  it('a report meant for publication goes through the same review', async () => {
    await second.chat.say('/report');
    await second.chat.tap(callId);
    await second.chat.tap('good');
    await second.chat.tap('2');
    await second.chat.tap('skip');
    await second.chat.tap('publish');
    await second.chat.say('Sorting donations at the food bank');
    await second.chat.say('Two hours of sorting went quickly; the team explains everything on site.');
    await second.chat.tap('everyday');
    const item = await db.database.prisma.submission.findFirstOrThrow({ where: { authorId: second.id } });
    said(second, 'en', 'moderation:callReport.sentForReview', { ref: item.id.slice(0, 8) });
    expect(item).toMatchObject({ status: 'pending', kind: 'report', callId, topic: 'everyday' });

    await moderator.chat.say('/review');
    expect(moderator.chat.question).toContain('Sorting donations at the food bank');
    await moderator.chat.tap('green');
    await service.app.worker.drain();
    expect(await inboxTexts(second)).toEqual([rendered(service, 'en', msg('moderation:item.published', { title: 'Sorting donations at the food bank', ref: item.id.slice(0, 8) }))]);
  });
});
