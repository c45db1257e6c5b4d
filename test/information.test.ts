import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminService, decideItem, msg, submitItem, type Person } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { person, rendered } from './support/moderation.js';
import type { SeededVolunteer } from './support/seed.js';
import { startApp, type RunningApp } from './support/test-app.js';
import { WebChatClient } from './support/web-chat-client.js';

/** Everything the service sent this chat on its own initiative, as text. */
async function inbox(chat: WebChatClient): Promise<string[]> {
  const response = await fetch(`${chat.baseUrl}/api/web/inbox`, { headers: { cookie: chat.cookie! } });
  const { messages } = (await response.json()) as { messages: { view: { messages: { text: string }[] } }[] };
  return messages.map((m) => m.view.messages.map((x) => x.text).join('\n'));
}

const AR = { title: 'السكن: بطاقة الإيجار', body: 'يمكنكم طلب شهادة السكن في دائرة الإسكان، والاستشارة مجانية.' };
const UK = { title: 'Житло: довідка на оренду', body: 'Довідку на житло можна отримати в житловому відділі, консультація безкоштовна.' };
const DE = { title: 'Mieterberatung', body: 'Die Mieterberatung im Rathaus hilft kostenlos bei Fragen zum Mietvertrag.' };

describe.each(backends)('information for refugees on $name', (backend) => {
  let db: TestDatabase;
  let service: RunningApp;
  let writer: SeededVolunteer;
  let moderator: SeededVolunteer;
  let coordinator: SeededVolunteer;
  let arabic: WebChatClient;
  let ukrainian: WebChatClient;
  let persian: WebChatClient;
  const ids: Record<string, string> = {};
  const latest = (authorId: string) => db.database.prisma.submission.findFirstOrThrow({ where: { authorId }, orderBy: { createdAt: 'desc' } });
  const ref = (id: string) => id.slice(0, 8);

  beforeAll(async () => {
    db = await backend.create();
    service = await startApp(db.database, { QUIET_HOURS: '0-0' });
    const prisma = db.database.prisma;
    writer = await person(prisma, service, 'de', ['writer']);
    moderator = await person(prisma, service, 'de', ['moderator']);
    coordinator = await person(prisma, service, 'en');
    const region = (await service.app.store.regions.getDefault())!;
    await service.app.store.organisations.create({ id: randomUUID(), regionId: region.id, slug: 'welcome-cafe', name: 'Welcome Café' });
    await new AdminService(service.app.store, randomUUID).grantRole({ person: `${coordinator.id}@example.org`, role: 'coordinator', organisation: 'welcome-cafe', reason: 'test' });
  });
  afterAll(async () => {
    await service?.close();
    await db?.destroy();
  });

  /** A refugee opens the chat and sets up /info: no name, e-mail or phone is asked. */
  async function refugee(locale: string, topics: string[]): Promise<WebChatClient> {
    const chat = new WebChatClient(service.url, `${locale};q=1`);
    await chat.open();
    await chat.say('/info');
    await chat.tap(locale);
    expect(chat.view.locale).toBe(locale);
    const region = (await service.app.store.regions.getDefault())!;
    const notice = { controller: region.controllerName ?? region.name, contact: region.contactEmail ?? '-', version: region.privacyNoticeVersion };
    expect(chat.question).toBe(rendered(service, locale, msg('information:privacy', notice)));
    await chat.tap('agree');
    expect(chat.view.prompt?.multiple).toBe(true);
    await chat.pick(topics);
    await chat.tap('none');
    expect(chat.said).toBe(rendered(service, locale, topics.length ? msg('information:saved', { topics: topics.map((t) => msg(`moderation:topic.${t}`)) }) : msg('information:savedNoTopics')));
    expect(chat.question).toBe(rendered(service, locale, msg('information:home')));
    return chat;
  }

  async function submit(title: string, body: string, language: string) {
    await writer.chat.say('/submit');
    await writer.chat.tap('information');
    await writer.chat.say(title);
    await writer.chat.say(body);
    await writer.chat.tap('housing');
    await writer.chat.tap(language);
    await writer.chat.tap('skip');
    await writer.chat.tap('send');
    return latest(writer.id);
  }

  async function approve() {
    await moderator.chat.say('/review');
    await moderator.chat.tap('green');
  }

  it('a refugee in Arabic and one in Ukrainian set up /info with a language and topics only; nothing names them', async () => {
    arabic = await refugee('ar', ['housing']);
    ukrainian = await refugee('uk', ['housing', 'work']);
    persian = await refugee('fa', []);
    const rows = await db.database.prisma.person.findMany({ where: { kind: 'refugee' }, include: { infoProfile: true, identities: true } });
    expect(rows.map((r) => [r.locale, r.firstName, r.lastName, r.email, r.phone, r.infoProfile?.topics, r.identities.length]).sort()).toEqual([
      ['ar', null, null, null, null, ['housing'], 1],
      ['fa', null, null, null, null, [], 1],
      ['uk', null, null, null, null, ['housing', 'work'], 1],
    ]);
  });

  it('an item published in Arabic and Ukrainian and one in German only: each gets exactly their language, or German with the note', async () => {
    const original = await submit(AR.title, AR.body, 'ar');
    ids.ar = original.id;
    await approve();
    await service.app.worker.drain();
    await writer.chat.say(`/translate ${ref(original.id)}`);
    await writer.chat.tap('uk');
    await writer.chat.say(UK.title);
    await writer.chat.say(UK.body);
    const translation = await latest(writer.id);
    ids.uk = translation.id;
    expect(writer.chat.said).toBe(rendered(service, 'de', msg('information:translate.sent', { ref: ref(translation.id), of: ref(original.id) })));
    await approve();
    await service.app.worker.drain();
    ids.de = (await submit(DE.title, DE.body, 'de')).id;
    await approve();
    await service.app.worker.drain();

    const topic = msg('moderation:topic.housing');
    expect(await inbox(arabic)).toEqual([
      rendered(service, 'ar', msg('information:new', { topic, ...AR })),
      rendered(service, 'ar', msg('information:newFallback', { topic, ...DE, language: { language: 'de' } })),
    ]);
    expect(await inbox(ukrainian)).toEqual([
      rendered(service, 'uk', msg('information:new', { topic, ...UK })),
      rendered(service, 'uk', msg('information:newFallback', { topic, ...DE, language: { language: 'de' } })),
    ]);
    expect(await inbox(persian)).toEqual([]);
    // The Arabic text reads right to left with the German title isolated inside it.
    expect((await inbox(arabic))[1]).toContain(`\u2066${DE.title}\u2069`);
  });

  it('browsing a topic shows each item once in the reader’s language, a German-only one with the note', async () => {
    await arabic.say('/info');
    await arabic.tap('topic');
    await arabic.tap('housing');
    expect(arabic.question).toBe(rendered(service, 'ar', msg('information:list.header', { topic: msg('moderation:topic.housing'), count: 2 })));
    expect(arabic.view.prompt!.choices.map((c) => c.label)).toEqual([DE.title, AR.title, rendered(service, 'ar', msg('information:back'))]);
    await arabic.tap(`i:${ids.de}`);
    expect(arabic.question).toContain(rendered(service, 'ar', msg('information:itemFallback', { language: { language: 'de' }, topic: msg('moderation:topic.housing'), title: DE.title, body: DE.body, languages: [{ language: 'de' }] })));
    await arabic.tap('back');
    await arabic.tap('topic');
    await arabic.tap('housing');
    await arabic.tap(`i:${ids.ar}`);
    expect(arabic.question).toBe(rendered(service, 'ar', msg('information:item', { topic: msg('moderation:topic.housing'), ...AR, languages: [{ language: 'ar' }, { language: 'uk' }] })));
  });

  it('search by a word finds an item in the reader’s languages only', async () => {
    await ukrainian.say('/info');
    await ukrainian.say('hello');
    expect(ukrainian.said).toBe(rendered(service, 'uk', msg('conversation:pickOne')));
    await ukrainian.tap('search');
    await ukrainian.say('д');
    expect(ukrainian.said).toBe(rendered(service, 'uk', msg('information:search.invalid', { min: 2, max: 60 })));
    await ukrainian.say('довідк');
    expect(ukrainian.question).toBe(rendered(service, 'uk', msg('information:search.header', { word: 'довідк', count: 1 })));
    expect(ukrainian.view.prompt!.choices.map((c) => c.value)).toEqual([`i:${ids.uk}`, 'back']);
    await ukrainian.tap('back');
    await ukrainian.tap('search');
    // The Arabic version is not in a language this reader chose: not found.
    await ukrainian.say('الإسكان');
    expect(ukrainian.question).toBe(rendered(service, 'uk', msg('information:search.none', { word: 'الإسكان' })));
  });

  it('a long topic pages five at a time with “more”', async () => {
    const mod = (await service.app.store.people.findById(moderator.id)) as Person;
    const author = (await service.app.store.people.findById(writer.id)) as Person;
    for (let i = 1; i <= 6; i++) {
      const id = randomUUID();
      await submitItem(service.app.store, author, { kind: 'information', title: `Arbeit ${i}`, body: `Hinweis Nummer ${i} zur Arbeitssuche.`, topic: 'work', language: 'de', placeName: null }, {}, new Date(Date.now() + i * 1000), id);
      expect(await decideItem(service.app.store, mod, id, 1, 'green', null, new Date(Date.now() + i * 1000), randomUUID)).toEqual({ kind: 'decided', verdict: 'green' });
    }
    await ukrainian.say('/info');
    await ukrainian.tap('topic');
    await ukrainian.tap('work');
    expect(ukrainian.view.prompt!.choices.map((c) => c.label)).toEqual(['Arbeit 6', 'Arbeit 5', 'Arbeit 4', 'Arbeit 3', 'Arbeit 2', rendered(service, 'uk', msg('information:more')), rendered(service, 'uk', msg('information:back'))]);
    await ukrainian.tap('more');
    expect(ukrainian.view.prompt!.choices.map((c) => c.label)).toEqual(['Arbeit 1', rendered(service, 'uk', msg('information:back'))]);
  });

  it('a question asked in Persian is answered by a coordinator and arrives back in the same chat; nobody else sees it', async () => {
    const question = 'کجا می‌توانم برای کلاس زبان آلمانی ثبت‌نام کنم؟';
    await persian.say('/info');
    await persian.tap('ask');
    await persian.say('?');
    expect(persian.said).toBe(rendered(service, 'fa', msg('information:question.invalid', { min: 3, max: 1000 })));
    await persian.say(question);
    expect(persian.said).toBe(rendered(service, 'fa', msg('information:question.sent')));
    // A refugee or a writer cannot read the queue.
    await arabic.say('/questions');
    expect(arabic.said).toBe(rendered(service, 'ar', msg('information:questions.denied')));
    await writer.chat.say('/questions');
    expect(writer.chat.said).toBe(rendered(service, 'de', msg('information:questions.denied')));

    await service.app.worker.drain();
    // The region's answerers hear that a question waits, without its text; the writer does not.
    expect(await inbox(coordinator.chat)).toEqual([rendered(service, 'en', msg('information:questions.waiting'))]);
    expect(await inbox(moderator.chat)).toContain(rendered(service, 'de', msg('information:questions.waiting')));
    expect(await inbox(writer.chat)).not.toContain(rendered(service, 'de', msg('information:questions.waiting')));
    await coordinator.chat.say('/questions');
    expect(coordinator.chat.question).toBe(rendered(service, 'en', msg('information:questions.header', { count: 1 })));
    const id = coordinator.chat.view.prompt!.choices[0]!.value;
    await coordinator.chat.tap(id);
    expect(coordinator.chat.question).toContain(question);
    const answer = 'Die Volkshochschule am Theaterplatz, montags 10 bis 12 Uhr.';
    await coordinator.chat.say(answer);
    expect(coordinator.chat.said).toBe(rendered(service, 'en', msg('information:questions.sent')));
    // Publishing it as a Q&A is offered; this answerer keeps it private.
    expect(coordinator.chat.question).toBe(rendered(service, 'en', msg('information:qa.propose')));
    await coordinator.chat.tap('private');
    expect(coordinator.chat.question).toBe(rendered(service, 'en', msg('information:questions.none')));
    await service.app.worker.drain();

    expect(await inbox(persian)).toEqual([rendered(service, 'fa', msg('information:answer', { question, answer }))]);
    for (const other of [arabic, ukrainian, writer.chat, moderator.chat, coordinator.chat]) {
      expect((await inbox(other)).join('\n')).not.toContain(answer);
      expect((await inbox(other)).join('\n')).not.toContain(question);
    }
  });

  it('a refugee’s /export holds their topics and questions, and /delete removes them', async () => {
    await persian.say('/export');
    const exported = JSON.parse(persian.view.attachment!.content) as { information: { topics: string[] }; questions: { text: string; answer: string }[]; profile: { firstName: null } };
    expect(exported.information.topics).toEqual([]);
    expect(exported.questions).toHaveLength(1);
    expect(exported.questions[0]!.answer).toContain('Volkshochschule');
    await arabic.say('/delete');
    await arabic.tap('yes');
    expect(await db.database.prisma.person.count({ where: { kind: 'refugee', locale: 'ar' } })).toBe(0);
    expect(await db.database.prisma.infoProfile.count()).toBe(2);
  });

  it('with several regions a person may pick theirs; their question goes only to that region', async () => {
    const north = { id: randomUUID(), slug: 'northeim', name: 'Northeim', centerLat: 51.7, centerLon: 10.0, radiusKm: 15, isDefault: false, timeZone: 'Europe/Berlin', privacyNoticeVersion: '1', controllerName: null, contactEmail: null };
    expect(await service.app.store.regions.create(north, [])).toBe(true);
    const chat = new WebChatClient(service.url, 'tr;q=1');
    await chat.open();
    await chat.say('/info');
    await chat.tap('tr');
    await chat.tap('agree');
    expect(chat.question).toBe(rendered(service, 'tr', msg('information:ask.region')));
    expect(chat.view.prompt!.choices.map((c) => c.label)).toContain('Northeim');
    await chat.tap(north.id);
    await chat.pick([]);
    await chat.tap('none');
    expect(chat.said).toBe(rendered(service, 'tr', msg('information:savedNoTopics')));
    expect((await db.database.prisma.person.findFirstOrThrow({ where: { locale: 'tr', kind: 'refugee' } })).regionId).toBe(north.id);
    // Northeim has nothing published: the other region's items are not shown.
    await chat.tap('topic');
    await chat.tap('housing');
    expect(chat.question).toBe(rendered(service, 'tr', msg('information:list.none', { topic: msg('moderation:topic.housing') })));
    await chat.tap('back');
    await chat.tap('back');
    await chat.tap('ask');
    await chat.say('Northeim’de Almanca kursu var mı?');
    await coordinator.chat.say('/questions');
    expect(coordinator.chat.question).toBe(rendered(service, 'en', msg('information:questions.none')));
  });
});

