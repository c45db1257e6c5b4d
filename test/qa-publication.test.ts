import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminService, msg } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { person, rendered } from './support/moderation.js';
import type { SeededVolunteer } from './support/seed.js';
import { startApp, type RunningApp } from './support/test-app.js';
import { WebChatClient } from './support/web-chat-client.js';

interface InboxEntry {
  view: { messages: { text: string }[]; prompt: { token: string; text: string; choices: { value: string; label: string }[] } | null };
}

async function inbox(chat: WebChatClient): Promise<InboxEntry[]> {
  const response = await fetch(`${chat.baseUrl}/api/web/inbox`, { headers: { cookie: chat.cookie! } });
  return ((await response.json()) as { messages: InboxEntry[] }).messages;
}
const texts = async (chat: WebChatClient) => (await inbox(chat)).map((m) => [...m.view.messages.map((x) => x.text), m.view.prompt?.text ?? ''].filter(Boolean).join('\n'));

describe.each(backends)('a private question published as Q&A on $name', (backend) => {
  let db: TestDatabase;
  let service: RunningApp;
  let moderator: SeededVolunteer;
  let coordinator: SeededVolunteer;
  let asker: WebChatClient;
  let follower: WebChatClient;

  beforeAll(async () => {
    db = await backend.create();
    service = await startApp(db.database, { QUIET_HOURS: '0-0' });
    const prisma = db.database.prisma;
    moderator = await person(prisma, service, 'de', ['moderator']);
    coordinator = await person(prisma, service, 'en');
    const region = (await service.app.store.regions.getDefault())!;
    await service.app.store.organisations.create({ id: randomUUID(), regionId: region.id, slug: 'sprachcafe', name: 'Sprachcafé' });
    await new AdminService(service.app.store, randomUUID).grantRole({ person: `${coordinator.id}@example.org`, role: 'coordinator', organisation: 'sprachcafe', reason: 'test' });
    asker = await refugee('fa', []);
    follower = await refugee('fa', ['language']);
  });
  afterAll(async () => {
    await service?.close();
    await db?.destroy();
  });

  async function refugee(locale: string, topics: string[]): Promise<WebChatClient> {
    const chat = new WebChatClient(service.url, `${locale};q=1`);
    await chat.open();
    await chat.say('/info');
    await chat.tap(locale);
    await chat.tap('agree');
    await chat.pick(topics);
    await chat.tap('none');
    expect(chat.question).toBe(rendered(service, locale, msg('information:home')));
    return chat;
  }

  async function ask(text: string): Promise<string> {
    await asker.say('/info');
    await asker.tap('ask');
    await asker.say(text);
    expect(asker.said).toBe(rendered(service, 'fa', msg('information:question.sent')));
    return (await db.database.prisma.infoQuestion.findFirstOrThrow({ where: { text } })).id;
  }

  /** The coordinator answers the question in /questions and is offered to propose it as Q&A. */
  async function answer(id: string, text: string): Promise<void> {
    await coordinator.chat.say('/questions');
    await coordinator.chat.tap(id);
    await coordinator.chat.say(text);
    expect(coordinator.chat.said).toBe(rendered(service, 'en', msg('information:questions.sent')));
    expect(coordinator.chat.question).toBe(rendered(service, 'en', msg('information:qa.propose')));
  }

  /** The consent question in the asker's chat, with its buttons. */
  async function consent(id: string) {
    await service.app.worker.drain();
    const entry = (await inbox(asker)).find((m) => m.view.prompt?.token === `qa:${id}`);
    expect(entry, 'the asker is asked').toBeDefined();
    return entry!.view.prompt!;
  }

  const tapInbox = (chat: WebChatClient, token: string, value: string) => chat.send({ type: 'choice', token, values: [value] });

  it('both agree: the question goes to review without the asker, then is read under its topic and reaches followers', async () => {
    const question = 'کلاس زبان آلمانی رایگان کجا برگزار می‌شود؟';
    const reply = 'In der Stadtbibliothek, dienstags um 17 Uhr, ohne Anmeldung.';
    const id = await ask(question);
    await answer(id, reply);
    await coordinator.chat.tap('language');
    expect(coordinator.chat.said).toBe(rendered(service, 'en', msg('information:qa.proposed')));

    const prompt = await consent(id);
    // In the asker's language, with the question, the answer, and two buttons.
    expect(prompt.text).toBe(rendered(service, 'fa', msg('information:qa.ask', { question, answer: reply })));
    expect(prompt.choices.map((c) => c.label)).toEqual([rendered(service, 'fa', msg('information:qa.yes')), rendered(service, 'fa', msg('information:qa.no'))]);
    // Nobody else can answer for the asker.
    const stranger = await tapInbox(follower, prompt.token, 'yes');
    expect(stranger.messages.map((m) => m.text)).toEqual([rendered(service, 'fa', msg('information:qa.gone'))]);
    expect(await db.database.prisma.submission.count({ where: { kind: 'question' } })).toBe(0);

    const yes = await tapInbox(asker, prompt.token, 'yes');
    expect(yes.messages.map((m) => m.text)).toEqual([rendered(service, 'fa', msg('information:qa.thanks'))]);
    const again = await tapInbox(asker, prompt.token, 'yes');
    expect(again.messages.map((m) => m.text)).toEqual([rendered(service, 'fa', msg('information:qa.already'))]);

    const item = await db.database.prisma.submission.findFirstOrThrow({ where: { kind: 'question' }, include: { versions: true } });
    expect(item).toMatchObject({ status: 'pending', authorId: null, topic: 'language' });
    expect(item.versions[0]).toMatchObject({ title: question, body: reply, language: 'fa' });
    // Not readable before review.
    await follower.say('/info');
    await follower.tap('topic');
    await follower.tap('language');
    expect(follower.view.prompt!.choices.map((c) => c.label)).not.toContain(question);

    await moderator.chat.say('/review');
    expect(moderator.chat.question).toContain(question);
    expect(moderator.chat.question).toContain(reply);
    await moderator.chat.tap('green');
    await service.app.worker.drain();
    await service.app.worker.drain();

    await follower.say('/info');
    await follower.tap('topic');
    await follower.tap('language');
    expect(follower.view.prompt!.choices.map((c) => c.label)).toContain(question);
    expect((await texts(follower)).join('\n')).toContain(question);
    // Nothing of the asker is recorded with the item or its audit trail.
    const askerId = (await db.database.prisma.infoQuestion.findUniqueOrThrow({ where: { id } })).personId;
    const audit = await db.database.prisma.auditEntry.findMany({ where: { OR: [{ subjectId: item.id }, { details: { path: ['submissionId'], equals: item.id } }] } });
    expect(JSON.stringify(audit)).not.toContain(askerId);
    expect(JSON.stringify(item)).not.toContain(askerId);
  });

  it('the asker declines: never published, and the answerer is told', async () => {
    const question = 'آیا می‌توانم فرزندم را به کلاس ببرم؟';
    const id = await ask(question);
    await answer(id, 'Ja, Kinder sind willkommen.');
    await coordinator.chat.tap('children');
    const prompt = await consent(id);
    const no = await tapInbox(asker, prompt.token, 'no');
    expect(no.messages.map((m) => m.text)).toEqual([rendered(service, 'fa', msg('information:qa.keptPrivate'))]);
    // A later "yes" on the same buttons changes nothing.
    const late = await tapInbox(asker, prompt.token, 'yes');
    expect(late.messages.map((m) => m.text)).toEqual([rendered(service, 'fa', msg('information:qa.already'))]);
    await service.app.worker.drain();
    expect(await texts(coordinator.chat)).toContain(rendered(service, 'en', msg('information:qa.declinedForProposer', { question })));
    expect(await db.database.prisma.submission.count({ where: { kind: 'question', topic: 'children' } })).toBe(0);
    expect((await db.database.prisma.infoQuestion.findUniqueOrThrow({ where: { id } })).publication).toBe('declined');
  });

  it('the answerer keeps it private: the asker is never asked; a moderator can propose too', async () => {
    const id = await ask('ساعت کاری اداره کجاست؟');
    await answer(id, 'Montags bis freitags, 8 bis 12 Uhr.');
    await coordinator.chat.tap('private');
    expect(coordinator.chat.question).toBe(rendered(service, 'en', msg('information:questions.none')));
    await service.app.worker.drain();
    expect((await inbox(asker)).some((m) => m.view.prompt?.token === `qa:${id}`)).toBe(false);
    expect((await db.database.prisma.infoQuestion.findUniqueOrThrow({ where: { id } })).publication).toBeNull();

    // A moderator answers another one and proposes it.
    const other = await ask('کجا می‌توانم دوچرخه تعمیر کنم؟');
    await moderator.chat.say('/questions');
    await moderator.chat.tap(other);
    await moderator.chat.say('Im Repair-Café, jeden zweiten Samstag.');
    expect(moderator.chat.question).toBe(rendered(service, 'de', msg('information:qa.propose')));
    await moderator.chat.say('kein Thema');
    expect(moderator.chat.said).toBe(rendered(service, 'de', msg('conversation:pickOne')));
    await moderator.chat.tap('everyday');
    expect(moderator.chat.said).toBe(rendered(service, 'de', msg('information:qa.proposed')));
    expect((await consent(other)).text).toContain('Repair-Café');
  });
});
