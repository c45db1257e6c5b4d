import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminService } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { startApp, type RunningApp } from './support/test-app.js';
import { opening, text } from './support/locale-text.js';
import { WebChatClient } from './support/web-chat-client.js';

/** Walks a new person from the language question to the summary, with good answers. */
async function registerUntilSummary(chat: WebChatClient, locale: string, email: string, skills = 'Erste Hilfe') {
  await chat.open();
  await chat.tap(locale);
  await chat.tap('agree');
  await chat.say('Anna');
  await chat.say('Schmidt');
  await chat.say(email);
  await chat.tap('skip');
  await chat.say('37073');
  await chat.tap('10');
  await chat.pick(['translating', 'childcare']);
  await chat.pick(['de', 'ar']);
  await chat.tap('4');
  await chat.say(skills);
}

describe.each(backends)('registration in the web chat on $name', (backend) => {
  let db: TestDatabase;
  let service: RunningApp;
  const prisma = () => db.database.prisma;

  beforeAll(async () => {
    db = await backend.create();
    service = await startApp(db.database, { PRIVACY_CONTROLLER: 'Stadt Göttingen', PRIVACY_CONTACT: 'datenschutz@goettingen.example' });
  });
  afterAll(async () => {
    await service?.close();
    await db?.destroy();
  });

  it('registers a person in German, step by step, and stores consent with time and notice version', async () => {
    const chat = new WebChatClient(service.url);
    const first = await chat.open();
    expect(first.locale).toBe('de');
    expect(first.prompt?.choices.map((c) => c.label)).toEqual(expect.arrayContaining(['Deutsch', 'English', 'العربية', 'فارسی', 'Українська', 'Русский', 'Türkçe', 'Français']));
    expect(first.prompt?.choices.find((c) => c.value === 'ar')).toMatchObject({ lang: 'ar', dir: 'rtl' });

    await chat.tap('de');
    expect(chat.question).toContain('Stadt Göttingen');
    expect(chat.question).toContain('datenschutz@goettingen.example');
    const before = new Date();
    await chat.tap('agree');
    expect(chat.question).toBe(text('de', 'registration:ask.firstName'));
    await chat.say('Anna');
    await chat.say('Schmidt');
    await chat.say('anna.schmidt@example.org');
    expect(chat.question).toBe(text('de', 'registration:ask.phone'));
    await chat.say('0170 1234567');
    await chat.say('Göttingen');
    expect(chat.question).toBe(text('de', 'registration:ask.radius'));
    await chat.tap('10');
    expect(chat.view.prompt?.multiple).toBe(true);
    expect(chat.view.prompt?.choices.find((c) => c.value === 'childcare')?.label).toBe('Kinderbetreuung');
    await chat.pick(['translating', 'childcare']);
    await chat.pick(['de', 'ar']);
    await chat.say('4');
    await chat.say('Erste Hilfe, Führerschein');
    expect(chat.question).toContain('Anna Schmidt');
    expect(chat.question).toContain('anna.schmidt@example.org');
    expect(chat.question).toContain('+491701234567');
    expect(chat.question).toContain('Göttingen, bis 10 km');
    expect(chat.question).toContain('Übersetzen und Dolmetschen und Kinderbetreuung');
    expect(chat.question).toContain('Deutsch und Arabisch');
    expect(chat.question).toContain('Erste Hilfe, Führerschein');

    await chat.tap('confirm');
    expect(chat.said).toBe(text('de', 'registration:done', { firstName: 'Anna' }));
    expect(chat.question).toBe(text('de', 'menu:prompt'));

    const person = await prisma().person.findFirstOrThrow({ where: { email: 'anna.schmidt@example.org' }, include: { consents: true, identities: true } });
    expect(person).toMatchObject({ firstName: 'Anna', lastName: 'Schmidt', phone: '+491701234567', placeName: 'Göttingen', travelRadiusKm: 10, weeklyHours: 4, locale: 'de', regionId: 'default' });
    expect(person.activities).toEqual(['translating', 'childcare']);
    expect(person.languages).toEqual(['de', 'ar']);
    expect(person.lat).toBeCloseTo(51.53, 1);
    expect(person.lon).toBeCloseTo(9.93, 1);
    expect(person.consents).toHaveLength(1);
    expect(person.consents[0]).toMatchObject({ kind: 'privacy', noticeVersion: '1', locale: 'de' });
    expect(person.consents[0]!.givenAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    expect(person.identities).toEqual([expect.objectContaining({ channel: 'web', preferred: true })]);
  });

  it('registers a person in Arabic, right to left, with a shared location and typed language codes', async () => {
    const chat = new WebChatClient(service.url, 'ar');
    await chat.open();
    await chat.tap('ar');
    expect(chat.view).toMatchObject({ locale: 'ar', dir: 'rtl' });
    expect(chat.question).toContain(opening('ar', 'registration:ask.privacy'));
    await chat.tap('agree');
    expect(chat.question).toBe(text('ar', 'registration:ask.firstName'));
    await chat.say('محمد');
    await chat.say('الأحمد');
    await chat.say('mohammed@example.org');
    await chat.tap('skip');
    expect(chat.view.prompt?.acceptsLocation).toBe(true);
    await chat.shareLocation(52.5203, 13.4049);
    await chat.say('25');
    await chat.pick(['accompanying']);
    await chat.say('ar, ti, de');
    await chat.tap('2');
    await chat.tap('skip');
    expect(chat.question).toContain('\u2068محمد\u2069 \u2068الأحمد\u2069');
    expect(chat.question).toContain('Berlin');
    await chat.tap('confirm');
    expect(chat.said).toBe(text('ar', 'registration:done', { firstName: 'محمد' }));
    expect(chat.view.dir).toBe('rtl');

    const person = await prisma().person.findFirstOrThrow({ where: { email: 'mohammed@example.org' } });
    expect(person).toMatchObject({ firstName: 'محمد', locale: 'ar', phone: null, placeName: 'Berlin', travelRadiusKm: 25, weeklyHours: 2, skills: null });
    expect(person.languages).toEqual(['ar', 'ti', 'de']);
  });

  it('answers every invalid answer with a translated explanation and asks again', async () => {
    const chat = new WebChatClient(service.url);
    await chat.open();
    await chat.tap('en');
    const invalid = async (answer: () => Promise<unknown>, key: string, params?: Record<string, string>) => {
      const question = chat.question;
      await answer();
      expect(chat.status).toBe(200);
      expect(chat.said).toBe(text('en', key, params));
      expect(chat.question).toBe(question);
    };

    await invalid(() => chat.say('maybe'), 'conversation:pickOne');
    await invalid(() => chat.tap('decline'), 'registration:privacy.declined');
    expect(await prisma().person.count({ where: { locale: 'en' } })).toBe(0);
    await chat.tap('agree');
    await invalid(() => chat.say('R2D2'), 'registration:invalid.name');
    await invalid(() => chat.say('   '), 'conversation:emptyAnswer');
    await invalid(() => chat.shareLocation(51, 9), 'conversation:locationNotExpected');
    await chat.say('Lena');
    await chat.say('Weber');
    await invalid(() => chat.say('lena.weber@'), 'registration:invalid.email');
    await invalid(() => chat.say('anna.schmidt@example.org'), 'registration:invalid.emailInUse');
    await chat.say('lena@example.org');
    await invalid(() => chat.say('12345'), 'registration:invalid.phone');
    await chat.say('+49 151 2345678');
    await invalid(() => chat.say('Xyzzyhausen'), 'registration:invalid.placeUnknown', { query: 'Xyzzyhausen' });
    await invalid(() => chat.say('379'), 'registration:invalid.placeUnknown', { query: '379' });
    await invalid(() => chat.shareLocation(91, 9), 'conversation:locationInvalid');
    await chat.say('Neustadt');
    expect(chat.question).toBe(text('en', 'registration:ask.placePick'));
    expect(chat.view.prompt!.choices.length).toBeGreaterThan(2);
    await chat.tap('none');
    expect(chat.question).toBe(text('en', 'registration:ask.place'));
    await chat.say('Neustadt');
    await chat.tap('0');
    await invalid(() => chat.say('0'), 'registration:invalid.radius', { min: '1', max: '300' });
    await invalid(() => chat.say('far'), 'registration:invalid.radius', { min: '1', max: '300' });
    await chat.say('15 km');
    await invalid(() => chat.pick([]), 'registration:invalid.activities');
    await invalid(() => chat.pick(['juggling']), 'conversation:pickOne');
    await chat.pick(['driving']);
    await invalid(() => chat.say('xx, de'), 'registration:invalid.languageCodes', { codes: 'xx' });
    await chat.say('de, en');
    await invalid(() => chat.say('100'), 'registration:invalid.hours', { min: '1', max: '60' });
    await chat.say('3');
    await invalid(() => chat.say('x'.repeat(501)), 'conversation:tooLong', { max: '500' });
    await chat.say('Plumbing');
    expect(chat.question).toContain('Lena Weber');
  });

  it('lets a person correct any field from the summary before confirming', async () => {
    const chat = new WebChatClient(service.url);
    await registerUntilSummary(chat, 'de', 'korrektur@example.org');
    await chat.tap('edit');
    expect(chat.view.prompt?.choices.map((c) => c.value)).toEqual(['firstName', 'lastName', 'email', 'phone', 'place', 'radius', 'activities', 'languages', 'hours', 'skills']);
    await chat.tap('email');
    expect(chat.question).toBe(text('de', 'registration:ask.email'));
    await chat.say('korrigiert@example.org');
    expect(chat.question).toContain('korrigiert@example.org');
    await chat.tap('edit');
    await chat.tap('activities');
    expect(chat.view.prompt?.choices.filter((c) => c.selected).map((c) => c.value)).toEqual(['translating', 'childcare']);
    await chat.pick(['sports']);
    expect(chat.question).toContain('Sport');
    await chat.tap('confirm');
    const person = await prisma().person.findFirstOrThrow({ where: { email: 'korrigiert@example.org' } });
    expect(person.activities).toEqual(['sports']);
    expect(await prisma().person.count({ where: { email: 'korrektur@example.org' } })).toBe(0);
  });

  it('shows, changes and exports the stored profile', async () => {
    const chat = new WebChatClient(service.url);
    await registerUntilSummary(chat, 'de', 'profil@example.org');
    await chat.tap('confirm');
    await chat.say('/profile');
    expect(chat.question).toContain('profil@example.org');
    await chat.tap('change');
    await chat.tap('hours');
    await chat.say('8');
    expect(chat.question).toContain(': 8');
    await chat.tap('confirm');
    expect(chat.said).toBe(text('de', 'profile:saved'));
    expect((await prisma().person.findFirstOrThrow({ where: { email: 'profil@example.org' } })).weeklyHours).toBe(8);

    await chat.say('/export');
    expect(chat.view.attachment?.mediaType).toBe('application/json');
    const exported = JSON.parse(chat.view.attachment!.content);
    expect(exported.profile).toMatchObject({ email: 'profil@example.org', weeklyHours: 8 });
    expect(exported.consents).toEqual([expect.objectContaining({ kind: 'privacy', noticeVersion: '1' })]);
    expect(exported.channels).toEqual([expect.objectContaining({ channel: 'web' })]);
  });

  it('offers the region’s own catalogue: custom activities by their labels, withdrawn ones no more', async () => {
    const admin = new AdminService(service.app.store, randomUUID);
    await admin.addActivity({ key: 'foodbank', labels: ['de=Tafel', 'en=Food bank'] });
    await admin.disableActivity({ key: 'sports' });
    try {
      const labels = async (locale: string) => {
        const chat = new WebChatClient(service.url);
        await chat.open();
        await chat.tap(locale);
        await chat.tap('agree');
        for (const answer of ['Kim', 'Lee', `kim.${locale}@example.org`]) await chat.say(answer);
        await chat.tap('skip');
        await chat.say('Göttingen');
        await chat.tap('5');
        return chat.view.prompt!.choices;
      };
      const english = await labels('en');
      expect(english.find((c) => c.value === 'foodbank')).toMatchObject({ label: 'Food bank', lang: 'en' });
      expect(english.map((c) => c.value)).not.toContain('sports');
      // No French label: the German one, marked as German, rather than a key.
      expect((await labels('fr')).find((c) => c.value === 'foodbank')).toMatchObject({ label: 'Tafel', lang: 'de' });
    } finally {
      await admin.addActivity({ key: 'sports', labels: [] });
    }
  });

  it('switches the language in the middle of a registration and goes on where it was', async () => {
    const chat = new WebChatClient(service.url);
    await chat.open();
    await chat.tap('de');
    await chat.tap('agree');
    await chat.say('Olena');
    await chat.say('/language');
    await chat.tap('uk');
    expect(chat.view.locale).toBe('uk');
    expect(chat.question).toBe(text('uk', 'registration:ask.lastName'));
  });

  it('deletes a profile with all personal data on request', async () => {
    const chat = new WebChatClient(service.url);
    await registerUntilSummary(chat, 'de', 'loeschen@example.org', 'Gebärdensprache');
    await chat.tap('confirm');
    const person = await prisma().person.findFirstOrThrow({ where: { email: 'loeschen@example.org' } });
    await chat.say('/delete');
    await chat.tap('no');
    expect(await prisma().person.count({ where: { id: person.id } })).toBe(1);
    await chat.say('/delete');
    await chat.tap('yes');
    expect(chat.said).toBe(text('de', 'profile:delete.done'));
    expect(chat.question).toBe(text('de', 'registration:ask.language'));

    // Nothing personal is left anywhere in the database: every table, as text.
    const tables = await prisma().$queryRawUnsafe<{ table_name: string }[]>(
      `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    expect(tables.length).toBeGreaterThan(10);
    for (const { table_name } of tables) {
      const rows = await prisma().$queryRawUnsafe<unknown[]>(`select * from "${table_name}"`);
      const dump = JSON.stringify(rows);
      expect(dump, table_name).not.toContain('loeschen@example.org');
      expect(dump, table_name).not.toContain('Gebärdensprache');
    }
    expect(await prisma().consent.count({ where: { personId: person.id } })).toBe(0);
    expect(await prisma().auditEntry.count({ where: { subjectId: person.id, action: 'person.deleted' } })).toBe(1);
  });

  it('never applies a replayed event, a double tap or a stale button twice', async () => {
    const chat = new WebChatClient(service.url);
    await chat.open();
    await chat.tap('de');
    const token = chat.view.prompt!.token;
    await chat.send({ type: 'choice', token, values: ['agree'] }, 'event-0001');
    const afterConsent = chat.question;
    const replay = await chat.send({ type: 'choice', token, values: ['agree'] }, 'event-0001');
    expect(replay.messages.map((m) => m.text)).toEqual([text('de', 'conversation:duplicate')]);
    expect(chat.question).toBe(afterConsent);

    // The same button pressed twice at once (two events): one answer is applied, the other is stale.
    const nameToken = chat.view.prompt!.token;
    await chat.say('Karl');
    const stale = await chat.send({ type: 'text', text: 'Otto', token: nameToken });
    expect(stale.messages.map((m) => m.text)).toEqual([text('de', 'conversation:stale')]);
    expect(chat.question).toBe(text('de', 'registration:ask.lastName'));
    const lastNameToken = chat.view.prompt!.token;
    const both = await Promise.all([
      chat.send({ type: 'text', text: 'Meyer', token: lastNameToken }),
      chat.send({ type: 'text', text: 'Meier', token: lastNameToken }),
    ]);
    expect(both.map((b) => b.messages.map((m) => m.text).join())).toContain(text('de', 'conversation:stale'));
    const conversation = await prisma().conversation.findFirstOrThrow({ where: { state: { path: ['data', 'firstName'], equals: 'Karl' } } });
    expect(['Meyer', 'Meier']).toContain((conversation.state as { data: { lastName: string } }).data.lastName);
  });

  it('answers unknown commands, commands needing registration and malformed requests clearly', async () => {
    const chat = new WebChatClient(service.url, 'en');
    await chat.open();
    await chat.say('/dance');
    expect(chat.said).toBe(text('en', 'conversation:unknownCommand', { command: 'dance' }));
    await chat.say('/profile');
    expect(chat.said).toBe(text('en', 'errors:NOT_REGISTERED'));
    await chat.say('/help');
    expect(chat.said).toBe(text('en', 'conversation:helpUnregistered'));

    const raw = await fetch(`${service.url}/api/web/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-locale': 'fr' }, body: '{"eventId": ' });
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as { error: { message: string } }).error.message).toBe(text('fr', 'errors:INVALID_INPUT'));
    const lost = await fetch(`${service.url}/api/web/nowhere`, { headers: { 'x-locale': 'tr' } });
    expect(lost.status).toBe(404);
    expect(((await lost.json()) as { error: { message: string } }).error.message).toBe(text('tr', 'errors:NOT_FOUND'));
    const wrong = await chat.send({ type: 'teleport' });
    expect(chat.status).toBe(400);
    expect(wrong.error?.message).toBe(text('en', 'errors:INVALID_INPUT'));
  });

  it('keeps names, e-mail addresses, phone numbers and message texts out of the logs', async () => {
    const chat = new WebChatClient(service.url);
    await registerUntilSummary(chat, 'de', 'geheim.log@example.org');
    await chat.tap('confirm');
    const logs = service.logs.join('');
    for (const secret of ['geheim.log@example.org', 'Schmidt', 'Erste Hilfe', '37073']) expect(logs).not.toContain(secret);
  });
});
