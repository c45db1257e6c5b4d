import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, type CreatedDatabase } from './support/databases.js';
import { openDatabase, type Database } from '../app/database.js';
import { randomUUID } from 'node:crypto';
import { createLogger } from '../app/logger.js';
import { AdminService } from '../core/index.js';
import { seedVolunteers } from './support/seed.js';
import { text } from './support/locale-text.js';
import { startApp, type RunningApp } from './support/test-app.js';
import { WebChatClient } from './support/web-chat-client.js';

describe.skipIf(!process.env.DATABASE_URL)('a database that is briefly gone', () => {
  let database: Database;
  let service: RunningApp;
  let created: CreatedDatabase;
  const setAvailable = (available: boolean) => created.setAvailable(available);

  beforeAll(async () => {
    created = await createPostgresDatabase();
    database = await openDatabase({ kind: 'postgres', url: created.url }, { migrate: true, log: createLogger('silent') });
    service = await startApp(database, { QUIET_HOURS: '0-0' });
  });
  afterAll(async () => {
    await setAvailable(true).catch(() => undefined);
    await service?.close();
    await database?.close().catch(() => undefined);
    await created?.drop();
  });

  it('gets a translated "try again" and loses nothing; the same answer sent again is applied once', async () => {
    const chat = new WebChatClient(service.url);
    await chat.open();
    await chat.tap('en');
    await chat.tap('agree');
    const token = chat.view.prompt!.token;

    await setAvailable(false);
    const failed = await chat.send({ type: 'text', text: 'Jonas', token }, 'retry-event-1');
    expect(chat.status).toBe(503);
    expect(failed.error).toEqual({ code: 'SERVICE_UNAVAILABLE', message: text('en', 'errors:SERVICE_UNAVAILABLE') });
    expect((await fetch(`${service.url}/readyz`)).status).toBe(503);
    expect(service.logs.join('')).not.toContain('Jonas');

    await setAvailable(true);
    await chat.send({ type: 'text', text: 'Jonas', token }, 'retry-event-1');
    expect(chat.status).toBe(200);
    expect(chat.question).toBe(text('en', 'registration:ask.lastName'));
    const again = await chat.send({ type: 'text', text: 'Jonas', token }, 'retry-event-1');
    expect(again.messages.map((m) => m.text)).toEqual([text('en', 'conversation:duplicate')]);
    expect(chat.question).toBe(text('en', 'registration:ask.lastName'));
  });

  it('answers an accept (taken through the driver, not Prisma) with "try again", and applies the same tap once when it comes back', async () => {
    const organisation = await new AdminService(service.app.store, randomUUID).createOrganisation({ slug: 'drk-outage', name: 'DRK' });
    const [volunteer] = await seedVolunteers(database.prisma, service.url, [{ locale: 'en', languages: ['de'] }]);
    const startsAt = new Date(Date.now() + 48 * 3600_000);
    const call = await service.app.calls.posting.post(organisation, null, {
      activity: 'translating',
      title: 'Begleitung',
      description: '',
      place: 'Göttingen',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 2 * 3600_000),
      helpersNeeded: 1,
    });
    await service.app.worker.drain();
    expect(await database.prisma.callResponse.count({ where: { callId: call.id, personId: volunteer!.id } })).toBe(1);
    const token = `call:${call.id}`;

    await setAvailable(false);
    const failed = await volunteer!.chat.send({ type: 'choice', token, values: ['accept'] }, 'accept-outage-1');
    expect(volunteer!.chat.status).toBe(503);
    // This session has not told the page's language yet and the person's own is in the database that is gone: the default.
    expect(failed.error).toEqual({ code: 'SERVICE_UNAVAILABLE', message: text('de', 'errors:SERVICE_UNAVAILABLE') });

    await setAvailable(true);
    const accepted = await volunteer!.chat.send({ type: 'choice', token, values: ['accept'] }, 'accept-outage-1');
    expect(volunteer!.chat.status).toBe(200);
    expect(accepted.messages[0]!.text).toContain(text('en', 'calls:accepted').split('{{')[0]!);
    const again = await volunteer!.chat.send({ type: 'choice', token, values: ['accept'] }, 'accept-outage-1');
    expect(again.messages.map((m) => m.text)).toEqual([text('en', 'conversation:duplicate')]);
    expect(await database.prisma.helperCall.findUniqueOrThrow({ where: { id: call.id } })).toMatchObject({ acceptedCount: 1, status: 'full' });
  });
});
