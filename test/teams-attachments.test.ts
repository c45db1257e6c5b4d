import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminService, msg } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { person, rendered } from './support/moderation.js';
import { jpegWithMetadata } from './support/photos.js';
import { seedVolunteers, type SeededVolunteer } from './support/seed.js';
import { startApp, type RunningApp } from './support/test-app.js';
import { cardText, LocalBotConnector, TeamsUser } from './support/bot-connector.js';

/**
 * Teams does not take or show photos yet (its capability says so): a moderator
 * working in Teams is told that an item has one and where to see it; a Teams
 * writer is not offered to add one.
 */
describe.each(backends)('photos and Microsoft Teams on $name', (backend) => {
  let db: TestDatabase;
  let service: RunningApp;
  let connector: LocalBotConnector;
  let writer: SeededVolunteer;
  let moritz: TeamsUser;
  const de = (key: string, params?: Parameters<typeof msg>[1]) => rendered(service, 'de', msg(key, params));

  beforeAll(async () => {
    db = await backend.create();
    connector = await LocalBotConnector.start();
    service = await startApp(db.database, { QUIET_HOURS: '0-0', TEAMS_ALLOW_UNAUTHENTICATED: 'true' });
    const prisma = db.database.prisma;
    writer = await person(prisma, service, 'de', ['writer']);
    const [moderator] = await seedVolunteers(prisma, service.url, [{ locale: 'de' }]);
    await prisma.channelIdentity.create({ data: { channel: 'teams', address: '29:moritz-photo', personId: moderator!.id } });
    await new AdminService(service.app.store, randomUUID).grantRole({ person: `${moderator!.id}@example.org`, role: 'moderator', reason: 'test' });
    await new AdminService(service.app.store, randomUUID).grantRole({ person: `${moderator!.id}@example.org`, role: 'writer', reason: 'test' });
    moritz = new TeamsUser(connector, service.url, { userId: '29:moritz-photo', conversationId: 'a:personal-moritz-photo', locale: 'de-DE' });
  });
  afterAll(async () => {
    await service?.close();
    await connector?.close();
    await db?.destroy();
  });

  it('the review card says the item has a photo, and where to see it', async () => {
    await writer.chat.say('/submit');
    await writer.chat.tap('report');
    await writer.chat.say('Aushang im Rathaus');
    await writer.chat.say('Im Rathaus hängt ein neuer Aushang zu den Sprechzeiten der Ausländerbehörde.');
    await writer.chat.tap('housing');
    await writer.chat.tap('de');
    await writer.chat.tap('skip');
    await writer.chat.sendPhoto(jpegWithMetadata(), 'image/jpeg');
    await writer.chat.tap('send');

    await moritz.say('/review');
    const shown = cardText(moritz.latestCard().card);
    expect(shown).toContain('Aushang im Rathaus');
    expect(shown).toContain(de('attachments:notShown', { caption: msg('attachments:caption', { title: 'Aushang im Rathaus' }) }));
  });

  it('a writer in Teams is not offered a photo: the summary is the plain one', async () => {
    await moritz.say('/submit');
    await moritz.tap('report');
    await moritz.say('Tafel am Samstag');
    await moritz.say('Die Tafel öffnet samstags schon um neun Uhr, bitte Ausweis mitbringen.');
    await moritz.tap('housing');
    await moritz.tap('de');
    await moritz.tap('skip');
    const summary = cardText(moritz.latestCard().card);
    expect(summary).toContain('Tafel am Samstag');
    expect(summary).not.toContain(de('attachments:remove'));
    expect(summary).not.toContain(rendered(service, 'de', msg('attachments:confirm.offer', { summary: '', max: 5 })).trim().slice(0, 30));
  });
});
