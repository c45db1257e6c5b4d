import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminService, msg } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { inboxTexts, person, rendered } from './support/moderation.js';
import { seedVolunteers, type SeededVolunteer } from './support/seed.js';
import { startApp, type RunningApp } from './support/test-app.js';
import { cardText, LocalBotConnector, sentText, TeamsUser, type Card } from './support/bot-connector.js';

const LOCAL = { QUIET_HOURS: '0-0', TEAMS_ALLOW_UNAUTHENTICATED: 'true' };
const BODY = 'Beim Wohnungsamt bekommt man den Antrag sofort. Fragen Sie Frau K. unter 0551 123456 oder auf https://wohnen.example.de nach.';
const DAY = 24 * 3600_000;

/**
 * Moderators work in Teams: the review queue and role requests arrive as
 * Adaptive Cards through the real CloudAdapter and the local Bot Framework
 * connector; writers and requesters use the web chat.
 */
describe.each(backends)('moderating from Microsoft Teams on $name', (backend) => {
  let db: TestDatabase;
  let service: RunningApp;
  let connector: LocalBotConnector;
  let writer: SeededVolunteer;
  let moderatorId: string;
  let moritz: TeamsUser;
  const ref = (id: string) => id.slice(0, 8);
  const de = (key: string, params?: Parameters<typeof msg>[1]) => rendered(service, 'de', msg(key, params));
  const latest = (authorId: string) => db.database.prisma.submission.findFirstOrThrow({ where: { authorId }, orderBy: { createdAt: 'desc' } });
  const titles = (card: Card) => (card.actions ?? []).map((a) => a.title);

  beforeAll(async () => {
    db = await backend.create();
    connector = await LocalBotConnector.start();
    service = await startApp(db.database, LOCAL);
    const prisma = db.database.prisma;
    writer = await person(prisma, service, 'de', ['writer']);
    // A registered person who also has the bot in Teams (registration in Teams itself is in teams.test.ts).
    const [moderator] = await seedVolunteers(prisma, service.url, [{ locale: 'de' }]);
    moderatorId = moderator!.id;
    await prisma.channelIdentity.create({ data: { channel: 'teams', address: '29:moritz', personId: moderatorId } });
    await new AdminService(service.app.store, randomUUID).grantRole({ person: `${moderatorId}@example.org`, role: 'moderator', reason: 'test' });
    moritz = new TeamsUser(connector, service.url, { userId: '29:moritz', conversationId: 'a:personal-moritz', locale: 'de-DE' });
  });
  afterAll(async () => {
    await service?.close();
    await connector?.close();
    await db?.destroy();
  });

  async function submit(title: string, body: string) {
    await writer.chat.say('/submit');
    await writer.chat.tap('report');
    await writer.chat.say(title);
    await writer.chat.say(body);
    await writer.chat.tap('housing');
    await writer.chat.tap('de');
    await writer.chat.tap('skip');
    await writer.chat.tap('send');
    return latest(writer.id);
  }

  it('yellow: the queue comes as a card with the pre-check flags and the traffic-light buttons; the notes go back to the writer', async () => {
    const item = await submit('Wohnberechtigungsschein beantragen', BODY);
    expect(item.status).toBe('pending');

    const opened = await moritz.say('/review');
    expect(opened).toHaveLength(1);
    const review = moritz.latestCard();
    const shown = cardText(review.card);
    expect(shown).toContain(`Nr. ${ref(item.id)} – Erfahrungsbericht, Fassung 1`);
    expect(shown).toContain('Vorprüfung: bitte prüfen: ein Link: https://wohnen.example.de und eine Telefonnummer: 0551 123456');
    expect(shown).toContain('in Prüfung 1; Verwarnungen: 0');
    expect(shown).toContain(BODY);
    expect(review.card.actions!.map((a) => [a.type, a.title])).toEqual([
      ['Action.Submit', de('moderation:review.green')],
      ['Action.Submit', de('moderation:review.yellow')],
      ['Action.Submit', de('moderation:review.red')],
      ['Action.Submit', de('moderation:stop')],
    ]);

    await moritz.tap('yellow');
    const notes = moritz.latestCard().card;
    expect(cardText(notes)).toBe(de('moderation:review.ask.notes'));
    expect(notes.body.find((e) => e.id === 'hrText')).toMatchObject({ type: 'Input.Text', isMultiline: true });
    expect(titles(notes)).toEqual([rendered(service, 'de', msg('teams:send')), de('moderation:back')]);
    // Teams itself refuses Send on an empty field, in the card; Back needs no text.
    expect(notes.body.find((e) => e.id === 'hrText')).toMatchObject({ isRequired: true, errorMessage: rendered(service, 'de', msg('teams:answerRequired')) });
    expect(notes.actions!.find((a) => a.data.value === 'back')).toMatchObject({ associatedInputs: 'none' });
    const empty = await moritz.answer('  ');
    expect(empty).toMatchObject({ sent: [], invalid: [rendered(service, 'de', msg('teams:answerRequired'))] });

    // Too short: said in the card, and nothing is decided.
    const short = await moritz.answer('ok');
    expect(sentText(short.sent)).toContain(de('moderation:reasonLength', { min: 3, max: 2000 }));
    expect(await db.database.prisma.moderationDecision.count({ where: { submissionId: item.id } })).toBe(0);

    const decided = await moritz.answer('Bitte keine Telefonnummer von Frau K. nennen.');
    // Said in the card that brings back the menu.
    expect(sentText(decided.sent)).toContain(`${de('moderation:review.done.yellow', { ref: ref(item.id) })}\n${de('moderation:review.none')}`);
    expect(await db.database.prisma.submission.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({ status: 'returned', version: 1 });
    const decisions = await db.database.prisma.moderationDecision.findMany({ where: { submissionId: item.id } });
    expect(decisions.map((d) => [d.version, d.verdict, d.reviewerId, d.reason])).toEqual([[1, 'yellow', moderatorId, 'Bitte keine Telefonnummer von Frau K. nennen.']]);

    await service.app.worker.drain();
    expect(await inboxTexts(writer)).toEqual([de('moderation:item.returned', { title: 'Wohnberechtigungsschein beantragen', ref: ref(item.id), reason: 'Bitte keine Telefonnummer von Frau K. nennen.' })]);

    // The earlier card's Green is stale now: it decides nothing.
    const stale = await moritz.press((a) => a.data.value === 'green', {}, review);
    expect(sentText(stale.sent)).toContain(rendered(service, 'de', msg('conversation:stale')));
    expect(await db.database.prisma.moderationDecision.count({ where: { submissionId: item.id } })).toBe(1);
  });

  it('green and red from the card: published or rejected in the database, and the writer is told each time', async () => {
    const good = await submit('Mietkaution', 'Das Jobcenter kann die Mietkaution als Darlehen übernehmen.');
    const bad = await submit('Billige Wohnungen', 'Mein Cousin vermietet ohne Vertrag, nur gegen Bargeld.');
    await moritz.say('/review');
    expect(cardText(moritz.latestCard().card)).toContain('Vorprüfung: nichts gefunden');
    expect(cardText(moritz.latestCard().card)).toContain('Mietkaution');

    const green = await moritz.tap('green');
    expect(sentText(green.sent)).toContain(de('moderation:review.done.green', { ref: ref(good.id) }));
    expect(await db.database.prisma.submission.findUniqueOrThrow({ where: { id: good.id } })).toMatchObject({ status: 'published' });
    // The next item follows in the same answer, as a card of its own.
    expect(cardText(moritz.latestCard().card)).toContain('Billige Wohnungen');

    await moritz.tap('red');
    expect(cardText(moritz.latestCard().card)).toBe(de('moderation:review.ask.reason'));
    await moritz.tap('back');
    expect(cardText(moritz.latestCard().card)).toContain('Billige Wohnungen');
    await moritz.tap('red');
    const red = await moritz.answer('Wohnungen ohne Mietvertrag vermitteln wir nicht.');
    expect(sentText(red.sent)).toContain(de('moderation:review.done.red', { ref: ref(bad.id) }));
    expect(await db.database.prisma.submission.findUniqueOrThrow({ where: { id: bad.id } })).toMatchObject({ status: 'rejected' });

    await service.app.worker.drain();
    expect((await inboxTexts(writer)).slice(-2)).toEqual([
      de('moderation:item.published', { title: 'Mietkaution', ref: ref(good.id) }),
      de('moderation:item.rejected', { title: 'Billige Wohnungen', ref: ref(bad.id), reason: 'Wohnungen ohne Mietvertrag vermitteln wir nicht.' }),
    ]);
  });

  it('approves a role request with Approve in a card; the person gets the right and is told', async () => {
    const alice = await person(db.database.prisma, service, 'de');
    await db.database.prisma.person.update({ where: { id: alice.id }, data: { createdAt: new Date(Date.now() - 20 * DAY) } });
    await alice.chat.say('/request');
    await alice.chat.say('Ich möchte Fragen zu Behördengängen beantworten.');
    expect(alice.chat.said).toBe(de('moderation:request.sent', { role: msg('moderation:role.commenter') }));

    await moritz.say('/requests');
    const request = moritz.latestCard().card;
    expect(cardText(request)).toContain('Ich möchte Fragen zu Behördengängen beantworten.');
    expect(titles(request)).toEqual([de('moderation:requests.approve'), de('moderation:requests.decline'), de('moderation:stop')]);
    await moritz.tap('approve');
    expect(cardText(moritz.latestCard().card)).toBe(de('moderation:requests.ask.approve'));
    const approved = await moritz.answer('Willkommen, danke fürs Mitmachen.');
    expect(sentText(approved.sent)).toContain(`${de('moderation:requests.done.approved', { role: msg('moderation:role.commenter') })}\n${de('moderation:requests.none')}`);

    expect(await db.database.prisma.roleRequest.findFirstOrThrow({ where: { personId: alice.id } })).toMatchObject({ status: 'approved', decidedById: moderatorId });
    expect(await db.database.prisma.roleGrant.findMany({ where: { personId: alice.id, revokedAt: null } })).toMatchObject([{ role: 'commenter', grantedById: moderatorId }]);
    await service.app.worker.drain();
    expect(await inboxTexts(alice)).toEqual([de('moderation:request.approved', { role: msg('moderation:role.commenter'), reason: 'Willkommen, danke fürs Mitmachen.' })]);
  });

  it('refuses the review queue to a person in Teams who is no moderator, and records the attempt', async () => {
    const [reader] = await seedVolunteers(db.database.prisma, service.url, [{ locale: 'de' }]);
    await db.database.prisma.channelIdentity.create({ data: { channel: 'teams', address: '29:rita', personId: reader!.id } });
    const rita = new TeamsUser(connector, service.url, { userId: '29:rita', conversationId: 'a:personal-rita', locale: 'de-DE' });
    const refused = await rita.say('/review');
    expect(sentText(refused)).toContain(de('moderation:denied.role', { roles: [msg('moderation:role.moderator'), msg('moderation:role.admin')] }));
    expect(await db.database.prisma.auditEntry.count({ where: { actorId: reader!.id, action: 'access.denied', subjectId: 'item.review' } })).toBe(1);
  });
});
