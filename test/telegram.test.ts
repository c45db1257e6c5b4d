import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminService, type HelperCall } from '../core/index.js';
import { openDatabase } from '../app/database.js';
import { createLogger } from '../app/logger.js';
import { backends, createPostgresDatabase, type TestDatabase } from './support/databases.js';
import { FakeTelegram, LIMITS } from './support/fake-telegram.js';
import { LoadBalancer } from './support/load-balancer.js';
import { opening, text } from './support/locale-text.js';
import { seedVolunteers } from './support/seed.js';
import { startApp, type RunningApp } from './support/test-app.js';
import { TelegramPerson } from './support/telegram-person.js';

const SECRET = 'webhook-secret-0123456789abcdef';
const modes = ['polling', 'webhook'] as const;

function tomorrowAt(hour: number, dayOffset = 1): Date {
  const d = new Date(Date.now() + dayOffset * 24 * 3600_000);
  d.setUTCHours(hour, 0, 0, 0);
  return d;
}

describe.each(backends)('Telegram on $name', (backend) => {
  describe.each(modes)('by %s', (mode) => {
    let db: TestDatabase;
    let telegram: FakeTelegram;
    let balancer: LoadBalancer | null = null;
    let services: RunningApp[] = [];
    let organisation: { id: string; regionId: string };
    let nextChat = 1000;

    beforeAll(async () => {
      db = await backend.create();
      telegram = await new FakeTelegram().listen();
      const env: Record<string, string> = {
        QUIET_HOURS: '0-0',
        CALL_MAX_PER_DAY: '20',
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.url,
      };
      if (mode === 'webhook') {
        // Two instances behind a load balancer, as in production; Telegram knows only the balancer's address.
        balancer = await new LoadBalancer().listen();
        Object.assign(env, { TELEGRAM_WEBHOOK_URL: `${balancer.url}/telegram/webhook`, TELEGRAM_WEBHOOK_SECRET: SECRET });
        services = [await startApp(db.database, env), await startApp(db.database, env)];
        balancer.targets = services.map((s) => s.url);
      } else {
        services = [await startApp(db.database, env)];
      }
      for (const service of services) await service.app.telegram!.start();
      organisation = await new AdminService(services[0]!.app.store, randomUUID).createOrganisation({ slug: `tg-${backend.name}-${mode}`, name: 'Tafel' });
    });

    afterAll(async () => {
      for (const service of services) await service.app.telegram?.stop();
      for (const service of services) await service.close();
      await telegram?.close();
      await balancer?.close();
      await db?.destroy();
    });

    const person = (languageCode?: string) => new TelegramPerson(telegram, nextChat++, languageCode);
    const prisma = () => db.database.prisma;

    /** Runs the delivery jobs on every instance until they are all done (waiting out a retry_after). */
    async function deliver(until: () => boolean, timeoutMs = 30_000): Promise<void> {
      const started = Date.now();
      for (;;) {
        await Promise.all(services.map((s) => s.app.worker.drain()));
        if (until() || Date.now() - started > timeoutMs) return;
        await new Promise((r) => setTimeout(r, 200));
      }
    }

    /** Volunteers registered straight in the database, reachable in their Telegram chats. */
    async function volunteers(specs: { locale?: string; activities?: string[] }[]) {
      const seeded = await seedVolunteers(prisma(), services[0]!.url, specs.map((s) => ({ languages: ['ar'], ...s })));
      return Promise.all(
        seeded.map(async (v, i) => {
          const chat = person(specs[i]!.locale);
          await prisma().channelIdentity.update({ where: { channel_address: { channel: 'web', address: v.address } }, data: { channel: 'telegram', address: String(chat.chatId) } });
          return { id: v.id, chat, locale: specs[i]!.locale ?? 'de' };
        }),
      );
    }

    async function post(title: string, needed: number, activity = 'translating', startsAt = tomorrowAt(9)): Promise<HelperCall> {
      return services[0]!.app.calls.posting.post(organisation, null, {
        activity,
        title,
        description: 'Bitte pünktlich sein.',
        place: 'Göttingen',
        startsAt,
        endsAt: new Date(startsAt.getTime() + 2 * 3600_000),
        helpersNeeded: needed,
      });
    }

    it('sets the command menu in every language', () => {
      expect(telegram.commands.get('')!.map((c) => c.command)).toContain('profile');
      expect(telegram.commands.get('de')!.find((c) => c.command === 'profile')!.description).toBe(text('de', 'telegram:command.profile'));
      expect(telegram.commands.get('ar')!.find((c) => c.command === 'language')!.description).toBe(text('ar', 'telegram:command.language'));
      expect([...telegram.commands.keys()].sort()).toEqual(['', 'ar', 'de', 'en', 'fa', 'fr', 'ru', 'tr', 'uk']);
      // What a volunteer uses from roles and moderation is in the menu too, described in each language.
      for (const [language, list] of telegram.commands) {
        const locale = language || 'de';
        for (const command of ['report', 'read', 'follow', 'request', 'mine']) {
          expect(list.find((c) => c.command === command)?.description, `${command} in ${locale}`).toBe(text(locale, `telegram:command.${command}`));
        }
      }
    });

    it('answers the menu commands from moderation with their flows', async () => {
      const [volunteer] = await volunteers([{ locale: 'de', activities: ['sorting_donations'] }]);
      const chat = volunteer!.chat;
      await chat.say('/report');
      expect(chat.last.text).toContain(text('de', 'moderation:callReport.none'));
      await chat.say('/read');
      expect(chat.last.text).toContain(text('de', 'moderation:read.none'));
      await chat.say('/mine');
      expect(chat.last.text).toContain(text('de', 'moderation:mine.none'));
      // Registered just now: the first right can be asked for only after a while.
      await chat.say('/request');
      expect(chat.last.text).toContain(text('de', 'moderation:request.tooEarly', { role: 'Kommentierende' }).split('{{')[0]!);
      expect(await prisma().roleRequest.count({ where: { personId: volunteer!.id } })).toBe(0);
    });

    it('registers a person in German with buttons, ticks, the contact and location buttons, and sends the export as a file', async () => {
      const anna = person('de-DE');
      await anna.say('/start');
      expect(anna.last.text).toBe(text('de', 'registration:ask.language'));
      const languageQuestion = anna.question;
      await anna.tap('de');
      // The pressed message keeps what was asked and shows what was chosen, without buttons.
      expect(telegram.messages.get(languageQuestion.message_id)!.text).toBe(`${text('de', 'registration:ask.language')}\n\n✓ Deutsch`);
      expect(telegram.messages.get(languageQuestion.message_id)!.reply_markup).toBeUndefined();
      expect(anna.last.text).toContain(opening('de', 'registration:ask.privacy'));
      await anna.tap('agree');
      await anna.say('Anna');
      await anna.say('Schmidt <Tafel & Co>');
      expect(anna.last.text).toBe(text('de', 'registration:invalid.name') + '\n\n' + text('de', 'registration:ask.lastName'));
      await anna.say('Schmidt');
      await anna.say('anna.tg@example.org');
      const contactKeyboard = anna.last.reply_markup as { keyboard: { text: string; request_contact?: boolean }[][] };
      expect(contactKeyboard.keyboard[0]![0]).toEqual({ text: text('de', 'telegram:shareContact'), request_contact: true });
      expect(contactKeyboard.keyboard.flat().map((b) => b.text)).toContain(text('de', 'registration:phone.skip'));
      await anna.shareContact('+49 170 1234567');
      const locationKeyboard = anna.last.reply_markup as { keyboard: { text: string; request_location?: boolean }[][] };
      expect(locationKeyboard.keyboard[0]![0]).toEqual({ text: text('de', 'telegram:shareLocation'), request_location: true });
      await anna.shareLocation(51.534, 9.932);
      expect(anna.last.text).toBe(text('de', 'registration:ask.radius'));
      await anna.tap('10');
      const activities = anna.question;
      await anna.tap('translating');
      await anna.tap('driving');
      await anna.tap('driving');
      await anna.tap('childcare');
      // Ticks live in the message until Done: two ticked, one ticked and unticked again.
      const ticked = (telegram.messages.get(activities.message_id)!.reply_markup!.inline_keyboard as { text: string }[][]).flat().filter((b) => b.text.startsWith('✓ '));
      expect(ticked.map((b) => b.text)).toEqual([`✓ ${text('de', 'activities:translating')}`, `✓ ${text('de', 'activities:childcare')}`]);
      await anna.tap(text('de', 'telegram:done'));
      await anna.tap('ar');
      await anna.tap(text('de', 'telegram:done'));
      await anna.tap('4');
      await anna.tap('skip');
      await anna.tap('confirm');
      expect(anna.last.text).toContain(text('de', 'registration:done', { firstName: 'Anna' }));

      const stored = await prisma().person.findFirstOrThrow({ where: { email: 'anna.tg@example.org' }, include: { identities: true } });
      expect(stored).toMatchObject({ locale: 'de', phone: '+491701234567', activities: ['translating', 'childcare'], weeklyHours: 4 });
      expect(stored.identities).toEqual([expect.objectContaining({ channel: 'telegram', address: String(anna.chatId) })]);

      const before = anna.lastId();
      await anna.say('/export');
      expect(anna.since(before)).toEqual(['[document helferruf-data.json]', expect.stringContaining(text('de', 'profile:exported'))]);
      const file = anna.messages.find((m) => m.message_id > before && m.document)!;
      expect(file.document!.file_name).toBe('helferruf-data.json');
      expect(JSON.parse(file.documentContent!)).toMatchObject({ profile: { email: 'anna.tg@example.org' }, channels: [{ channel: 'telegram', address: String(anna.chatId) }] });
    }, 120_000);

    it('registers a person in Arabic from a region’s deep link by typing, and answers a stale button with where things stand', async () => {
      const region = await new AdminService(services[0]!.app.store, randomUUID).createRegion({ slug: `kassel-${mode}`, name: 'Kassel', controllerName: 'Stadt Kassel' });
      const layla = person('ar');
      // https://t.me/<bot>?start=kassel-… arrives as "/start kassel-…".
      await layla.say(`/start kassel-${mode}`);
      expect(layla.last.text).toBe(text('ar', 'registration:ask.language'));
      await layla.tap('ar');
      expect(layla.last.text).toContain('Stadt Kassel');
      await layla.tap('agree');
      await layla.say('ليلى');
      await layla.say('حداد');
      await layla.say('layla.tg@example.org');
      // Skip typed from the sharing keyboard: the core matches the label.
      await layla.say(text('ar', 'registration:phone.skip'));
      await layla.say('37073');
      const radius = layla.question;
      expect(radius.text).toBe(text('ar', 'registration:ask.radius'));
      await layla.say('10');
      expect(layla.last.text).toBe(text('ar', 'registration:ask.activities'));

      // The radius question is still on screen with its buttons; a press there is stale now.
      const press = telegram.press(layla.user, radius, telegram.button(radius, '25'));
      await telegram.handled(press);
      expect(telegram.answerTo(press)).toEqual({ text: text('ar', 'conversation:stale') });
      expect(telegram.messages.get(radius.message_id)!.reply_markup).toBeUndefined();
      expect(layla.last.text).toBe(`${text('ar', 'conversation:stale')}\n\n${text('ar', 'registration:ask.activities')}`);

      await layla.tap('translating');
      await layla.tap(text('ar', 'telegram:done'));
      await layla.tap('ar');
      await layla.tap(text('ar', 'telegram:done'));
      await layla.tap('2');
      await layla.tap('skip');
      await layla.tap('confirm');
      expect(layla.last.text).toContain(opening('ar', 'registration:done'));
      const stored = await prisma().person.findFirstOrThrow({ where: { email: 'layla.tg@example.org' } });
      expect(stored).toMatchObject({ locale: 'ar', travelRadiusKm: 10, phone: null, placeName: 'Göttingen', regionId: region.id });
    }, 120_000);

    it('takes exactly the places there are when several accept at once, and edits every notification into its outcome', async () => {
      // Each case asks for its own activity, so people of the other cases are not among the candidates.
      const people = await volunteers([{ locale: 'de', activities: ['tutoring'] }, { locale: 'ar', activities: ['tutoring'] }, { locale: 'uk', activities: ['tutoring'] }, { locale: 'en', activities: ['tutoring'] }]);
      const call = await post('Begleitung zum Amt', 2, 'tutoring');
      await deliver(() => people.every((p) => p.chat.messages.length === 1));
      for (const p of people) {
        expect(p.chat.last.text).toContain(opening(p.locale, 'calls:notification'));
        expect((p.chat.last.reply_markup!.inline_keyboard as { text: string }[][]).flat().map((b) => b.text)).toEqual([text(p.locale, 'calls:accept'), text(p.locale, 'calls:decline')]);
      }

      const racers = people.slice(0, 3);
      const presses = racers.map((p) => telegram.press(p.chat.user, p.chat.last, telegram.button(p.chat.last, 'accept')));
      await Promise.all(presses.map((id) => telegram.handled(id)));
      expect(await prisma().helperCall.findUniqueOrThrow({ where: { id: call.id } })).toMatchObject({ acceptedCount: 2, status: 'full' });
      const outcomes = racers.map((p) => {
        const message = p.chat.messages[0]!;
        expect(message.reply_markup).toBeUndefined();
        if (message.text!.includes(text(p.locale, 'calls:justFilled'))) return 'filled';
        expect(message.text).toContain(opening(p.locale, 'calls:accepted'));
        return 'accepted';
      });
      expect(outcomes.sort()).toEqual(['accepted', 'accepted', 'filled']);
      // Every press got its spinner ended, with the outcome as a note; nothing else was sent.
      for (const [i, p] of racers.entries()) {
        expect(telegram.answerTo(presses[i]!)?.text).toBeTruthy();
        expect(p.chat.messages).toHaveLength(1);
      }

      // The one who did not answer sees the notification turn into "filled": no stale Accept left anywhere.
      const waiting = people[3]!;
      await deliver(() => telegram.messages.get(waiting.chat.messages[0]!.message_id)!.edits.length === 1);
      expect(waiting.chat.messages[0]!.text).toBe(text('en', 'calls:filledNotice', { title: 'Begleitung zum Amt' }));
      expect(waiting.chat.messages[0]!.reply_markup).toBeUndefined();
    }, 120_000);

    it('applies a duplicate update once', async () => {
      const [helper] = await volunteers([{ locale: 'de', activities: ['german_practice'] }]);
      const call = await post('Sprachcafé', 3, 'german_practice');
      await deliver(() => helper!.chat.messages.length === 1);
      const notification = helper!.chat.last;
      const press = telegram.press(helper!.chat.user, notification, telegram.button(notification, 'accept'));
      await telegram.handled(press);
      telegram.redeliver(press);
      await telegram.handled(press);
      expect(await prisma().helperCall.findUniqueOrThrow({ where: { id: call.id } })).toMatchObject({ acceptedCount: 1 });
      expect(await prisma().callResponse.count({ where: { callId: call.id, status: 'accepted' } })).toBe(1);
      const shown = telegram.messages.get(notification.message_id)!;
      expect(shown.edits).toHaveLength(1);
      expect(shown.text).toContain(opening('de', 'calls:accepted'));
      expect(helper!.chat.messages).toHaveLength(1);

      // A typed command delivered twice: done once, and the second time the person is told so.
      const pause = await helper!.chat.say('/pause 3');
      const pausedUntil = (await prisma().person.findUniqueOrThrow({ where: { id: helper!.id } })).pausedUntil;
      expect(pausedUntil).not.toBeNull();
      const before = helper!.chat.lastId();
      telegram.redeliver(pause);
      await telegram.handled(pause);
      expect(helper!.chat.since(before)).toEqual([expect.stringContaining(text('de', 'conversation:duplicate'))]);
      expect((await prisma().person.findUniqueOrThrow({ where: { id: helper!.id } })).pausedUntil).toEqual(pausedUntil);
    });

    it('marks a person who blocked the bot unreachable, and reachable again when they come back', async () => {
      const [blocker, other, leaver] = await volunteers([{ activities: ['sports'] }, { activities: ['sports'] }, { activities: ['handicraft'] }]);
      telegram.block(blocker!.chat.user, false);
      await post('Fußballtraining', 3, 'sports');
      await deliver(() => other!.chat.messages.length === 1);
      expect(blocker!.chat.messages).toEqual([]);
      const identity = await prisma().channelIdentity.findFirstOrThrow({ where: { personId: blocker!.id } });
      expect(identity.unreachableSince).not.toBeNull();
      expect(telegram.calls.some((c) => c.chatId === blocker!.chat.chatId && c.errorCode === 403)).toBe(true);

      // Telegram also says so itself when someone blocks the bot, and when they start it again.
      const unreachable = async () => (await prisma().channelIdentity.findFirstOrThrow({ where: { personId: leaver!.id } })).unreachableSince;
      await telegram.handled(telegram.block(leaver!.chat.user)!);
      expect(await unreachable()).not.toBeNull();
      await telegram.handled(telegram.unblock(leaver!.chat.user));
      expect(await unreachable()).toBeNull();
    });

    it('answers in a group only commands addressed to it, and only with the way to the private chat', async () => {
      const [member] = await volunteers([{ locale: 'de' }]);
      const group = telegram.group(-4000 - nextChat++);
      await telegram.handled(telegram.sendText(member!.chat.user, '/profile', group));
      await telegram.handled(telegram.sendText(member!.chat.user, 'Hallo zusammen', group));
      expect(telegram.chat(group.id)).toEqual([]);
      await telegram.handled(telegram.sendText(member!.chat.user, `/profile@${telegram.bot.username}`, group));
      const [answer] = telegram.chat(group.id);
      expect(telegram.chat(group.id)).toHaveLength(1);
      expect(answer!.text).toBe(text('de', 'telegram:groupPrivate'));
      expect(answer!.reply_markup).toEqual({ inline_keyboard: [[{ text: text('de', 'telegram:openPrivate'), url: `https://t.me/${telegram.bot.username}` }]] });
      expect(member!.chat.messages).toEqual([]);
    });

    it('tells a person what it cannot read, and takes only their own phone number', async () => {
      const sam = person('en');
      await sam.say('/start');
      await telegram.handled(telegram.sendSticker(sam.user));
      expect(sam.last.text).toBe(`${text('en', 'telegram:unsupported')}\n\n${text('en', 'registration:ask.language')}`);
      await sam.tap('en');
      await sam.tap('agree');
      await sam.say('Sam');
      await sam.say('Miller');
      await sam.say('sam.tg@example.org');
      await telegram.handled(telegram.sendContact(sam.user, '+49 151 0000000', 999_999));
      expect(sam.last.text).toBe(`${text('en', 'telegram:ownContactOnly')}\n\n${text('en', 'registration:ask.phone')}`);
    }, 120_000);

    it(`delivers a burst of 200 helper calls within Telegram's limits, none lost, none twice, after a 429`, async () => {
      const people = await volunteers(Array.from({ length: 50 }, () => ({ activities: ['leisure'] })));
      const chats = new Set(people.map((p) => p.chat.chatId));
      telegram.inject('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', retry_after: 1 });
      const started = Date.now();
      const calls = await Promise.all([1, 2, 3, 4].map((n) => post(`Ausflug ${n}`, 40, 'leisure', tomorrowAt(8 + n, 2))));
      const delivered = () => [...telegram.messages.values()].filter((m) => chats.has(m.chat.id));
      await deliver(() => delivered().length >= 200, 100_000);

      // Nothing lost, nothing twice: every person has each of the four calls exactly once.
      expect(delivered()).toHaveLength(200);
      for (const p of people) {
        const titles = p.chat.messages.map((m) => /Ausflug \d/.exec(m.text ?? '')?.[0]).sort();
        expect(titles).toEqual(['Ausflug 1', 'Ausflug 2', 'Ausflug 3', 'Ausflug 4']);
      }
      expect(await prisma().sentMessage.count({ where: { subject: { in: calls.map((c) => `call:${c.id}`) }, externalId: { not: null } } })).toBe(200);
      // The injected 429 was waited out; the bot itself never went too fast for Telegram.
      const relative = (t: number) => t - started;
      expect(telegram.throttled.map((c) => ({ ...c, at: relative(c.at), over: c.over && { ...c.over, counted: c.over.counted.map(relative) } }))).toEqual([]);
      expect(telegram.calls.filter((c) => c.errorCode === 429)).toHaveLength(1);
      const mine = (c: { at: number; chatId?: number }) => c.at >= started && c.chatId !== undefined && chats.has(c.chatId);
      expect(telegram.busiest(1000, mine)).toBeLessThanOrEqual(LIMITS.perSecond);
      for (const chat of chats) expect(telegram.busiest(1000, (c) => mine(c) && c.kind === 'message' && c.chatId === chat)).toBeLessThanOrEqual(LIMITS.perChatPerSecond);
      // 200 messages at under 30 a second take at least six seconds and a half.
      const times = telegram.acceptedCalls().filter(mine).map((c) => c.at);
      expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual((199 * 1000) / LIMITS.perSecond);
    }, 120_000);

    if (mode === 'webhook') {
      it('refuses a webhook post without the secret, and a malformed one without logging its content', async () => {
        const url = `${balancer!.url}/telegram/webhook`;
        const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ update_id: 1, message: { text: 'geheim' } }) });
        expect(unsigned.status).toBe(401);
        const headers = { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET };
        expect((await fetch(url, { method: 'POST', headers, body: '{"update_id": 5, "message": {"text": "Anna Privat' })).status).toBe(400);
        expect((await fetch(url, { method: 'POST', headers, body: JSON.stringify({ message: { text: 'Anna Privat' } }) })).status).toBe(400);
        const logs = services.flatMap((s) => s.logs).join('\n');
        expect(logs).toContain('a malformed Telegram update was refused');
        expect(logs).not.toContain('Anna Privat');
        expect(logs).not.toContain('geheim');
        // Both instances behind the balancer served Telegram's posts.
        expect([...balancer!.served.values()].every((n) => n > 0)).toBe(true);
        expect(balancer!.served.size).toBe(2);
      });
    }

    if (mode === 'polling') {
      it('stops polling cleanly, confirming what it handled, and picks up where it left off', async () => {
        const anton = person('de');
        await anton.say('/help');
        const app = services[0]!.app.telegram!;
        await app.stop();
        const before = anton.lastId();
        const waiting = telegram.sendText(anton.user, '/start');
        await new Promise((r) => setTimeout(r, 500));
        expect(anton.since(before)).toEqual([]);
        await app.start();
        await telegram.handled(waiting);
        expect(anton.since(before)).toEqual([text('de', 'registration:ask.language')]);
      });
    }
  });
});

