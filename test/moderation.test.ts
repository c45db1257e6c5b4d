import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideItem, msg, type Person } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { inboxTexts, person, rendered } from './support/moderation.js';
import type { SeededVolunteer } from './support/seed.js';
import { startApp, type RunningApp } from './support/test-app.js';

const BODY = 'Beim Wohnungsamt bekommt man den Antrag sofort. Fragen Sie Frau K. unter 0551 123456 oder auf https://wohnen.example.de nach.';

describe.each(backends)('traffic-light moderation on $name', (backend) => {
  let db: TestDatabase;
  let service: RunningApp;
  let writer: SeededVolunteer;
  let writerEn: SeededVolunteer;
  let mod1: SeededVolunteer;
  let mod2: SeededVolunteer;
  let follower: SeededVolunteer;
  let bystander: SeededVolunteer;
  const said = (p: SeededVolunteer, locale: string, key: string, params?: Parameters<typeof msg>[1]) => expect(p.chat.said).toBe(rendered(service, locale, msg(key, params)));
  const ref = (id: string) => id.slice(0, 8);
  const latest = (authorId: string) => db.database.prisma.submission.findFirstOrThrow({ where: { authorId }, orderBy: { createdAt: 'desc' } });
  const personRow = async (p: SeededVolunteer) => (await service.app.store.people.findById(p.id)) as Person;

  beforeAll(async () => {
    db = await backend.create();
    service = await startApp(db.database, { QUIET_HOURS: '0-0' });
    const prisma = db.database.prisma;
    writer = await person(prisma, service, 'de', ['writer']);
    writerEn = await person(prisma, service, 'en', ['writer']);
    mod1 = await person(prisma, service, 'de', ['moderator']);
    mod2 = await person(prisma, service, 'en', ['moderator']);
    follower = await person(prisma, service, 'en', [], ['en', 'de']);
    bystander = await person(prisma, service, 'en', [], ['en', 'de']);
  });
  afterAll(async () => {
    await service?.close();
    await db?.destroy();
  });

  async function submit(p: SeededVolunteer, title: string, body: string, language: string) {
    await p.chat.say('/submit');
    await p.chat.tap('report');
    await p.chat.say(title);
    await p.chat.say(body);
    await p.chat.tap('housing');
    await p.chat.tap(language);
    await p.chat.tap('skip');
    await p.chat.tap('send');
    return latest(p.id);
  }

  it('a reader follows a topic, and only a writer may submit', async () => {
    await follower.chat.say('/follow');
    await follower.chat.pick(['housing', 'work']);
    said(follower, 'en', 'moderation:follow.saved', { topics: [msg('moderation:topic.housing'), msg('moderation:topic.work')] });
    await bystander.chat.say('/submit');
    said(bystander, 'en', 'moderation:denied.role', { roles: [msg('moderation:role.writer'), msg('moderation:role.moderator'), msg('moderation:role.admin')] });
  });

  it('a writer submits an item; the pre-check flags the third-party phone number and the link; nothing is published', async () => {
    await writer.chat.say('/submit');
    await writer.chat.tap('report');
    await writer.chat.say('ab');
    said(writer, 'de', 'moderation:submit.invalid.title', { min: 3, max: 120 });
    await writer.chat.say('Wohnberechtigungsschein beantragen');
    await writer.chat.say(BODY);
    await writer.chat.tap('housing');
    await writer.chat.tap('de');
    expect(writer.chat.question).toBe(rendered(service, 'de', msg('moderation:submit.ask.place')));
    await writer.chat.say('Göttingen');
    expect(writer.chat.question).toContain('Wohnberechtigungsschein beantragen');
    expect(writer.chat.question).toContain('Ort: Göttingen');
    await writer.chat.tap('send');
    const item = await latest(writer.id);
    said(writer, 'de', 'moderation:submit.sent', { title: 'Wohnberechtigungsschein beantragen', ref: ref(item.id) });
    expect(item).toMatchObject({ status: 'pending', version: 1, kind: 'report', topic: 'housing', placeName: 'Göttingen' });
    const [version] = await db.database.prisma.submissionVersion.findMany({ where: { submissionId: item.id } });
    expect(version!.flags).toEqual([
      { code: 'link', match: 'https://wohnen.example.de' },
      { code: 'phone', match: '0551 123456' },
    ]);
    await service.app.worker.drain();
    expect(await inboxTexts(follower)).toEqual([]);
  });

  it('yellow: the moderator sees history and flags, returns the item with notes; the writer is told and revises', async () => {
    const item = await latest(writer.id);
    await mod1.chat.say('/review');
    expect(mod1.chat.question).toContain(`Nr. ${ref(item.id)} – Erfahrungsbericht, Fassung 1`);
    expect(mod1.chat.question).toContain('bitte prüfen: ein Link: https://wohnen.example.de und eine Telefonnummer: 0551 123456');
    expect(mod1.chat.question).toContain('in Prüfung 1; Verwarnungen: 0');
    expect(mod1.chat.question).toContain(BODY);
    await mod1.chat.tap('yellow');
    expect(mod1.chat.question).toBe(rendered(service, 'de', msg('moderation:review.ask.notes')));
    await mod1.chat.say('Bitte keine Telefonnummer von Frau K. nennen.');
    expect(mod1.chat.view.messages.map((m) => m.text)).toEqual([
      rendered(service, 'de', msg('moderation:review.done.yellow', { ref: ref(item.id) })),
      rendered(service, 'de', msg('moderation:review.none')),
    ]);
    await service.app.worker.drain();
    expect(await inboxTexts(writer)).toEqual([
      rendered(service, 'de', msg('moderation:item.returned', { title: 'Wohnberechtigungsschein beantragen', ref: ref(item.id), reason: 'Bitte keine Telefonnummer von Frau K. nennen.' })),
    ]);

    await writer.chat.say('/mine');
    expect(writer.chat.view.prompt!.choices.map((c) => c.label)).toContain(`Nr. ${ref(item.id)}: Wohnberechtigungsschein beantragen – zur Überarbeitung zurückgegeben`);
    await writer.chat.tap(item.id);
    expect(writer.chat.question).toContain('Fassung 1 „Wohnberechtigungsschein beantragen“: gelb (zur Überarbeitung zurückgegeben) Bitte keine Telefonnummer von Frau K. nennen.');
    await writer.chat.tap('revise');
    await writer.chat.tap('keep');
    await writer.chat.say('Beim Wohnungsamt bekommt man den Antrag sofort; die Beratung hilft beim Ausfüllen.');
    said(writer, 'de', 'moderation:mine.resubmitted', { ref: ref(item.id), version: 2 });
    expect(await db.database.prisma.submission.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({ status: 'pending', version: 2 });
  });

  it('green: published; the writer is told in German, a follower of the topic in English, nobody else', async () => {
    const item = await latest(writer.id);
    await mod2.chat.say('/review');
    expect(mod2.chat.question).toContain(`No. ${ref(item.id)} – Experience report, version 2`);
    expect(mod2.chat.question).toContain('Earlier notes: version 1: Bitte keine Telefonnummer von Frau K. nennen.');
    expect(mod2.chat.question).toContain('Pre-check: nothing found');
    await mod2.chat.tap('green');
    expect(mod2.chat.view.messages[0]!.text).toBe(rendered(service, 'en', msg('moderation:review.done.green', { ref: ref(item.id) })));
    await service.app.worker.drain();
    expect((await inboxTexts(writer)).at(-1)).toBe(rendered(service, 'de', msg('moderation:item.published', { title: 'Wohnberechtigungsschein beantragen', ref: ref(item.id) })));
    expect(await inboxTexts(follower)).toEqual([
      rendered(service, 'en', msg('moderation:published.followers', { topic: msg('moderation:topic.housing'), title: 'Wohnberechtigungsschein beantragen', body: 'Beim Wohnungsamt bekommt man den Antrag sofort; die Beratung hilft beim Ausfüllen.' })),
    ]);
    expect(await inboxTexts(bystander)).toEqual([]);
    const decisions = await db.database.prisma.moderationDecision.findMany({ where: { submissionId: item.id }, orderBy: { createdAt: 'asc' } });
    expect(decisions.map((d) => [d.version, d.verdict, d.reviewerId])).toEqual([
      [1, 'yellow', mod1.id],
      [2, 'green', mod2.id],
    ]);
    expect(await db.database.prisma.submissionVersion.count({ where: { submissionId: item.id } })).toBe(2);
  });

  it('red: rejected with a reason, the English writer is told; a red item is never published afterwards', async () => {
    const item = await submit(writerEn, 'Cheap flats', 'Ask my cousin, he rents flats without a contract, cash only.', 'en');
    await mod1.chat.say('/review');
    await mod1.chat.tap('red');
    await mod1.chat.tap('back');
    expect(mod1.chat.question).toContain('Cheap flats');
    await mod1.chat.tap('red');
    await mod1.chat.say('Mietverträge ohne Vertrag sind nicht rechtssicher.');
    expect(mod1.chat.view.messages[0]!.text).toBe(rendered(service, 'de', msg('moderation:review.done.red', { ref: ref(item.id) })));
    await service.app.worker.drain();
    expect(await inboxTexts(writerEn)).toEqual([rendered(service, 'en', msg('moderation:item.rejected', { title: 'Cheap flats', ref: ref(item.id), reason: 'Mietverträge ohne Vertrag sind nicht rechtssicher.' }))]);

    const jobs = await db.database.prisma.job.count();
    const reader = await personRow(bystander);
    const byReader = await service.app.store.transaction((repos) => decideItem(repos, reader, item.id, 1, 'green', null, new Date(), randomUUID));
    expect(byReader).toEqual({ kind: 'not-allowed' });
    const moderator = await personRow(mod2);
    const green = await service.app.store.transaction((repos) => decideItem(repos, moderator, item.id, 1, 'green', null, new Date(), randomUUID));
    expect(green).toMatchObject({ kind: 'already-decided', decision: { verdict: 'red' } });
    await db.database.prisma.submission.update({ where: { id: item.id }, data: { status: 'withdrawn' } });
    const onWithdrawn = await service.app.store.transaction((repos) => decideItem(repos, moderator, item.id, 2, 'green', null, new Date(), randomUUID));
    expect(onWithdrawn).toEqual({ kind: 'illegal', status: 'withdrawn' });
    expect(await db.database.prisma.submission.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({ status: 'withdrawn' });
    expect(await db.database.prisma.job.count()).toBe(jobs);
  });

  it('a writer cannot review at all, and a moderator never reviews their own item', async () => {
    await writer.chat.say('/review');
    said(writer, 'de', 'moderation:denied.role', { roles: [msg('moderation:role.moderator'), msg('moderation:role.admin')] });
    expect(await db.database.prisma.auditEntry.count({ where: { actorId: writer.id, action: 'access.denied', subjectId: 'item.review' } })).toBe(1);

    const own = await submit(mod1, 'Eigene Erfahrung', 'Die Schuldnerberatung ist kostenlos und hilft schnell weiter.', 'de');
    await mod1.chat.say('/review');
    said(mod1, 'de', 'moderation:review.none');
    const author = await personRow(mod1);
    const outcome = await service.app.store.transaction((repos) => decideItem(repos, author, own.id, 1, 'green', null, new Date(), randomUUID));
    expect(outcome).toEqual({ kind: 'own' });
    expect(await db.database.prisma.submission.findUniqueOrThrow({ where: { id: own.id } })).toMatchObject({ status: 'pending' });
    await mod2.chat.say('/review');
    await mod2.chat.tap('green');
  });

  it('two moderators deciding one item at once: one decision counts, the other moderator is told; old buttons are stale', async () => {
    const item = await submit(writer, 'Mietkaution', 'Das Jobcenter kann die Mietkaution als Darlehen übernehmen.', 'de');
    await mod1.chat.say('/review');
    await mod2.chat.say('/review');
    const oldToken = mod1.chat.view.prompt!.token;
    await mod2.chat.tap('yellow');
    const [a, b] = await Promise.all([mod1.chat.tap('green'), mod2.chat.say('Please add where to apply.')]);
    const greenWon = a.messages[0]!.text === rendered(service, 'de', msg('moderation:review.done.green', { ref: ref(item.id) }));
    const yellowWon = b.messages[0]!.text === rendered(service, 'en', msg('moderation:review.done.yellow', { ref: ref(item.id) }));
    expect(greenWon !== yellowWon).toBe(true);
    if (greenWon) expect(b.messages[0]!.text).toBe(rendered(service, 'en', msg('moderation:review.alreadyDecided', { ref: ref(item.id), verdict: msg('moderation:verdict.green') })));
    else expect(a.messages[0]!.text).toBe(rendered(service, 'de', msg('moderation:review.alreadyDecided', { ref: ref(item.id), verdict: msg('moderation:verdict.yellow') })));
    expect(await db.database.prisma.moderationDecision.count({ where: { submissionId: item.id } })).toBe(1);
    expect(await db.database.prisma.job.count({ where: { key: `submission:${item.id}:1` } })).toBe(1);

    await mod1.chat.send({ type: 'choice', token: oldToken, values: ['red'] });
    said(mod1, 'de', 'conversation:stale');
  });

  if (backend.name === 'postgres') {
    it('holds on PostgreSQL when the second decision waits on the first transaction', async () => {
      const item = await submit(writer, 'Sozialticket', 'Mit dem Bescheid bekommt man das Sozialticket im Kundencenter.', 'de');
      const [first, second] = [await personRow(mod1), await personRow(mod2)];
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const one = service.app.store.transaction(async (repos) => {
        const outcome = await decideItem(repos, first, item.id, 1, 'green', null, new Date(), randomUUID);
        await held;
        return outcome;
      });
      await new Promise((r) => setTimeout(r, 100));
      const two = service.app.store.transaction((repos) => decideItem(repos, second, item.id, 1, 'red', 'Doppelt.', new Date(), randomUUID));
      await new Promise((r) => setTimeout(r, 300));
      release();
      expect(await one).toEqual({ kind: 'decided', verdict: 'green' });
      expect(await two).toMatchObject({ kind: 'already-decided', decision: { verdict: 'green', reviewerId: mod1.id } });
    });
  }
});
