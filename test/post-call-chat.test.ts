import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminService } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { text } from './support/locale-text.js';
import { startApp, type RunningApp } from './support/test-app.js';
import { WebChatClient } from './support/web-chat-client.js';

/** Tomorrow at 10:00 in Berlin, as a coordinator types it. */
function tomorrowTyped(): { typed: string } {
  const d = new Date(Date.now() + 24 * 3600_000);
  const [day, month, year] = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', day: '2-digit', month: '2-digit', year: 'numeric' }).format(d).split('.');
  return { typed: `${day}.${month}.${year} 10:00` };
}

describe.each(backends)('a coordinator posts a call in the web chat on $name', (backend) => {
  let db: TestDatabase;
  let service: RunningApp;
  let chat: WebChatClient;

  beforeAll(async () => {
    db = await backend.create();
    service = await startApp(db.database, { QUIET_HOURS: '0-0' });
    chat = new WebChatClient(service.url);
    await chat.open();
    await chat.tap('de');
    await chat.tap('agree');
    for (const answer of ['Clara', 'Koordina', 'clara@drk.example']) await chat.say(answer);
    await chat.tap('skip');
    await chat.say('Göttingen');
    await chat.tap('10');
    await chat.pick(['driving']);
    await chat.pick(['de']);
    await chat.tap('2');
    await chat.tap('skip');
    await chat.tap('confirm');
  });
  afterAll(async () => {
    await service?.close();
    await db?.destroy();
  });

  it('needs the coordinator role', async () => {
    await chat.say('/call');
    expect(chat.said).toBe(text('de', 'errors:ROLE_REQUIRED'));
    await chat.say('/calls');
    expect(chat.said).toBe(text('de', 'errors:ROLE_REQUIRED'));
  });

  it('asks step by step, explains wrong answers, shows a summary and posts the call', async () => {
    const admin = new AdminService(service.app.store, randomUUID);
    const organisation = await admin.createOrganisation({ slug: `drk-${backend.name}`, name: 'DRK' });
    await admin.grantRole({ person: 'clara@drk.example', role: 'coordinator', organisation: organisation.slug, reason: 'test' });

    await chat.say('/call');
    expect(chat.question).toBe(text('de', 'calls:post.ask.activity'));
    await chat.tap('translating');
    await chat.say('x');
    expect(chat.said).toBe(text('de', 'calls:invalid.title', { min: '3', max: '120' }));
    await chat.say('Begleitung zum Jobcenter');
    await chat.tap('skip');
    await chat.say('Xyzzyhausen');
    expect(chat.said).toBe(text('de', 'calls:invalid.place', { query: 'Xyzzyhausen' }));
    await chat.say('37073');
    expect(chat.question).toBe(text('de', 'calls:post.ask.start', { zone: 'Europe/Berlin' }));
    await chat.say('gestern');
    expect(chat.said).toBe(text('de', 'calls:post.invalid.start'));
    const { typed } = tomorrowTyped();
    await chat.say(typed);
    await chat.tap('2');
    await chat.say('3');
    await chat.pick(['ar', 'fa']);
    await chat.tap('1');
    expect(chat.question).toContain('Begleitung zum Jobcenter (Übersetzen und Dolmetschen)');
    expect(chat.question).toContain('Gebrauchte Helfende: 3');
    expect(chat.question).toContain('Arabisch und Persisch');
    await chat.tap('post');
    expect(chat.said).toBe(text('de', 'calls:post.posted', { title: 'Begleitung zum Jobcenter' }));

    const person = await db.database.prisma.person.findFirstOrThrow({ where: { email: 'clara@drk.example' } });
    const call = await db.database.prisma.helperCall.findFirstOrThrow({ where: { title: 'Begleitung zum Jobcenter' } });
    expect(call).toMatchObject({ organisationId: organisation.id, createdById: person.id, activityKey: 'translating', helpersNeeded: 3, languages: ['ar', 'fa'], placeName: '37073 Göttingen', descriptionLang: 'de' });
    const local = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' });
    expect(local.format(call.startsAt)).toBe('10:00');
    expect(local.format(call.endsAt)).toBe('12:00');
    expect(call.startsAt.getTime() - call.answerBy.getTime()).toBe(3600_000);
    expect(await db.database.prisma.job.count({ where: { key: `call.wave:${call.id}:1` } })).toBe(1);

    await chat.say('/calls');
    expect(chat.view.messages[0]!.text).toBe(text('de', 'calls:status.header'));
    expect(chat.view.messages[1]!.text).toContain('Begleitung zum Jobcenter');
    expect(chat.view.messages[1]!.text).toContain('Offen: 0 von 3 Plätzen vergeben');
  });

  it('discards a call on request and sends nothing', async () => {
    const before = await db.database.prisma.helperCall.count();
    await chat.say('/call');
    await chat.tap('driving');
    await chat.say('Fahrdienst Tafel');
    await chat.say('Kisten tragen');
    await chat.say('Göttingen');
    await chat.say(tomorrowTyped().typed);
    await chat.say('1');
    await chat.tap('1');
    await chat.pick([]);
    await chat.tap('3');
    expect(chat.question).toContain(text('de', 'calls:post.anyLanguage'));
    await chat.tap('discard');
    expect(chat.said).toBe(text('de', 'calls:post.discarded'));
    expect(await db.database.prisma.helperCall.count()).toBe(before);
  });
});
