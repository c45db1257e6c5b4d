import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { decideRoleRequest, msg, type Person } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { inboxTexts, person, rendered } from './support/moderation.js';
import type { SeededVolunteer } from './support/seed.js';
import { startApp, type RunningApp } from './support/test-app.js';

const DAY = 24 * 3600_000;

describe.each(backends)('roles on request on $name', (backend) => {
  let db: TestDatabase;
  let service: RunningApp;
  let mod1: SeededVolunteer;
  let mod2: SeededVolunteer;
  const say = (p: SeededVolunteer, locale: string, key: string, params?: Parameters<typeof msg>[1]) => expect(p.chat.said).toBe(rendered(service, locale, msg(key, params)));

  beforeAll(async () => {
    db = await backend.create();
    service = await startApp(db.database, { QUIET_HOURS: '0-0' });
    mod1 = await person(db.database.prisma, service, 'de', ['moderator']);
    mod2 = await person(db.database.prisma, service, 'en', ['moderator']);
  });
  afterAll(async () => {
    await service?.close();
    await db?.destroy();
  });

  const registeredDaysAgo = (p: SeededVolunteer, days: number) => db.database.prisma.person.update({ where: { id: p.id }, data: { createdAt: new Date(Date.now() - days * DAY) } });

  it('tells a new reader from which date they may ask, and records nothing', async () => {
    const alice = await person(db.database.prisma, service, 'de');
    const { createdAt } = await db.database.prisma.person.findUniqueOrThrow({ where: { id: alice.id } });
    await alice.chat.say('/request');
    say(alice, 'de', 'moderation:request.tooEarly', { role: msg('moderation:role.commenter'), from: { dateTime: new Date(createdAt.getTime() + 14 * DAY), timeZone: 'Europe/Berlin' } });
    expect(alice.chat.said).toContain('Kommentierende');
    expect(await db.database.prisma.roleRequest.count({ where: { personId: alice.id } })).toBe(0);
  });

  it('approves a request with a reason: the person gets the right and is told in their language', async () => {
    const alice = await person(db.database.prisma, service, 'de');
    await registeredDaysAgo(alice, 20);
    await alice.chat.say('/request');
    expect(alice.chat.question).toBe(rendered(service, 'de', msg('moderation:request.ask', { role: msg('moderation:role.commenter') })));
    await alice.chat.say('kurz');
    say(alice, 'de', 'moderation:reasonLength', { min: 10, max: 1000 });
    await alice.chat.say('Ich möchte Fragen zu Behördengängen beantworten.');
    say(alice, 'de', 'moderation:request.sent', { role: msg('moderation:role.commenter') });
    await alice.chat.say('/request');
    say(alice, 'de', 'moderation:request.pending', { role: msg('moderation:role.commenter') });

    await mod2.chat.say('/requests');
    expect(mod2.chat.question).toContain('Ich möchte Fragen zu Behördengängen beantworten.');
    expect(mod2.chat.question).toContain('asks for the commenter right');
    await mod2.chat.tap('approve');
    expect(mod2.chat.question).toBe(rendered(service, 'en', msg('moderation:requests.ask.approve')));
    await mod2.chat.say('Welcome, thank you for helping.');
    expect(mod2.chat.view.messages.map((m) => m.text)).toEqual([
      rendered(service, 'en', msg('moderation:requests.done.approved', { role: msg('moderation:role.commenter') })),
      rendered(service, 'en', msg('moderation:requests.none')),
    ]);

    await service.app.worker.drain();
    expect(await inboxTexts(alice)).toEqual([rendered(service, 'de', msg('moderation:request.approved', { role: msg('moderation:role.commenter'), reason: 'Welcome, thank you for helping.' }))]);
    const grants = await db.database.prisma.roleGrant.findMany({ where: { personId: alice.id, revokedAt: null } });
    expect(grants).toMatchObject([{ role: 'commenter', grantedById: mod2.id, reason: 'Welcome, thank you for helping.' }]);
    const audit = await db.database.prisma.auditEntry.findMany({ where: { subjectId: alice.id }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ['role.requested', alice.id],
      ['role.request.approved', mod2.id],
      ['role.granted', mod2.id],
    ]);
  });

  it('declines a request with a reason; a commenter asks for the writer right without waiting again', async () => {
    const carla = await person(db.database.prisma, service, 'en', ['commenter']);
    await carla.chat.say('/request');
    expect(carla.chat.question).toBe(rendered(service, 'en', msg('moderation:request.ask', { role: msg('moderation:role.writer') })));
    await carla.chat.say('I would like to write about finding a flat.');
    await mod1.chat.say('/requests');
    await mod1.chat.tap('decline');
    await mod1.chat.say('Bitte sammeln Sie erst Erfahrung als Kommentierende.');
    expect(mod1.chat.view.messages[0]!.text).toBe(rendered(service, 'de', msg('moderation:requests.done.declined', { role: msg('moderation:role.writer') })));
    await service.app.worker.drain();
    expect(await inboxTexts(carla)).toEqual([rendered(service, 'en', msg('moderation:request.declined', { role: msg('moderation:role.writer'), reason: 'Bitte sammeln Sie erst Erfahrung als Kommentierende.' }))]);
    expect(await db.database.prisma.roleGrant.count({ where: { personId: carla.id, role: 'writer' } })).toBe(0);
    expect(await db.database.prisma.roleRequest.findFirstOrThrow({ where: { personId: carla.id } })).toMatchObject({ status: 'declined', decidedById: mod1.id });
  });

  it('of two moderators deciding the same request at once, one wins and the other is told', async () => {
    const dan = await person(db.database.prisma, service, 'en');
    await registeredDaysAgo(dan, 30);
    await dan.chat.say('/request');
    await dan.chat.say('I answer questions in Arabic and English.');
    await mod1.chat.say('/requests');
    await mod2.chat.say('/requests');
    await mod1.chat.tap('approve');
    await mod2.chat.tap('decline');
    const [one, two] = await Promise.all([mod1.chat.say('Passt, willkommen.'), mod2.chat.say('Not yet, sorry.')]);
    const first = [one.messages[0]!.text, two.messages[0]!.text];
    const winners = [
      first[0] === rendered(service, 'de', msg('moderation:requests.done.approved', { role: msg('moderation:role.commenter') })),
      first[1] === rendered(service, 'en', msg('moderation:requests.done.declined', { role: msg('moderation:role.commenter') })),
    ];
    expect(winners.filter(Boolean)).toHaveLength(1);
    const request = await db.database.prisma.roleRequest.findFirstOrThrow({ where: { personId: dan.id } });
    if (winners[0]) {
      expect(request).toMatchObject({ status: 'approved', decidedById: mod1.id });
      expect(first[1]).toBe(rendered(service, 'en', msg('moderation:requests.alreadyDecided', { status: msg('moderation:requests.status.approved') })));
    } else {
      expect(request).toMatchObject({ status: 'declined', decidedById: mod2.id });
      expect(first[0]).toBe(rendered(service, 'de', msg('moderation:requests.alreadyDecided', { status: msg('moderation:requests.status.declined') })));
    }
    expect(await db.database.prisma.roleGrant.count({ where: { personId: dan.id } })).toBe(winners[0] ? 1 : 0);
    expect(await db.database.prisma.job.count({ where: { key: `role-request:${request.id}` } })).toBe(1);
    await service.app.worker.drain();
    expect(await inboxTexts(dan)).toHaveLength(1);
  });

  if (backend.name === 'postgres') {
    it('holds on PostgreSQL when the second decision waits on the first transaction', async () => {
      const hana = await person(db.database.prisma, service, 'de');
      await registeredDaysAgo(hana, 30);
      await hana.chat.say('/request');
      await hana.chat.say('Ich übersetze gern Arabisch und Deutsch.');
      const request = await db.database.prisma.roleRequest.findFirstOrThrow({ where: { personId: hana.id } });
      const first = (await service.app.store.people.findById(mod1.id)) as Person;
      const second = (await service.app.store.people.findById(mod2.id)) as Person;
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const one = service.app.store.transaction(async (repos) => {
        const outcome = await decideRoleRequest(repos, first, request.id, true, 'Gern.', new Date(), randomUUID);
        await held;
        return outcome;
      });
      await new Promise((r) => setTimeout(r, 100));
      const two = service.app.store.transaction((repos) => decideRoleRequest(repos, second, request.id, false, 'No.', new Date(), randomUUID));
      await new Promise((r) => setTimeout(r, 300));
      release();
      expect(await one).toMatchObject({ kind: 'decided', request: { status: 'approved' } });
      expect(await two).toEqual({ kind: 'already-decided', status: 'approved' });
      expect(await db.database.prisma.roleGrant.count({ where: { personId: hana.id } })).toBe(1);
    });
  }

  it('warns a person with a reason: recorded, audited, and the person is told why', async () => {
    const erik = await person(db.database.prisma, service, 'en');
    await mod1.chat.say(`/warn ${erik.id}@example.org`);
    expect(mod1.chat.question).toBe(rendered(service, 'de', msg('moderation:sanction.ask.warnReason')));
    await mod1.chat.say('Beleidigende Nachricht im Chat.');
    say(mod1, 'de', 'moderation:sanction.warnedDone');
    await service.app.worker.drain();
    expect(await inboxTexts(erik)).toEqual([rendered(service, 'en', msg('moderation:sanction.warned', { reason: 'Beleidigende Nachricht im Chat.' }))]);
    const sanction = await db.database.prisma.sanction.findFirstOrThrow({ where: { personId: erik.id } });
    expect(sanction).toMatchObject({ kind: 'warning', byId: mod1.id, reason: 'Beleidigende Nachricht im Chat.' });
    expect(await db.database.prisma.auditEntry.findFirst({ where: { action: 'person.warned', subjectId: erik.id } })).toMatchObject({ actorId: mod1.id, details: { sanctionId: sanction.id } });
  });

  it('bans a person: they can no longer act, open requests are withdrawn, they are told and can ask for a review', async () => {
    const finn = await person(db.database.prisma, service, 'en');
    await registeredDaysAgo(finn, 30);
    await finn.chat.say('/request');
    await finn.chat.say('I would like to comment on housing questions.');
    await mod1.chat.say('/ban');
    await mod1.chat.say('niemand@example.org');
    say(mod1, 'de', 'moderation:sanction.notFound');
    await mod1.chat.say(`${finn.id}@example.org`);
    await mod1.chat.say('Wiederholte Hetze trotz Verwarnung.');
    say(mod1, 'de', 'moderation:sanction.bannedDone');
    await service.app.worker.drain();
    expect(await inboxTexts(finn)).toEqual([rendered(service, 'en', msg('moderation:sanction.banned', { reason: 'Wiederholte Hetze trotz Verwarnung.' }))]);
    expect(await db.database.prisma.person.findUniqueOrThrow({ where: { id: finn.id } })).toMatchObject({ status: 'banned' });
    expect(await db.database.prisma.roleRequest.findFirstOrThrow({ where: { personId: finn.id } })).toMatchObject({ status: 'withdrawn' });

    for (const command of ['/request', '/submit', '/review']) {
      await finn.chat.say(command);
      say(finn, 'en', 'moderation:denied.banned');
    }
    // Nor on a button outside the conversation, such as a helper call's Accept.
    await finn.chat.send({ type: 'choice', token: 'call:some-call', values: ['accept'] });
    say(finn, 'en', 'moderation:denied.banned');
    expect(await db.database.prisma.auditEntry.count({ where: { actorId: finn.id, action: 'access.denied' } })).toBe(4);

    await finn.chat.say('/appeal');
    await finn.chat.say('I am sorry; it will not happen again.');
    say(finn, 'en', 'moderation:appeal.sent');
    await finn.chat.say('/appeal');
    await finn.chat.say('Please, once more.');
    say(finn, 'en', 'moderation:appeal.already');

    await mod2.chat.say('/appeals');
    expect(mod2.chat.question).toContain('I am sorry; it will not happen again.');
    expect(mod2.chat.question).toContain('Wiederholte Hetze trotz Verwarnung.');
    await mod2.chat.tap('lift');
    await mod2.chat.say('One more chance.');
    expect(mod2.chat.view.messages[0]!.text).toBe(rendered(service, 'en', msg('moderation:appeals.lifted')));
    await service.app.worker.drain();
    expect((await inboxTexts(finn)).at(-1)).toBe(rendered(service, 'en', msg('moderation:appeal.lifted', { reason: 'One more chance.' })));
    expect(await db.database.prisma.person.findUniqueOrThrow({ where: { id: finn.id } })).toMatchObject({ status: 'active' });
    const actions = (await db.database.prisma.auditEntry.findMany({ where: { subjectId: finn.id }, orderBy: { at: 'asc' } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['person.banned', 'person.appealed', 'person.unbanned']));
  });

  it('refuses moderator commands to everybody else, with a clear message, and logs the attempt', async () => {
    const gina = await person(db.database.prisma, service, 'de', ['writer']);
    for (const command of ['/review', '/requests', '/appeals', '/warn', '/ban']) {
      await gina.chat.say(command);
      say(gina, 'de', 'moderation:denied.role', { roles: [msg('moderation:role.moderator'), msg('moderation:role.admin')] });
    }
    await gina.chat.say('/appeal');
    say(gina, 'de', 'moderation:denied.notBanned');
    const denied = await db.database.prisma.auditEntry.findMany({ where: { actorId: gina.id, action: 'access.denied' } });
    expect(denied.map((d) => d.subjectId).sort()).toEqual(['ban.appeal', 'ban.review', 'item.review', 'person.ban', 'person.warn', 'role.decide']);
  });
});
