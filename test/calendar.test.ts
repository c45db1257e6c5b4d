import { randomUUID } from 'node:crypto';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminService, type HelperCall } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { text } from './support/locale-text.js';
import { seedVolunteers, type SeededVolunteer } from './support/seed.js';
import { startApp, type RunningApp } from './support/test-app.js';
import { WebChatClient } from './support/web-chat-client.js';

// RFC 5545 3.8.8.2: a non-standard property's value is TEXT; ical.js reads unknown ones raw.
ICAL.design.icalendar.property['x-wr-calname'] = { defaultType: 'text' };

function tomorrowAt(hour: number): Date {
  const d = new Date(Date.now() + 24 * 3600_000);
  d.setUTCHours(hour, 0, 0, 0);
  return d;
}

function events(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  return {
    name: calendar.getFirstPropertyValue('x-wr-calname'),
    events: calendar.getAllSubcomponents('vevent').map((vevent) => {
      const event = new ICAL.Event(vevent);
      return {
        uid: event.uid,
        title: event.summary,
        description: event.description,
        place: event.location,
        startsAt: event.startDate.toJSDate(),
        endsAt: event.endDate.toJSDate(),
        organisation: vevent.getFirstPropertyValue('contact'),
        status: vevent.getFirstPropertyValue('status'),
      };
    }),
  };
}

/** The feed address in a message; the test server listens elsewhere than PUBLIC_URL, so only the path is kept. */
function feedPath(message: string): string {
  const url = /https?:\/\/[^\s\u2066-\u2069]+\.ics/.exec(message)?.[0];
  if (!url) throw new Error(`No feed URL in: ${message}`);
  return new URL(url).pathname;
}