describe.each(backends)('information in quiet hours on $name', (backend) => {
  let db: TestDatabase;
  let service: RunningApp;
  let writer: SeededVolunteer;
  let moderator: SeededVolunteer;
  let russian: WebChatClient;
  const ref = (id: string) => id.slice(0, 8);
  const latest = (authorId: string) => db.database.prisma.submission.findFirstOrThrow({ where: { authorId }, orderBy: { createdAt: 'desc' } });

  beforeAll(async () => {
    db = await backend.create();
    // Quiet from this hour for two hours, in the region's time zone: now is quiet.
    const hour = Number(new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone: 'Europe/Berlin' }).format(new Date()));
    service = await startApp(db.database, { QUIET_HOURS: `${hour}-${(hour + 2) % 24}` });
    expect((await service.app.store.regions.getDefault())!.timeZone).toBe('Europe/Berlin');
    writer = await person(db.database.prisma, service, 'de', ['writer']);
    moderator = await person(db.database.prisma, service, 'de', ['moderator']);
  });
  afterAll(async () => {
    await service?.close();
    await db?.destroy();
  });

  async function submit(title: string, body: string, language: string) {
    await writer.chat.say('/submit');
    await writer.chat.tap('information');
    await writer.chat.say(title);
    await writer.chat.say(body);
    await writer.chat.tap('health');
    await writer.chat.tap(language);
    await writer.chat.tap('skip');
    await writer.chat.tap('send');
    return latest(writer.id);
  }

  it('in the middle of /start a person switches to /info and chooses a topic and Ukrainian as second language', async () => {
    russian = new WebChatClient(service.url, 'ru;q=1');
    await russian.open();
    await russian.say('/start');
    // The first question itself points to /info.
    expect(russian.said).toBe('');
    expect(russian.question).toContain(rendered(service, 'ru', msg('information:startHint')));
    await russian.tap('ru');
    await russian.say('/info');
    await russian.tap('ru');
    expect(russian.question).toContain('/delete');
    await russian.tap('agree');
    await russian.pick(['health']);
    await russian.tap('uk');
    expect(russian.question).toBe(rendered(service, 'ru', msg('information:home')));
    const row = await db.database.prisma.person.findFirstOrThrow({ where: { kind: 'refugee' }, include: { infoProfile: true } });
    expect([row.locale, row.firstName, row.email, row.infoProfile?.secondLocale, row.infoProfile?.topics]).toEqual(['ru', null, null, 'uk', ['health']]);
  });

  it('an item in the second language waits for the end of quiet hours; an urgent one comes at once', async () => {
    const calm = await submit('Щеплення для дітей', 'Безкоштовні щеплення для дітей у міському центрі здоров’я щосереди.', 'uk');
    await moderator.chat.say('/review');
    await moderator.chat.tap('green');
    await service.app.worker.drain();
    expect(await inbox(russian)).toEqual([]);
    const held = await db.database.prisma.job.findFirstOrThrow({ where: { key: { startsWith: `info:${calm.id}:` } } });
    expect(held.runAt.getTime()).toBeGreaterThan(Date.now() + 60_000);

    const urgent = await submit('Notdienst am Wochenende', 'Die Notdienstpraxis am Klinikum ist am Wochenende durchgehend geöffnet.', 'de');
    await moderator.chat.say(`/urgent ${ref(urgent.id)}`);
    expect(moderator.chat.said).toBe(rendered(service, 'de', msg('information:urgentCommand.done', { ref: ref(urgent.id) })));
    await moderator.chat.say('/review');
    await moderator.chat.tap('green');
    await service.app.worker.drain();
    expect(await inbox(russian)).toEqual([
      rendered(service, 'ru', msg('information:newUrgentFallback', { topic: msg('moderation:topic.health'), title: 'Notdienst am Wochenende', body: 'Die Notdienstpraxis am Klinikum ist am Wochenende durchgehend geöffnet.', language: { language: 'de' } })),
    ]);
  });

  it('a person who only reads information gets their own help and menu, never the volunteer profile', async () => {
    await russian.say('/help');
    expect(russian.said).toBe([rendered(service, 'ru', msg('information:help')), rendered(service, 'ru', msg('board:help'))].join('\n'));
    await russian.say('/cancel');
    expect(russian.view.prompt!.choices.map((c) => c.value)).toEqual(['info', 'language', 'help', 'delete']);
    await russian.tap('info');
    expect(russian.question).toBe(rendered(service, 'ru', msg('information:home')));
    await russian.say('/profile');
    expect(russian.question).toBe(rendered(service, 'ru', msg('information:home')));
    await russian.tap('settings');
    await russian.pick(['health', 'work']);
    await russian.tap('none');
    expect(russian.said).toBe(rendered(service, 'ru', msg('information:saved', { topics: [msg('moderation:topic.health'), msg('moderation:topic.work')] })));
    const profile = await db.database.prisma.infoProfile.findFirstOrThrow();
    expect([profile.topics, profile.secondLocale]).toEqual([['health', 'work'], null]);
  });

  it('only a moderator marks an item urgent', async () => {
    const item = await latest(writer.id);
    await writer.chat.say(`/urgent ${ref(item.id)}`);
    expect(writer.chat.said).toBe(rendered(service, 'de', msg('moderation:denied.role', { roles: [msg('moderation:role.moderator'), msg('moderation:role.admin')] })));
    await moderator.chat.say('/urgent nothing');
    expect(moderator.chat.said).toBe(rendered(service, 'de', msg('information:urgentCommand.usage')));
  });
});