describe('Telegram without a token', () => {
  it('is off, and start-up says so', async () => {
    const db = await backends[0]!.create();
    const service = await startApp(db.database);
    try {
      expect(service.app.telegram).toBeNull();
      expect(service.app.messengers.has('telegram')).toBe(false);
      expect(service.logs.join('\n')).toContain('Telegram is off: TELEGRAM_BOT_TOKEN is not set');
    } finally {
      await service.close();
      await db.destroy();
    }
  });
});

describe.skipIf(!process.env.DATABASE_URL).each(modes)('Telegram by %s while the database is briefly gone', (mode) => {
  it('tells the person once, in their language, to wait; logs nothing they wrote; and handles the update exactly once when the database is back', async () => {
    const created = await createPostgresDatabase();
    const setAvailable = created.setAvailable;
    const database = await openDatabase({ kind: 'postgres', url: created.url }, { migrate: true, log: createLogger('silent') });
    const telegram = await new FakeTelegram().listen();
    const balancer = await new LoadBalancer().listen();
    const env: Record<string, string> = { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.url };
    if (mode === 'webhook') Object.assign(env, { TELEGRAM_WEBHOOK_URL: `${balancer.url}/telegram/webhook`, TELEGRAM_WEBHOOK_SECRET: SECRET });
    const service = await startApp(database, env);
    balancer.targets = [service.url];
    try {
      await service.app.telegram!.start();
      const jonas = new TelegramPerson(telegram, 4242, 'en');
      await jonas.say('/start');
      await jonas.tap('en');
      await jonas.tap('agree');
      expect(jonas.last.text).toBe(text('en', 'registration:ask.firstName'));

      await setAvailable(false);
      const before = jonas.lastId();
      const update = telegram.sendText(jonas.user, 'Jonas');
      for (let i = 0; i < 200 && jonas.since(before).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(jonas.since(before)).toEqual([text('en', 'telegram:retrying')]);
      // Not confirmed (polling) or answered with a 5xx (webhook): Telegram delivers it again, and again.
      await new Promise((r) => setTimeout(r, 1500));
      if (mode === 'polling') {
        const polls = telegram.calls.filter((c) => c.method === 'getUpdates');
        expect(polls.length).toBeGreaterThan(1);
        expect(Math.max(...polls.map((c) => c.offset ?? 0)), 'the update was not confirmed').toBeLessThanOrEqual(update);
      }
      expect(jonas.since(before)).toEqual([text('en', 'telegram:retrying')]);
      expect(service.logs.join('')).not.toContain('Jonas');

      await setAvailable(true);
      await telegram.handled(update, 60_000);
      // One hint, then the next question: the name was taken once, nothing said twice, nothing to send again.
      expect(jonas.since(before)).toEqual([text('en', 'telegram:retrying'), text('en', 'registration:ask.lastName')]);
      expect(await database.prisma.processedEvent.count({ where: { eventId: { contains: String(update) } } })).toBe(1);
    } finally {
      await setAvailable(true).catch(() => undefined);
      await service.app.telegram?.stop();
      await service.close();
      await balancer.close();
      await telegram.close();
      await database.close().catch(() => undefined);
      await created.drop();
    }
  }, 120_000);
});
