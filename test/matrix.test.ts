import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../app/database.js';
import { createLogger } from '../app/logger.js';
import { MatrixClient } from 'matrix-bot-sdk';
import { AdminService, DeliveryError, isolate, msg, type HelperCall } from '../core/index.js';
import { MATRIX_CHANNEL, MatrixMessenger } from '../bots/matrix/index.js';
import { MatrixSender } from '../bots/matrix/matrix-send.js';
import { matrixCommands } from '../bots/matrix/matrix-render.js';
import { matrixStore } from '../prisma/repositories/matrix-repository.js';
import { backends, createPostgresDatabase, type TestDatabase } from './support/databases.js';
import { text } from './support/locale-text.js';
import { MatrixUser, optionNumber, type MatrixEvent } from './support/matrix-user.js';
import { seedVolunteers } from './support/seed.js';
import { startSynapse, synapseUnavailable, type Synapse } from './support/synapse.js';
import { startApp, type RunningApp } from './support/test-app.js';

// CI sets REQUIRE_MATRIX=1: there a missing Synapse fails the run instead of skipping these tests.
const REQUIRED = process.env.REQUIRE_MATRIX === '1';
const missing = synapseUnavailable();
if (missing && !REQUIRED) console.warn(`Matrix tests skipped: ${missing}`);

function tomorrowAt(hour: number): Date {
  const d = new Date(Date.now() + 24 * 3600_000);
  d.setUTCHours(hour, 0, 0, 0);
  return d;
}

const body = (e: MatrixEvent) => String(e.content.body);

