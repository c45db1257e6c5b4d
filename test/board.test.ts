import { randomBytes, randomUUID } from 'node:crypto';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminService, decideItem, DEFAULT_MODERATION, markNeedMet, msg, postBoardItem, type Msg } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { inboxTexts, person, rendered } from './support/moderation.js';
import { seedVolunteers, type SeededVolunteer } from './support/seed.js';
import { startApp, type RunningApp } from './support/test-app.js';
import { WebChatClient } from './support/web-chat-client.js';

const TZ = 'Europe/Berlin';
const HOUR = 3600_000;
/** A moment as a person types it in the region's time zone: "2026-12-05 18:00". */
const typed = (d: Date) => new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
const typedDay = (d: Date) => typed(d).slice(0, 10);
/** Whole minutes from now, so what was typed is exactly what is stored. */
const inHours = (h: number) => new Date(Math.floor((Date.now() + h * HOUR) / 60_000) * 60_000);

describe.each(backends)('events, trainings, needs and offers on $name', (backend) => {
  let db: TestDatabase;
  let service: RunningApp;
  let writer: SeededVolunteer;
  let moderator: SeededVolunteer;
  let coordinator: SeededVolunteer;
  let reader: SeededVolunteer;
  let hamburg: SeededVolunteer;
  let refugee: WebChatClient;
  const ids: Record<string, string> = {};
  const prisma = () => db.database.prisma;
  const latest = (authorId: string) => prisma().submission.findFirstOrThrow({ where: { authorId }, orderBy: { createdAt: 'desc' } });
  const say = (who: string | WebChatClient, locale: string, key: string, params?: Msg['params']) =>
    expect(typeof who === 'string' ? who : who.said).toBe(rendered(service, locale, msg(key, params)));

  beforeAll(async () => {
    db = await backend.create();
    service = await startApp(db.database, { QUIET_HOURS: '0-0', BOARD_NEAR_KM: '20', BOARD_REMINDER_HOURS: '24' });
    writer = await person(prisma(), service, 'de', ['writer']);
    moderator = await person(prisma(), service, 'de', ['moderator']);
    coordinator = await person(prisma(), service, 'en');
    reader = await person(prisma(), service, 'fr');
    [hamburg] = (await seedVolunteers(prisma(), service.url, [{ locale: 'de', lat: 53.55, lon: 9.99 }])) as [SeededVolunteer];
    await hamburg.chat.open();
    const region = (await service.app.store.regions.getDefault())!;
    await service.app.store.organisations.create({ id: randomUUID(), regionId: region.id, slug: 'welcome-cafe', name: 'Welcome Café' });
    await new AdminService(service.app.store, randomUUID).grantRole({ person: `${coordinator.id}@example.org`, role: 'coordinator', organisation: 'welcome-cafe', reason: 'test' });
  });
  afterAll(async () => {
    await service?.close();
    await db?.destroy();
  });

  /** Posts through /post: each answer is typed, or tapped when it starts with "tap:". */
  async function post(who: SeededVolunteer, kind: string, answers: string[]) {
    await who.chat.say('/post');
    await who.chat.tap(kind);
    for (const a of answers) await (a.startsWith('tap:') ? who.chat.tap(a.slice(4)) : who.chat.say(a));
    await who.chat.tap('send');
    return latest(who.id);
  }

  async function approve(id: string) {
    await moderator.chat.say('/review');
    expect(moderator.chat.question).toContain(id.slice(0, 8));
    await moderator.chat.tap('green');
    await service.app.worker.drain();
  }

  /** The titles a listing shows, as button values. */
  const listed = (chat: WebChatClient) => chat.view.prompt!.choices.map((c) => c.value).filter((v) => v.startsWith('i:')).map((v) => v.slice(2));

  it('a reader cannot post, and a writer cannot post a donation need; nothing is stored', async () => {
    await reader.chat.say('/post');
    say(reader.chat, 'fr', 'moderation:denied.role', { roles: ['writer', 'coordinator', 'moderator', 'admin'].map((r) => msg(`moderation:role.${r}`)) });
    await writer.chat.say('/post');
    expect(writer.chat.view.prompt!.choices.map((c) => c.value)).toEqual(['event', 'training', 'back']);
    // A forged answer with a kind the writer was not offered is not taken; nor does the rule itself let it through.
    await writer.chat.send({ type: 'choice', token: writer.chat.view.prompt!.token, values: ['need'] });
    say(writer.chat, 'de', 'conversation:pickOne');
    await writer.chat.tap('back');
    const writerPerson = (await service.app.store.people.findById(writer.id))!;
    const need = { kind: 'need' as const, title: 'Windeln', body: 'Größe 4 und 5, originalverpackt.', topic: 'children', language: 'de', startsAt: null, endsAt: null, placeName: 'Göttingen', lat: 51.53, lon: 9.93, organiser: null, capacity: null, quantity: '10', until: null };
    expect(await service.app.store.transaction((repos) => postBoardItem(repos, writerPerson, need, DEFAULT_MODERATION.wordLists, new Date(), randomUUID()))).toBe('not-allowed');
    expect(await prisma().boardItem.count()).toBe(0);
    expect(await prisma().submission.count()).toBe(0);
    const denied = await prisma().auditEntry.findMany({ where: { action: 'access.denied', subjectId: 'board.event.post' } });
    expect(denied.map((d) => d.actorId)).toEqual([reader.id]);
  });

  it('a coordinator posts an event; every bad answer is explained; it is listed only after a moderator’s green', async () => {
    const start = inHours(3);
    const end = new Date(start.getTime() + 2 * HOUR);
    await coordinator.chat.say('/post');
    await coordinator.chat.tap('event');
    await coordinator.chat.say('Ko');
    say(coordinator.chat, 'en', 'moderation:submit.invalid.title', { min: 3, max: 120 });
    await coordinator.chat.say('Sewing café');
    await coordinator.chat.say('Bring fabric if you have some; machines are there.');
    await coordinator.chat.tap('everyday');
    await coordinator.chat.say('next friday');
    say(coordinator.chat, 'en', 'board:invalid.dateTime');
    await coordinator.chat.say(typed(inHours(-5)));
    say(coordinator.chat, 'en', 'board:invalid.past');
    await coordinator.chat.say(typed(start));
    await coordinator.chat.say(typed(new Date(start.getTime() - HOUR)));
    say(coordinator.chat, 'en', 'board:invalid.endBeforeStart');
    await coordinator.chat.say(typed(end));
    await coordinator.chat.say('Atlantis 99');
    say(coordinator.chat, 'en', 'calls:invalid.place', { query: 'Atlantis 99' });
    await coordinator.chat.say('Markt 1, 37073 Göttingen');
    await coordinator.chat.say('Welcome Café');
    await coordinator.chat.say('0');
    say(coordinator.chat, 'en', 'board:invalid.capacity', { min: 1, max: 10000 });
    await coordinator.chat.say('3');
    expect(coordinator.chat.question).toContain('Sewing café');
    await coordinator.chat.tap('send');
    const event = await latest(coordinator.id);
    ids.event = event.id;
    say(coordinator.chat, 'en', 'moderation:submit.sent', { title: 'Sewing café', ref: event.id.slice(0, 8) });
    expect(event).toMatchObject({ kind: 'event', status: 'pending', topic: 'everyday', organisationId: expect.any(String) });
    const item = await prisma().boardItem.findUniqueOrThrow({ where: { submissionId: event.id } });
    expect(item).toMatchObject({ startsAt: start, endsAt: end, capacity: 3, taken: 0, organiser: 'Welcome Café', placeName: 'Markt 1, 37073 Göttingen' });
    expect(item.lat).toBeCloseTo(51.53, 1);

    await reader.chat.say('/events');
    say(reader.chat.question, 'fr', 'board:list.none', { kind: msg('board:plural.event'), km: 20 });
    // The moderator sees the event's own fields where the review shows the place.
    await moderator.chat.say('/review');
    expect(moderator.chat.question).toContain(rendered(service, 'de', msg('board:review.dated', { place: 'Markt 1, 37073 Göttingen', organiser: 'Welcome Café', when: { dateTime: start, until: end, timeZone: TZ }, capacity: 3 })));
    await approve(event.id);
    await reader.chat.say('/events');
    expect(listed(reader.chat)).toEqual([event.id]);
  });

  it('a refugee without an account signs up with one button; a double tap counts once; the reminder comes; cancelling frees the place', async () => {
    refugee = new WebChatClient(service.url, 'uk;q=1');
    await refugee.open();
    await refugee.say('/info');
    await refugee.tap('uk');
    await refugee.tap('agree');
    await refugee.pick([]);
    await refugee.tap('none');
    await refugee.say('/events');
    await refugee.tap(`i:${ids.event}`);
    const item = await prisma().boardItem.findUniqueOrThrow({ where: { submissionId: ids.event } });
    const when = { dateTime: item.startsAt!, until: item.endsAt!, timeZone: TZ };
    expect(refugee.question).toBe(
      rendered(service, 'uk', msg('board:item.dated', { kind: msg('moderation:kind.event'), title: 'Sewing café', body: 'Bring fabric if you have some; machines are there.', topic: msg('moderation:topic.everyday'), place: 'Markt 1, 37073 Göttingen', organiser: 'Welcome Café', when, capacity: 3, free: 3 })),
    );
    const token = refugee.view.prompt!.token;
    await refugee.tap('signup');
    say(refugee, 'uk', 'board:signup.done', { title: 'Sewing café', when, hours: 24 });
    expect(refugee.view.prompt!.choices.map((c) => c.value)).toEqual(['cancel', 'back']);
    // The same button again, as a second tap on a slow connection: stale, it changes nothing.
    await refugee.send({ type: 'choice', token, values: ['signup'] });
    say(refugee, 'uk', 'conversation:stale');
    expect(refugee.view.prompt!.choices.map((c) => c.value)).toEqual(['cancel', 'back']);
    expect(await prisma().boardSignup.count({ where: { submissionId: ids.event } })).toBe(1);
    expect((await prisma().boardItem.findUniqueOrThrow({ where: { submissionId: ids.event } })).taken).toBe(1);

    // The event starts in three hours, within the 24 hours: the reminder is due at once.
    await service.app.worker.drain();
    const inbox = await fetch(`${service.url}/api/web/inbox`, { headers: { cookie: refugee.cookie! } });
    const { messages } = (await inbox.json()) as { messages: { view: { messages: { text: string }[] } }[] };
    expect(messages.map((m) => m.view.messages.map((x) => x.text).join('\n'))).toEqual([rendered(service, 'uk', msg('board:reminder.event', { title: 'Sewing café', when, place: 'Markt 1, 37073 Göttingen' }))]);

    await refugee.tap('cancel');
    say(refugee, 'uk', 'board:signup.cancelled');
    expect((await prisma().boardItem.findUniqueOrThrow({ where: { submissionId: ids.event } })).taken).toBe(0);
    expect(refugee.view.prompt!.choices.map((c) => c.value)).toEqual(['signup', 'back']);
    await refugee.tap('signup');
    say(refugee, 'uk', 'board:signup.done', { title: 'Sewing café', when, hours: 24 });
  });

  it('a full event answers kindly; the places left are shown', async () => {
    for (const who of [writer, reader]) {
      await who.chat.say('/events');
      await who.chat.tap(`i:${ids.event}`);
      await who.chat.tap('signup');
    }
    await hamburg.chat.say('/events');
    await hamburg.chat.tap(`i:${ids.event}`);
    const item = await prisma().boardItem.findUniqueOrThrow({ where: { submissionId: ids.event } });
    const when = { dateTime: item.startsAt!, until: item.endsAt!, timeZone: TZ };
    expect(hamburg.chat.question).toBe(
      rendered(service, 'de', msg('board:item.dated', { kind: msg('moderation:kind.event'), title: 'Sewing café', body: 'Bring fabric if you have some; machines are there.', topic: msg('moderation:topic.everyday'), place: 'Markt 1, 37073 Göttingen', organiser: 'Welcome Café', when, capacity: 3, free: 0 })),
    );
    await hamburg.chat.tap('signup');
    say(hamburg.chat, 'de', 'board:signup.full');
    expect(await prisma().boardSignup.count({ where: { submissionId: ids.event } })).toBe(3);
    expect((await prisma().boardItem.findUniqueOrThrow({ where: { submissionId: ids.event } })).taken).toBe(3);
  });

  it('somebody without any profile can read the board, but is asked to set one up before signing up', async () => {
    const stranger = new WebChatClient(service.url, 'tr;q=1');
    await stranger.open();
    await stranger.say('/events');
    expect(listed(stranger)).toEqual([ids.event]);
    await stranger.tap(`i:${ids.event}`);
    await stranger.tap('signup');
    say(stranger, 'tr', 'board:needsProfile');
    await stranger.tap('back');
    await stranger.tap('back');
    // Back from the board is where a new chat starts: the first question of the registration.
    expect(stranger.question).toBe(rendered(service, 'tr', msg('registration:ask.language')));
    expect(await prisma().boardSignup.count({ where: { submissionId: ids.event } })).toBe(3);
  });

  it('many people signing up at the same moment, each tapping twice: exactly the capacity get a place, nobody twice', async () => {
    const start = inHours(48);
    const training = await post(writer, 'training', ['First aid for volunteers', 'Eight hours with a certificate at the end.', 'tap:health', typed(start), typed(new Date(start.getTime() + 8 * HOUR)), '37073 Göttingen', 'Red Cross', '4']);
    ids.training = training.id;
    await approve(training.id);
    const crowd = await seedVolunteers(prisma(), service.url, Array.from({ length: 12 }, () => ({ locale: 'en' })));
    for (const v of crowd) {
      await v.chat.open();
      await v.chat.say('/trainings');
      await v.chat.tap(`i:${training.id}`);
    }
    const taps = crowd.flatMap((v) => {
      const token = v.chat.view.prompt!.token;
      return [0, 1].map(() => fetch(`${service.url}/api/web/events`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: v.chat.cookie! }, body: JSON.stringify({ eventId: randomUUID(), input: { type: 'choice', token, values: ['signup'] } }) }));
    });
    const responses = await Promise.all(taps);
    expect(responses.every((r) => r.status < 500)).toBe(true);
    const signups = await prisma().boardSignup.findMany({ where: { submissionId: training.id } });
    expect(signups).toHaveLength(4);
    expect(new Set(signups.map((s) => s.personId)).size).toBe(4);
    expect((await prisma().boardItem.findUniqueOrThrow({ where: { submissionId: training.id } })).taken).toBe(4);
    // The reminder for a training in two days waits until a day before.
    const reminders = await prisma().job.findMany({ where: { name: 'board.reminder', key: { startsWith: `board-reminder:${training.id}:` } } });
    expect(reminders).toHaveLength(4);
    for (const r of reminders) expect(r.runAt.getTime()).toBe(start.getTime() - 24 * HOUR);
  });

  it('the region’s iCal feed holds the published current events and trainings, and parses back', async () => {
    const response = await fetch(`${service.url}/board/default.ics?lang=de`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/calendar/);
    const text = await response.text();
    const calendar = new ICAL.Component(ICAL.parse(text));
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe(rendered(service, 'de', msg('board:calendarName', { region: (await service.app.store.regions.getDefault())!.name })));
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => e.summary).sort()).toEqual(['First aid for volunteers', 'Sewing café']);
    const sewing = events.find((e) => e.summary === 'Sewing café')!;
    const stored = await prisma().boardItem.findUniqueOrThrow({ where: { submissionId: ids.event } });
    expect(sewing.startDate.toJSDate().getTime()).toBe(stored.startsAt!.getTime());
    expect(sewing.endDate.toJSDate().getTime()).toBe(stored.endsAt!.getTime());
    expect(sewing.location).toBe('Markt 1, 37073 Göttingen');
    expect(sewing.uid).toBe(`${ids.event}@helferruf-board`);
    expect(sewing.description).toContain('Bring fabric');
    // Nothing about who signed up.
    expect(text).not.toContain(reader.id);
    expect((await fetch(`${service.url}/board/nowhere.ics`)).status).toBe(404);
    expect((await fetch(`${service.url}/board/..%2Fetc.ics`)).status).toBe(404);
  });

  it('a long listing comes in short pages with “More”, soonest first', async () => {
    const store = service.app.store;
    const author = (await store.people.findById(coordinator.id))!;
    const reviewer = (await store.people.findById(moderator.id))!;
    for (let n = 1; n <= 6; n++) {
      const id = randomUUID();
      const start = inHours(100 + n);
      const input = { kind: 'training' as const, title: `German course, part ${n}`, body: 'Beginners welcome, no registration needed.', topic: 'language', language: 'en', startsAt: start, endsAt: new Date(start.getTime() + HOUR), placeName: '37073 Göttingen', lat: 51.53, lon: 9.93, organiser: 'VHS', capacity: 10, quantity: null, until: null };
      expect(await store.transaction((repos) => postBoardItem(repos, author, input, DEFAULT_MODERATION.wordLists, new Date(), id))).toBe('submitted');
      expect((await store.transaction((repos) => decideItem(repos, reviewer, id, 1, 'green', null, new Date(), randomUUID))).kind).toBe('decided');
    }
    await hamburg.chat.say('/trainings');
    const first = hamburg.chat.view.prompt!.choices;
    expect(first).toHaveLength(5 + 3);
    expect(first.slice(5).map((c) => c.value)).toEqual(['more', 'near', 'back']);
    expect(first[0]!.value).toBe(`i:${ids.training}`);
    expect(hamburg.chat.question).toBe(rendered(service, 'de', msg('board:list.header', { kind: msg('board:plural.training'), count: 7 })));
    await hamburg.chat.tap('more');
    const startOf = async (title: string) => (await prisma().boardItem.findFirstOrThrow({ where: { submission: { versions: { some: { title } } } } })).startsAt!;
    expect(hamburg.chat.view.prompt!.choices.map((c) => c.label)).toEqual([
      rendered(service, 'de', msg('board:option.dated', { title: 'German course, part 5', when: { dateTime: await startOf('German course, part 5'), timeZone: TZ }, near: '' })),
      rendered(service, 'de', msg('board:option.dated', { title: 'German course, part 6', when: { dateTime: await startOf('German course, part 6'), timeZone: TZ }, near: '' })),
      rendered(service, 'de', msg('board:near.button', { km: 20 })),
      rendered(service, 'de', msg('board:back')),
    ]);
  });

  it('a person’s own sign-ups are in their personal calendar feed', async () => {
    const token = randomBytes(32).toString('base64url');
    await service.app.store.commitments.setCalendarToken(writer.id, token);
    const response = await fetch(`${service.url}/calendar/${token}.ics`);
    expect(response.status).toBe(200);
    const events = new ICAL.Component(ICAL.parse(await response.text())).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    // The writer signed up for the sewing café; the training is the writer's own, not a sign-up.
    expect(events.map((e) => [e.summary, e.uid])).toEqual([['Sewing café', `board-${ids.event}@helferruf`]]);
  });

  it('near me: only items within the distance of the person’s place; a refugee without a place is told', async () => {
    const start = inHours(72);
    const far = await post(coordinator, 'event', ['Harbour clean-up', 'We clean the riverbank together.', 'tap:everyday', typed(start), typed(new Date(start.getTime() + 3 * HOUR)), '20095 Hamburg', 'Welcome Café', '30']);
    ids.far = far.id;
    await approve(far.id);
    await reader.chat.say('/events');
    expect(listed(reader.chat)).toEqual([ids.event, ids.far]);
    await reader.chat.tap('near');
    expect(listed(reader.chat)).toEqual([ids.event]);
    expect(reader.chat.question).toBe(rendered(service, 'fr', msg('board:list.headerNear', { kind: msg('board:plural.event'), count: 1, km: 20 })));
    await hamburg.chat.say('/events near');
    expect(listed(hamburg.chat)).toEqual([ids.far]);
    await refugee.say('/events');
    await refugee.tap('near');
    say(refugee, 'uk', 'board:near.noPlace');
    expect(listed(refugee)).toEqual([ids.event, ids.far]);
  });

  it('a donation need marked as met leaves the listing; only its organisation or a moderator may mark it', async () => {
    const until = new Date(Date.now() + 10 * 24 * HOUR);
    const need = await post(coordinator, 'need', ['Winter jackets for children', 'Sizes 110 to 152, clean and without damage.', 'tap:children', '20 jackets', 'Weender Str. 5, 37073 Göttingen', typedDay(until)]);
    ids.need = need.id;
    const stored = await prisma().boardItem.findUniqueOrThrow({ where: { submissionId: need.id } });
    expect(typed(stored.until!)).toBe(`${typedDay(until)} 23:59`);
    await approve(need.id);
    await reader.chat.say('/needs');
    expect(listed(reader.chat)).toEqual([need.id]);
    await reader.chat.tap(`i:${need.id}`);
    expect(reader.chat.view.prompt!.choices.map((c) => c.value)).toEqual(['back']);
    // A forged button is not among the choices; and the rule itself refuses, whoever calls it.
    await reader.chat.send({ type: 'choice', token: reader.chat.view.prompt!.token, values: ['met'] });
    say(reader.chat, 'fr', 'conversation:pickOne');
    const readerPerson = (await service.app.store.people.findById(reader.id))!;
    expect(await service.app.store.transaction((repos) => markNeedMet(repos, readerPerson, need.id, new Date()))).toBe('not-allowed');
    const writerPerson = (await service.app.store.people.findById(writer.id))!;
    expect(await service.app.store.transaction((repos) => markNeedMet(repos, writerPerson, need.id, new Date()))).toBe('not-allowed');

    await coordinator.chat.say('/needs');
    await coordinator.chat.tap(`i:${need.id}`);
    await coordinator.chat.tap('met');
    say(coordinator.chat, 'en', 'board:met.done');
    say(coordinator.chat.question, 'en', 'board:list.none', { kind: msg('board:plural.need'), km: 20 });
    await reader.chat.say('/needs');
    expect(listed(reader.chat)).toEqual([]);
  });

  it('expired events and needs leave the listings and the feed by themselves', async () => {
    const until = new Date(Date.now() + 5 * 24 * HOUR);
    const need = await post(moderator, 'need', ['Baby formula', 'Unopened packs only, please.', 'tap:children', '30 packs', '37073 Göttingen', typed(until)]);
    await new AdminService(service.app.store, randomUUID).grantRole({ person: `${writer.id}@example.org`, role: 'moderator', reason: 'second moderator to review the first one' });
    await writer.chat.say('/review');
    await writer.chat.tap('green');
    await reader.chat.say('/needs');
    expect(listed(reader.chat)).toEqual([need.id]);
    const past = new Date(Date.now() - HOUR);
    await prisma().boardItem.update({ where: { submissionId: need.id }, data: { until: past } });
    await prisma().boardItem.update({ where: { submissionId: ids.far }, data: { startsAt: new Date(past.getTime() - 3 * HOUR), endsAt: past } });
    await reader.chat.say('/needs');
    expect(listed(reader.chat)).toEqual([]);
    await reader.chat.say('/events');
    expect(listed(reader.chat)).toEqual([ids.event]);
    const feed = await (await fetch(`${service.url}/board/default.ics`)).text();
    expect(feed).not.toContain('Harbour clean-up');
    expect(feed).toContain('Sewing café');
  });

  it('an offer is answered through the bot, without either side’s name or number', async () => {
    const offer = await post(coordinator, 'offer', ['Bicycle repairs by our apprentices', 'Every Saturday morning, free of charge.', 'tap:everyday', 'Velo GmbH', '37073 Göttingen']);
    await approve(offer.id);
    await reader.chat.say('/offers');
    await reader.chat.tap(`i:${offer.id}`);
    await reader.chat.tap('contact');
    await reader.chat.say('short');
    say(reader.chat, 'fr', 'board:contact.invalid', { min: 10, max: 1000 });
    await reader.chat.say('Mon vélo a un pneu crevé, samedi ça irait ?');
    say(reader.chat, 'fr', 'board:contact.sent');
    await service.app.worker.drain();
    const received = await inboxTexts(coordinator);
    expect(received.at(-1)).toBe(rendered(service, 'en', msg('board:contact.received', { title: 'Bicycle repairs by our apprentices', ref: offer.id.slice(0, 8), text: 'Mon vélo a un pneu crevé, samedi ça irait ?' })));
    const person = await prisma().person.findUniqueOrThrow({ where: { id: reader.id } });
    expect(received.at(-1)).not.toContain(person.lastName!);
    expect(received.at(-1)).not.toContain(person.email!);
  });

  it('sign-ups are the person’s data: in their export, and deleted with them, freeing the place', async () => {
    await reader.chat.say('/export');
    const data = JSON.parse(reader.chat.view.attachment!.content) as { signups: { kind: string; title: string }[] };
    expect(data.signups).toEqual([expect.objectContaining({ kind: 'event', title: 'Sewing café' })]);
    await reader.chat.say('/delete');
    await reader.chat.tap('yes');
    expect(await prisma().boardSignup.count({ where: { personId: reader.id } })).toBe(0);
    expect((await prisma().boardItem.findUniqueOrThrow({ where: { submissionId: ids.event } })).taken).toBe(2);
  });
});
