import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { housekeeping } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { startApp, type RunningApp } from './support/test-app.js';
import { text } from './support/locale-text.js';
import { WebChatClient } from './support/web-chat-client.js';

describe.each(backends)('housekeeping on $name', (backend) => {
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

  it('forgets a registration abandoned for 30 days, and old event ids, but nothing in use', async () => {
    const abandoned = new WebChatClient(service.url);
    await abandoned.open();
    await abandoned.tap('de');
    await abandoned.tap('agree');
    await abandoned.say('Vergessen');
    const active = new WebChatClient(service.url);
    await active.open();
    await active.tap('de');
    await active.tap('agree');
    await active.say('Aktiv');
    const prisma = db.database.prisma;
    const longAgo = new Date(Date.now() - 31 * 24 * 3600 * 1000);
    const [old] = await prisma.conversation.findMany({ where: { state: { path: ['data', 'firstName'], equals: 'Vergessen' } } });
    await prisma.conversation.update({ where: { channel_address: { channel: old!.channel, address: old!.address } }, data: { updatedAt: longAgo } });
    await prisma.processedEvent.updateMany({ data: { processedAt: longAgo } });

    const result = await housekeeping(service.app.store, new Date());
    expect(result.draftsForgotten).toBe(1);
    expect(result.eventsPruned).toBeGreaterThan(0);
    expect(JSON.stringify(await prisma.conversation.findMany())).not.toContain('Vergessen');

    // The one who came back starts over; the active one goes on.
    await abandoned.open();
    expect(abandoned.question).toBe(text('de', 'registration:ask.language'));
    await active.say('Weiter');
    expect(active.question).toBe(text('de', 'registration:ask.email'));
  });
});
