import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msg } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { text } from './support/locale-text.js';
import { startApp, type RunningApp } from './support/test-app.js';
import { WebChatClient } from './support/web-chat-client.js';

interface Inbox {
  messages: { id: string; updatedAt: string; view: { locale: string; dir: string; messages: { text: string }[] } }[];
}

async function inbox(chat: WebChatClient, since?: string): Promise<Inbox> {
  const response = await fetch(`${chat.baseUrl}/api/web/inbox${since ? `?since=${encodeURIComponent(since)}` : ''}`, { headers: { cookie: chat.cookie! } });
  expect(response.status).toBe(200);
  return (await response.json()) as Inbox;
}

describe.each(backends)('messages the service sends on its own, in the web chat, on $name', (backend) => {
  let db: TestDatabase;
  let service: RunningApp;
  beforeAll(async () => {
    db = await backend.create();
    service = await startApp(db.database);
  });
  afterAll(async () => {
    await service?.close();
    await db?.destroy();
  });

  async function personInChat(locale: string) {
    const chat = new WebChatClient(service.url);
    await chat.open();
    await chat.tap(locale);
    const rows = await db.database.prisma.conversation.findMany({ where: { channel: 'web' }, orderBy: { updatedAt: 'desc' }, take: 1 });
    return { chat, address: rows[0]!.address };
  }

  it('reach only their recipient, in the recipient’s language, and an edit replaces the message', async () => {
    const messenger = service.app.messengers.get('web')!;
    expect(messenger.capabilities).toMatchObject({ buttons: true, editMessages: true });
    const { chat, address } = await personInChat('ar');
    const other = await personInChat('de');

    const ref = await messenger.send(address, { locale: 'ar', messages: [msg('conversation:resumed')] });
    const first = await inbox(chat);
    expect(first.messages).toHaveLength(1);
    expect(first.messages[0]!.view).toMatchObject({ locale: 'ar', dir: 'rtl', messages: [{ text: text('ar', 'conversation:resumed') }] });
    expect((await inbox(other.chat)).messages).toEqual([]);

    await new Promise((r) => setTimeout(r, 5));
    await messenger.edit(ref, { locale: 'ar', messages: [msg('conversation:cancelled')] });
    const after = await inbox(chat, first.messages[0]!.updatedAt);
    const edited = after.messages.find((m) => m.id === ref.id)!;
    expect(edited.view.messages[0]!.text).toBe(text('ar', 'conversation:cancelled'));
    expect(edited.updatedAt > first.messages[0]!.updatedAt).toBe(true);
  });

  it('rejects a malformed cursor with a translated message', async () => {
    const { chat } = await personInChat('en');
    const response = await fetch(`${service.url}/api/web/inbox?since=yesterday`, { headers: { cookie: chat.cookie!, 'x-locale': 'en' } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe(text('en', 'errors:INVALID_INPUT'));
  });

  it('are deleted with the person', async () => {
    const { chat, address } = await personInChat('de');
    await chat.tap('agree');
    for (const answer of ['Inbox', 'Test', 'inbox@example.org']) await chat.say(answer);
    await chat.tap('skip');
    await chat.say('Hannover');
    await chat.tap('5');
    await chat.pick(['driving']);
    await chat.pick(['de']);
    await chat.tap('1');
    await chat.tap('skip');
    await chat.tap('confirm');
    await service.app.messengers.get('web')!.send(address, { locale: 'de', messages: [msg('registration:done', { firstName: 'Inbox' })] });
    expect(await db.database.prisma.sentMessage.count({ where: { address } })).toBe(1);
    await chat.say('/delete');
    await chat.tap('yes');
    expect(await db.database.prisma.sentMessage.count({ where: { address } })).toBe(0);
  });
});