// Every step goes through the homeserver and the bot's sync: on a busy machine a flow takes a while.
describe.skipIf(missing !== null && !REQUIRED)('the Matrix bot against a real Synapse', { timeout: 240_000 }, () => {
  let synapse: Synapse;

  beforeAll(async () => {
    synapse = await startSynapse();
  });
  afterAll(async () => {
    await synapse?.stop();
  });

  describe.each(backends)('on $name', (backend) => {
    let db: TestDatabase;
    let service: RunningApp;
    let bot: { userId: string; accessToken: string };
    const extra: RunningApp[] = [];
    const env = () => ({ MATRIX_HOMESERVER_URL: synapse.url, MATRIX_ACCESS_TOKEN: bot.accessToken, QUIET_HOURS: '0-0' });

    async function person(name: string): Promise<MatrixUser> {
      const u = await synapse.register(`${name}-${backend.name}-${randomUUID().slice(0, 6)}`);
      return new MatrixUser(synapse.url, u.userId, u.accessToken);
    }

    /** Another instance of the service on the same database and bot account. */
    async function instance(): Promise<RunningApp> {
      const running = await startApp(db.database, env());
      extra.push(running);
      await running.app.matrix!.start();
      return running;
    }

    beforeAll(async () => {
      db = await backend.create();
      bot = await synapse.register(`helferruf-${backend.name}`);
      service = await startApp(db.database, { ...env(), PRIVACY_CONTROLLER: 'Stadt Göttingen' });
      await service.app.matrix!.start();
    });
    afterAll(async () => {
      for (const running of [service, ...extra]) {
        await running?.app.matrix?.stop();
        await running?.close();
      }
      await db?.destroy();
    });

    /** Opens a chat with the bot and waits for its greeting. */
    async function openChat(user: MatrixUser): Promise<{ room: string; greeting: MatrixEvent }> {
      const room = await user.openChatWith(bot.userId);
      const greeting = await user.waitFor(room, (e) => e.sender === bot.userId && e.type === 'm.room.message', 'the greeting');
      return { room, greeting };
    }

    it.each(['de', 'ar'] as const)('registers a volunteer in %s with numbers, reactions, a location or a postcode, and replies threaded to each answer', async (locale) => {
      const user = await person(`reg-${locale}`);
      const { room, greeting } = await openChat(user);
      expect(await user.membership(room, bot.userId)).toBe('join');
      expect(greeting.content.msgtype).toBe('m.notice');
      expect(greeting.content.format).toBe('org.matrix.custom.html');
      expect(greeting.content.formatted_body).toContain('<ol>');
      // The question names /info as !info: commands are typed with "!" on Matrix.
      expect(body(greeting)).toContain(matrixCommands(text('de', 'registration:ask.language')));

      // The language by its number in the list.
      const language = locale === 'de' ? 'Deutsch' : 'العربية';
      let reply = await user.ask(room, bot.userId, optionNumber(greeting, language));
      expect(body(reply)).toContain('Stadt Göttingen');
      expect(body(reply)).toContain(text(locale, 'matrix:hint.yesNo'));
      // Agreeing with a reaction to the question.
      const agree = await user.react(room, reply.event_id, '✅');
      reply = await user.replyTo(room, bot.userId, agree);
      expect(body(reply)).toBe(text(locale, 'registration:ask.firstName'));
      reply = await user.ask(room, bot.userId, locale === 'de' ? 'Anna' : 'Layla');
      reply = await user.ask(room, bot.userId, 'Schmidt');
      reply = await user.ask(room, bot.userId, `${randomUUID().slice(0, 8)}@example.org`);
      expect(body(reply)).toContain(text(locale, 'registration:ask.phone'));
      reply = await user.ask(room, bot.userId, '1'); // skip
      expect(body(reply)).toContain(text(locale, 'registration:ask.place'));
      expect(body(reply)).toContain(text(locale, 'matrix:hint.location'));
      if (locale === 'de') reply = await user.replyTo(room, bot.userId, await user.shareLocation(room, 51.5413, 9.9158));
      else reply = await user.ask(room, bot.userId, '37073');
      expect(body(reply)).toContain(text(locale, 'registration:ask.radius'));
      reply = await user.ask(room, bot.userId, '10');
      const activities = [optionNumber(reply, text(locale, 'activities:translating')), optionNumber(reply, text(locale, 'activities:childcare'))];
      expect(body(reply)).toContain(text(locale, 'matrix:hint.multiple'));
      reply = await user.ask(room, bot.userId, activities.join(', '));
      reply = await user.ask(room, bot.userId, optionNumber(reply, locale === 'de' ? 'Arabisch' : 'العربية'));
      reply = await user.ask(room, bot.userId, '4');
      reply = await user.ask(room, bot.userId, 'Erste Hilfe');
      expect(body(reply)).toContain('Schmidt');
      const confirm = await user.react(room, reply.event_id, '✅');
      reply = await user.replyTo(room, bot.userId, confirm);
      expect(body(reply)).toContain(text(locale, 'registration:done', { firstName: locale === 'de' ? 'Anna' : 'Layla' }));

      const stored = await db.database.prisma.person.findFirstOrThrow({ where: { identities: { some: { channel: 'matrix', address: user.userId } } } });
      expect(stored).toMatchObject({ locale, lastName: 'Schmidt', travelRadiusKm: 10, weeklyHours: 4, activities: ['translating', 'childcare'] });

      // Commands are typed with "!" on Matrix; the help says so.
      reply = await user.ask(room, bot.userId, '!help');
      expect(body(reply)).toContain('!profile');
      expect(body(reply)).not.toContain('/profile');

      // The data export arrives as a file.
      await user.say(room, '!export');
      const file = await user.waitFor(room, (e) => e.sender === bot.userId && e.content.msgtype === 'm.file', 'the export file');
      expect(file.content.url).toMatch(/^mxc:\/\//);
      expect(file.content.info.mimetype).toContain('json');

      // Every event of the person got exactly one answer, threaded to it.
      const answered = (await user.botMessages(room, bot.userId)).map((e) => e.content['m.relates_to']?.['m.in_reply_to']?.event_id).filter(Boolean);
      expect(new Set(answered).size).toBe(answered.length);
    });

    it('greets a registered person in their own language and answers a helper call race between three by reaction: exactly the places there are', async () => {
      const people = await Promise.all(['ar', 'uk', 'de'].map((l) => person(`race-${l}`)));
      const seeded = await seedVolunteers(db.database.prisma, service.url, [
        { locale: 'ar', languages: ['ar'] },
        { locale: 'uk', languages: ['ar'] },
        { locale: 'de', languages: ['ar'] },
      ]);
      for (const [i, s] of seeded.entries()) {
        await db.database.prisma.channelIdentity.updateMany({ where: { personId: s.id }, data: { channel: 'matrix', address: people[i]!.userId } });
      }
      const rooms: string[] = [];
      for (const [i, user] of people.entries()) {
        const { room, greeting } = await openChat(user);
        rooms.push(room);
        expect(body(greeting)).toContain(text(['ar', 'uk', 'de'][i]!, 'menu:prompt'));
      }
      // A second instance of the service syncs the same account: nobody is answered twice.
      await instance();

      const admin = new AdminService(service.app.store, randomUUID);
      const organisation = await admin.createOrganisation({ slug: `drk-matrix-${backend.name}`, name: 'DRK' });
      const call: HelperCall = await service.app.calls.posting.post(organisation, null, {
        activity: 'translating',
        title: 'Begleitung zur Ausländerbehörde',
        description: 'Bitte 15 Minuten vorher da sein.',
        place: 'Göttingen',
        startsAt: tomorrowAt(9),
        endsAt: tomorrowAt(11),
        helpersNeeded: 2,
        languages: ['ar'],
      });
      await service.app.worker.drain();

      const notifications = await Promise.all(
        people.map((u, i) => u.waitFor(rooms[i]!, (e) => e.sender === bot.userId && body(e).includes('Begleitung zur Ausländerbehörde'), 'the helper call')),
      );
      expect(body(notifications[0]!)).toContain(isolate('ar', 'Begleitung zur Ausländerbehörde'));
      expect(body(notifications[0]!)).toContain(text('ar', 'calls:accept'));
      // The bot offers ✅ and ❌ as reactions to tap.
      const offered = (await people[0]!.timeline(rooms[0]!)).filter((e) => e.type === 'm.reaction' && e.sender === bot.userId && e.content['m.relates_to'].event_id === notifications[0]!.event_id);
      expect(offered.map((e) => e.content['m.relates_to'].key).sort()).toEqual(['✅', '❌'].sort());

      const reactions = await Promise.all(people.map((u, i) => u.react(rooms[i]!, notifications[i]!.event_id, '✅')));
      const replies = await Promise.all(people.map((u, i) => u.replyTo(rooms[i]!, bot.userId, reactions[i]!)));
      const locales = ['ar', 'uk', 'de'];
      const accepted = replies.filter((r, i) => body(r).startsWith(text(locales[i]!, 'calls:accepted').split('{{')[0]!));
      const filled = replies.filter((r, i) => body(r).includes(text(locales[i]!, 'calls:justFilled')));
      expect([accepted.length, filled.length]).toEqual([2, 1]);
      expect(await db.database.prisma.helperCall.findUniqueOrThrow({ where: { id: call.id } })).toMatchObject({ acceptedCount: 2, status: 'full' });

      // The one who was too late sees the notification edited to say the call is full.
      await service.app.worker.drain();
      const late = replies.findIndex((r) => filled.includes(r));
      const edit = await people[late]!.waitFor(rooms[late]!, (e) => e.content['m.relates_to']?.rel_type === 'm.replace' && e.content['m.relates_to'].event_id === notifications[late]!.event_id, 'the edited notification');
      expect(edit.content['m.new_content'].body).toBe(text(locales[late]!, 'calls:filledNotice', { title: 'Begleitung zur Ausländerbehörde' }));

      // A reply to the notification answers it too: the winner is told they have the place already.
      const winner = replies.findIndex((r) => accepted.includes(r));
      const again = await people[winner]!.ask(rooms[winner]!, bot.userId, locales[winner] === 'ar' ? 'نعم' : locales[winner] === 'uk' ? 'так' : 'ja', notifications[winner]!.event_id);
      expect(body(again)).toContain(text(locales[winner]!, 'calls:alreadyAccepted'));

      // Each reaction was answered once, though two instances read it.
      for (const [i, u] of people.entries()) {
        const answers = (await u.botMessages(rooms[i]!, bot.userId)).filter((e) => e.content['m.relates_to']?.['m.in_reply_to']?.event_id === reactions[i]);
        expect(answers).toHaveLength(1);
      }
      await extra.pop()!.app.matrix!.stop();
    });

    it('calls a reaction to an earlier question stale and asks the current one again; an unknown reaction is explained', async () => {
      const user = await person('stale');
      const { room, greeting } = await openChat(user);
      const privacy = await user.ask(room, bot.userId, optionNumber(greeting, 'English'));
      expect(body(privacy)).toContain('Stadt Göttingen');

      const late = await user.react(room, greeting.event_id, '2️⃣');
      const reply = await user.replyTo(room, bot.userId, late);
      expect(body(reply)).toContain(text('en', 'conversation:stale'));
      expect(body(reply)).toContain('Stadt Göttingen');
      const conversation = await db.database.prisma.conversation.findFirstOrThrow({ where: { channel: 'matrix', address: user.userId } });
      expect(conversation).toMatchObject({ locale: 'en' });
      expect((conversation.state as { step: string }).step).toBe('privacy');

      const odd = await user.react(room, privacy.event_id, '🎉');
      expect(body(await user.replyTo(room, bot.userId, odd))).toContain(text('en', 'matrix:reactionUnknown'));
      // An image is not an answer either, and the person is told so (without the bot fetching it).
      const image = await user.send(room, 'm.room.message', { msgtype: 'm.image', body: 'photo.jpg', url: 'mxc://localhost/abc' });
      expect(body(await user.replyTo(room, bot.userId, image))).toContain(text('en', 'attachments:notExpected'));
      // A voice message is nothing the bot can read.
      const voice = await user.send(room, 'm.room.message', { msgtype: 'm.audio', body: 'voice.ogg', url: 'mxc://localhost/def' });
      expect(body(await user.replyTo(room, bot.userId, voice))).toContain(text('en', 'matrix:unsupported'));
    });

    it('says in an encrypted room that it cannot read it and how to open an unencrypted chat, every time it is written to', async () => {
      const user = await person('secret');
      const room = await user.openChatWith(bot.userId, { encrypted: true });
      const notice = await user.waitFor(room, (e) => e.sender === bot.userId && e.type === 'm.room.message', 'the encryption notice');
      expect(body(notice)).toContain(text('de', 'matrix:encrypted', { bot: bot.userId }));
      expect(notice.content.msgtype).toBe('m.notice');

      const encrypted = await user.send(room, 'm.room.encrypted', {
        algorithm: 'm.megolm.v1.aes-sha2',
        ciphertext: 'AwgAEnACgAkLmt6qF84IK++J7UDH2Za1YVchHyprqTqsg',
        device_id: 'ABCDEFGHIJ',
        sender_key: 'IlRMeOPX2e0MurIyfWEucYBRVOEEUMrOHqn/8mLqMjA',
        session_id: 'X3lUlvLELLYxeTx4yOVu6UDpasGEVO0Jbu+QFnm0cKQ',
      });
      expect(body(await user.replyTo(room, bot.userId, encrypted))).toContain(text('de', 'matrix:encrypted', { bot: bot.userId }));
      expect(await db.database.prisma.matrixRoom.findUniqueOrThrow({ where: { roomId: room } })).toMatchObject({ encrypted: true });

      // A chat that turns on encryption later is told the same.
      const other = await person('later');
      const { room: plain } = await openChat(other);
      await other.request('PUT', `/rooms/${encodeURIComponent(plain)}/state/m.room.encryption/`, { algorithm: 'm.megolm.v1.aes-sha2' });
      await other.waitFor(plain, (e) => e.sender === bot.userId && body(e).includes(text('de', 'matrix:encrypted', { bot: bot.userId })), 'the notice after encryption was turned on');
    });

    it('talks only in a room of two: it leaves a group chat, and a chat someone else is invited to, saying why', async () => {
      const [user, friend] = [await person('group'), await person('friend')];
      const { room_id: group } = await user.request('POST', '/createRoom', { preset: 'private_chat', invite: [bot.userId, friend.userId] });
      const why = await user.waitFor(group, (e) => e.sender === bot.userId && e.type === 'm.room.message', 'the notice in the group');
      expect(body(why)).toBe(text('de', 'matrix:directOnly', { bot: bot.userId }));
      await user.waitFor(group, (e) => e.type === 'm.room.member' && e.state_key === bot.userId && e.content.membership === 'leave', 'the bot leaving the group');

      const { room } = await openChat(user);
      await user.request('POST', `/rooms/${encodeURIComponent(room)}/invite`, { user_id: friend.userId });
      await user.waitFor(room, (e) => e.type === 'm.room.member' && e.state_key === bot.userId && e.content.membership === 'leave', 'the bot leaving the chat');
      expect(await db.database.prisma.matrixRoom.findUniqueOrThrow({ where: { roomId: room } })).toMatchObject({ leftAt: expect.any(Date) });
    });

    it('declines invitations from homeservers not in MATRIX_ALLOWED_SERVERS', async () => {
      const strict = await synapse.register(`strict-${backend.name}`);
      const running = await startApp(db.database, { ...env(), MATRIX_ACCESS_TOKEN: strict.accessToken, MATRIX_ALLOWED_SERVERS: 'example.org' });
      extra.push(running);
      await running.app.matrix!.start();
      const user = await person('foreign');
      const room = await user.openChatWith(strict.userId);
      await user.waitFor(room, (e) => e.type === 'm.room.member' && e.state_key === strict.userId && e.content.membership === 'leave', 'the declined invitation');
      expect((await user.timeline(room)).filter((e) => e.sender === strict.userId)).toHaveLength(1);
      expect(await db.database.prisma.matrixRoom.findUnique({ where: { roomId: room } })).toBeNull();
      await running.app.matrix!.stop();
    });

    it('reports M_LIMIT_EXCEEDED as rate-limited with the wait the homeserver asks for, and a room the bot was removed from as unreachable', async () => {
      const limited = await synapse.register(`limited-${backend.name}`, { limited: true });
      const user = await person('limits');
      const room = await user.openChatWith(limited.userId);
      const client = new MatrixClient(synapse.url, limited.accessToken);
      await client.joinRoom(room);
      const store = matrixStore(db.database.prisma, MATRIX_CHANNEL);
      await store.joined(room, user.userId, false);
      const messenger = new MatrixMessenger(store, new MatrixSender(client, service.app.translations));

      let failure: unknown;
      for (let i = 0; i < 30 && !failure; i++) {
        await messenger.send(user.userId, { locale: 'de', messages: [msg('calls:declined')] }).catch((error: unknown) => (failure = error));
      }
      expect(failure).toBeInstanceOf(DeliveryError);
      expect(failure).toMatchObject({ failure: 'rate-limited' });
      const wait = (failure as DeliveryError).retryAfterMs!;
      expect(wait).toBeGreaterThan(0);

      await user.request('POST', `/rooms/${encodeURIComponent(room)}/kick`, { user_id: limited.userId });
      await new Promise((r) => setTimeout(r, wait));
      await expect(messenger.send(user.userId, { locale: 'de', messages: [msg('calls:declined')] })).rejects.toMatchObject({ failure: 'unreachable' });
      expect(await store.directRoomOf(user.userId)).toBeNull();
    });

    it('continues a registration after a restart of the bot: the message written while it was down is answered once, nothing old again', async () => {
      const user = await person('restart');
      const { room, greeting } = await openChat(user);
      let reply = await user.ask(room, bot.userId, optionNumber(greeting, 'Deutsch'));
      reply = await user.replyTo(room, bot.userId, await user.react(room, reply.event_id, '✅'));
      reply = await user.ask(room, bot.userId, 'Jonas');
      expect(body(reply)).toBe(text('de', 'registration:ask.lastName'));

      await service.app.matrix!.stop();
      const whileDown = await user.say(room, 'Weber');
      const restarted = await instance();
      reply = await user.replyTo(room, bot.userId, whileDown);
      expect(body(reply)).toBe(text('de', 'registration:ask.email'));
      reply = await user.ask(room, bot.userId, `jonas.${randomUUID().slice(0, 6)}@example.org`);
      expect(body(reply)).toContain(text('de', 'registration:ask.phone'));

      const messages = await user.botMessages(room, bot.userId);
      const answered = messages.map((e) => e.content['m.relates_to']?.['m.in_reply_to']?.event_id).filter(Boolean);
      // Greeting + one answer per event of the person (language, reaction, first name, last name, e-mail).
      expect(answered).toHaveLength(5);
      expect(new Set(answered).size).toBe(5);
      expect(messages).toHaveLength(6);
      await restarted.app.matrix!.stop();
      // A third instance takes over from where the second one stopped.
      await instance();
      reply = await user.ask(room, bot.userId, '1');
      expect(body(reply)).toContain(text('de', 'registration:ask.place'));
    });
  });

  describe.skipIf(!process.env.DATABASE_URL)('while the database is briefly gone (PostgreSQL refusing connections)', () => {
    /** A service on a database of its own, a person greeted by it, and a switch for the database. */
    async function outage() {
      const created = await createPostgresDatabase();
      const database = await openDatabase({ kind: 'postgres', url: created.url }, { migrate: true, log: createLogger('silent') });
      const setAvailable = created.setAvailable;
      const account = await synapse.register(`helferruf-outage-${randomUUID().slice(0, 6)}`);
      const service = await startApp(database, { MATRIX_HOMESERVER_URL: synapse.url, MATRIX_ACCESS_TOKEN: account.accessToken });
      const close = async () => {
        await setAvailable(true).catch(() => undefined);
        await service.app.matrix?.stop();
        await service.close();
        await database.close().catch(() => undefined);
        await created.drop();
      };
      try {
        await service.app.matrix!.start();
        const u = await synapse.register(`outage-${randomUUID().slice(0, 6)}`);
        const user = new MatrixUser(synapse.url, u.userId, u.accessToken);
        const room = await user.openChatWith(account.userId);
        const greeting = await user.waitFor(room, (e) => e.sender === account.userId && e.type === 'm.room.message', 'the greeting');
        return { bot: account.userId, service, user, room, greeting, setAvailable, close };
      } catch (error) {
        await close();
        throw error;
      }
    }

    /** Brings the database back and expects the one real answer to `answer`. */
    async function answeredOnceBack(o: Awaited<ReturnType<typeof outage>>, answer: string) {
      await o.setAvailable(true);
      // The sync fetches the batch again after its back-off; the answer is applied and answered once.
      const reply = await o.user.waitFor(
        o.room,
        (e) => e.sender === o.bot && e.content['m.relates_to']?.['m.in_reply_to']?.event_id === answer && body(e) !== text('de', 'errors:SERVICE_UNAVAILABLE'),
        'the answer after the database came back',
        90_000,
      );
      expect(body(reply)).toContain(text('de', 'registration:ask.privacy').split('{{')[0]!);
      const answers = (await o.user.botMessages(o.room, o.bot)).filter((e) => e.content['m.relates_to']?.['m.in_reply_to']?.event_id === answer);
      expect(answers.map(body).filter((b) => b !== text('de', 'errors:SERVICE_UNAVAILABLE'))).toHaveLength(1);
    }

    it('tells a person so, and answers their message once it is back', async () => {
      const o = await outage();
      try {
        await o.setAvailable(false);
        const answer = await o.user.say(o.room, optionNumber(o.greeting, 'Deutsch'));
        await o.user.waitFor(o.room, (e) => e.sender === o.bot && body(e) === text('de', 'errors:SERVICE_UNAVAILABLE'), 'the notice that the service is unavailable');
        await answeredOnceBack(o, answer);
      } finally {
        await o.close();
      }
    });

    it('tells a person so even when a batch before their message failed: the retried sync is not answered from the homeserver\'s cache', async () => {
      const o = await outage();
      try {
        await o.setAvailable(false);
        // A change of display name is a member event: the bot looks the room up, fails, and fetches that batch again.
        await o.user.request('PUT', `/rooms/${encodeURIComponent(o.room)}/state/m.room.member/${encodeURIComponent(o.user.userId)}`, { membership: 'join', displayname: 'Jonas' });
        const failed = Date.now() + 30_000;
        while (!o.service.logs.some((line) => line.includes('database unavailable during a Matrix turn'))) {
          if (Date.now() > failed) throw new Error('the member event did not fail its batch');
          await new Promise((r) => setTimeout(r, 100));
        }
        // Written after the failed batch: Synapse would answer the same sync request with that batch, without this, for two minutes.
        const answer = await o.user.say(o.room, optionNumber(o.greeting, 'Deutsch'));
        await o.user.waitFor(o.room, (e) => e.sender === o.bot && body(e) === text('de', 'errors:SERVICE_UNAVAILABLE'), 'the notice that the service is unavailable', 45_000);
        await answeredOnceBack(o, answer);
      } finally {
        await o.close();
      }
    });
  });
});