describe.each(backends)('commitments and the calendar feed on $name', (backend) => {
  let db: TestDatabase;
  let service: RunningApp;
  let organisation: { id: string; regionId: string };

  beforeAll(async () => {
    db = await backend.create();
    // No quiet hours here: the test must not depend on the time of day it runs at.
    service = await startApp(db.database, { QUIET_HOURS: '0-0' });
    const admin = new AdminService(service.app.store, randomUUID);
    organisation = await admin.createOrganisation({ slug: `tafel-${backend.name}`, name: 'Tafel Göttingen e.V.' });
  });
  afterAll(async () => {
    await service?.close();
    await db?.destroy();
  });

  /** Each test's volunteer speaks a language no other one does, so exactly they are asked. */
  async function acceptedCall(volunteer: SeededVolunteer, language: string, title: string, hour: number): Promise<HelperCall> {
    const call = await service.app.calls.posting.post(organisation, null, {
      activity: 'translating',
      title,
      description: 'Bitte 15 Minuten vorher da sein; Eingang B, 2. Stock.',
      place: 'Göttingen',
      startsAt: tomorrowAt(hour),
      endsAt: tomorrowAt(hour + 2),
      helpersNeeded: 1,
      languages: [language],
    });
    await service.app.worker.drain();
    const answer = await volunteer.chat.send({ type: 'choice', token: `call:${call.id}`, values: ['accept'] });
    expect(answer.messages[0]!.text).toContain(text('de', 'calls:accepted').split('{{')[0]!);
    return call;
  }

  const command = (chat: WebChatClient, line: string) => chat.send({ type: 'text', text: line });

  it('lists an accepted call and hands it over as an .ics file', async () => {
    const [volunteer] = await seedVolunteers(db.database.prisma, service.url, [{ languages: ['ar'] }]);
    const call = await acceptedCall(volunteer!, 'ar', 'Begleitung zum Jobcenter', 9);

    const view = await command(volunteer!.chat, '/commitments');
    expect(view.error).toBeUndefined();
    const said = view.messages.map((m) => m.text);
    expect(said[0]).toBe(text('de', 'commitments:heading').replace('{{count}}', '1'));
    expect(said[1]).toContain('Begleitung zum Jobcenter');
    expect(said[1]).toContain('Tafel Göttingen e.V.');
    expect(said[1]).toContain(text('de', 'commitments:item').split('{{')[1]!.split('}}')[1]!.trim());
    expect(said.at(-1)).toBe(text('de', 'commitments:file'));

    expect(view.attachment).toMatchObject({ mediaType: 'text/calendar', filename: expect.stringMatching(/\.ics$/) });
    const calendar = events(view.attachment!.content);
    expect(calendar.name).toBe(text('de', 'commitments:calendarName'));
    expect(calendar.events).toEqual([
      {
        uid: `${call.id}@helferruf`,
        title: 'Begleitung zum Jobcenter',
        description: 'Bitte 15 Minuten vorher da sein; Eingang B, 2. Stock.',
        place: 'Göttingen',
        startsAt: call.startsAt,
        endsAt: call.endsAt,
        organisation: 'Tafel Göttingen e.V.',
        status: 'CONFIRMED',
      },
    ]);
  });

  it('gives a secret feed URL whose feed holds the event, and a reset makes the old one stop working', async () => {
    const [volunteer] = await seedVolunteers(db.database.prisma, service.url, [{ languages: ['uk'] }]);
    const call = await acceptedCall(volunteer!, 'uk', 'Sprachcafé', 14);

    const first = await command(volunteer!.chat, '/calendar');
    const message = first.messages[0]!.text;
    expect(message).toContain(text('de', 'commitments:feed').split('{{')[1]!.split('}}')[1]!.trim().split('\n')[0]!);
    expect(message).toContain('http://localhost:3000/calendar/');
    const path = feedPath(message);
    expect(path).toMatch(/^\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    // Asking again shows the same link.
    expect(feedPath((await command(volunteer!.chat, '/calendar')).messages[0]!.text)).toBe(path);

    const feed = await fetch(`${service.url}${path}`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(feed.headers.get('cache-control')).toBe('private, max-age=300');
    const calendar = events(await feed.text());
    expect(calendar.name).toBe(text('de', 'commitments:calendarName'));
    expect(calendar.events).toEqual([expect.objectContaining({ uid: `${call.id}@helferruf`, title: 'Sprachcafé', startsAt: call.startsAt, endsAt: call.endsAt, status: 'CONFIRMED' })]);

    const reset = await command(volunteer!.chat, '/calendar reset');
    expect(reset.messages[0]!.text).toContain(text('de', 'commitments:feedReset').split('{{')[0]!);
    const newPath = feedPath(reset.messages[0]!.text);
    expect(newPath).not.toBe(path);

    const old = await fetch(`${service.url}${path}`);
    expect(old.status).toBe(404);
    expect(await old.text()).toBe('Not found');
    const renewed = await fetch(`${service.url}${newPath}`);
    expect(renewed.status).toBe(200);
    expect(events(await renewed.text()).events.map((e) => e.uid)).toEqual([`${call.id}@helferruf`]);
    expect(feedPath((await command(volunteer!.chat, '/calendar')).messages[0]!.text)).toBe(newPath);

    const token = (p: string) => p.slice('/calendar/'.length, -'.ics'.length);
    const logs = service.logs.join('');
    expect(logs).not.toContain(token(path));
    expect(logs).not.toContain(token(newPath));
  });

  it('answers unknown and malformed feed addresses with a bare 404', async () => {
    for (const path of [`/calendar/${'A'.repeat(43)}.ics`, '/calendar/short.ics', `/calendar/${'A'.repeat(43)}`]) {
      const response = await fetch(`${service.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).not.toMatch(/calendar/);
    }
  });

  it('shows a cancelled commitment as cancelled, and leaves out declined and finished ones', async () => {
    const [volunteer] = await seedVolunteers(db.database.prisma, service.url, [{ languages: ['ti'] }]);
    const cancelled = await acceptedCall(volunteer!, 'ti', 'Kleiderkammer', 8);
    const finished = await acceptedCall(volunteer!, 'ti', 'Umzugshilfe', 12);
    const declined = await service.app.calls.posting.post(organisation, null, {
      activity: 'translating',
      title: 'Hausaufgabenhilfe',
      description: '',
      place: 'Göttingen',
      startsAt: tomorrowAt(16),
      endsAt: tomorrowAt(17),
      helpersNeeded: 1,
      languages: ['ti'],
    });
    await service.app.worker.drain();
    await volunteer!.chat.send({ type: 'choice', token: `call:${declined.id}`, values: ['decline'] });
    const prisma = db.database.prisma;
    await prisma.helperCall.update({ where: { id: cancelled.id }, data: { status: 'cancelled', cancelledAt: new Date() } });
    await prisma.helperCall.update({ where: { id: finished.id }, data: { startsAt: new Date(Date.now() - 3 * 3600_000), endsAt: new Date(Date.now() - 3600_000) } });

    const view = await command(volunteer!.chat, '/commitments');
    const said = view.messages.map((m) => m.text).join('\n');
    expect(said).toContain(text('de', 'commitments:itemCancelled').split('{{')[0]!);
    expect(said).toContain('Kleiderkammer');
    expect(said).not.toContain('Umzugshilfe');
    expect(said).not.toContain('Hausaufgabenhilfe');
    expect(events(view.attachment!.content).events).toEqual([expect.objectContaining({ uid: `${cancelled.id}@helferruf`, status: 'CANCELLED' })]);
  });

  it('tells a person without commitments so clearly, and gives them no file', async () => {
    const [volunteer] = await seedVolunteers(db.database.prisma, service.url, [{ languages: ['fa'] }]);
    const view = await command(volunteer!.chat, '/commitments');
    expect(view.messages.map((m) => m.text)).toEqual([text('de', 'commitments:none')]);
    expect(view.attachment).toBeNull();
    // Their feed is valid and empty.
    const feed = await fetch(`${service.url}${feedPath((await command(volunteer!.chat, '/calendar')).messages[0]!.text)}`);
    expect(feed.status).toBe(200);
    expect(events(await feed.text()).events).toEqual([]);
  });

  it('explains /calendar with an unknown word after it', async () => {
    const [volunteer] = await seedVolunteers(db.database.prisma, service.url, [{ languages: ['fa'] }]);
    const view = await command(volunteer!.chat, '/calendar resett');
    expect(view.messages.map((m) => m.text)).toEqual([text('de', 'commitments:feedUsage')]);
    expect(await db.database.prisma.person.findUniqueOrThrow({ where: { id: volunteer!.id } })).toMatchObject({ calendarToken: null });
  });

  it('asks an unregistered person to register first', async () => {
    const stranger = new WebChatClient(service.url);
    await stranger.open();
    for (const line of ['/commitments', '/calendar', '/calendar reset']) {
      const view = await command(stranger, line);
      expect(view.messages.map((m) => m.text), line).toEqual([text('de', 'errors:NOT_REGISTERED')]);
      expect(view.attachment, line).toBeNull();
    }
  });
});
