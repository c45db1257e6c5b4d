import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminService, msg, type RoleName } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { text } from './support/locale-text.js';
import { MatrixUser, optionNumber, type MatrixEvent } from './support/matrix-user.js';
import { jpegWithMetadata, SECRET_PLACE } from './support/photos.js';
import { seedVolunteers } from './support/seed.js';
import { startSynapse, synapseUnavailable, type Synapse } from './support/synapse.js';
import { startApp, type RunningApp } from './support/test-app.js';

const REQUIRED = process.env.REQUIRE_MATRIX === '1';
const missing = synapseUnavailable();
const body = (e: MatrixEvent) => String(e.content.body);

describe.skipIf(missing !== null && !REQUIRED)('photos in Matrix against a real Synapse', { timeout: 240_000 }, () => {
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

    beforeAll(async () => {
      db = await backend.create();
      bot = await synapse.register(`helferruf-photo-${backend.name}`);
      service = await startApp(db.database, { MATRIX_HOMESERVER_URL: synapse.url, MATRIX_ACCESS_TOKEN: bot.accessToken, QUIET_HOURS: '0-0', ATTACHMENT_MAX_MB: '0.05' });
      await service.app.matrix!.start();
    });
    afterAll(async () => {
      await service?.app.matrix?.stop();
      await service?.close();
      await db?.destroy();
    });

    /** A registered person (seeded) whose channel is their Matrix account, with a direct chat open with the bot. */
    async function matrixPerson(name: string, locale: string, roles: RoleName[]): Promise<{ id: string; user: MatrixUser; room: string }> {
      const account = await synapse.register(`${name}-${backend.name}-${randomUUID().slice(0, 6)}`);
      const user = new MatrixUser(synapse.url, account.userId, account.accessToken);
      const [seeded] = await seedVolunteers(db.database.prisma, service.url, [{ locale, languages: [locale, 'de'] }]);
      await db.database.prisma.channelIdentity.update({ where: { channel_address: { channel: 'web', address: seeded!.address } }, data: { channel: 'matrix', address: user.userId } });
      for (const role of roles) await new AdminService(service.app.store, randomUUID).grantRole({ person: `${seeded!.id}@example.org`, role, reason: 'test' });
      const room = await user.openChatWith(bot.userId);
      await user.waitFor(room, (e) => e.sender === bot.userId && e.type === 'm.room.message', 'the greeting');
      return { id: seeded!.id, user, room };
    }

    it('a writer sends an m.image with the summary; the bot fetches it from the media repository, strips its metadata; the moderator gets it as m.image', async () => {
      const writer = await matrixPerson('writer', 'de', ['writer']);
      const moderator = await matrixPerson('mod', 'en', ['moderator']);
      const { user, room } = writer;
      let reply = await user.ask(room, bot.userId, '!submit');
      reply = await user.ask(room, bot.userId, optionNumber(reply, text('de', 'moderation:kind.report')));
      reply = await user.ask(room, bot.userId, 'Sprechstunde im Rathaus');
      reply = await user.ask(room, bot.userId, 'Jeden Mittwoch gibt es eine offene Sprechstunde im Rathaus, Zimmer 12.');
      reply = await user.ask(room, bot.userId, optionNumber(reply, text('de', 'moderation:topic.housing')));
      reply = await user.ask(room, bot.userId, optionNumber(reply, 'Deutsch'));
      reply = await user.ask(room, bot.userId, '1');
      expect(body(reply)).toContain('0,05 MB');

      // Too large by the size the client announced: refused without a download.
      const large = await user.send(room, 'm.room.message', { msgtype: 'm.image', body: 'big.jpg', url: 'mxc://localhost/notthere', info: { mimetype: 'image/jpeg', size: 10 * 1024 * 1024 } });
      expect(body(await user.replyTo(room, bot.userId, large))).toContain(service.app.translations.render('de', msg('attachments:tooLarge', { max: 0.05 })));
      // Media that cannot be fetched: the person is asked to send it again.
      const gone = await user.send(room, 'm.room.message', { msgtype: 'm.image', body: 'gone.jpg', url: 'mxc://localhost/notthere', info: { mimetype: 'image/jpeg', size: 2000 } });
      expect(body(await user.replyTo(room, bot.userId, gone))).toContain(text('de', 'attachments:unreadable'));

      const phone = jpegWithMetadata(6);
      const sent = await user.sendImage(room, phone, 'image/jpeg');
      reply = await user.replyTo(room, bot.userId, sent);
      expect(body(reply)).toContain(text('de', 'attachments:received'));
      const preview = await user.waitFor(room, (e) => e.sender === bot.userId && e.content.msgtype === 'm.image', 'the photo with the summary');
      const shown = await user.download(String(preview.content.url));
      expect(shown.includes(Buffer.from(SECRET_PLACE))).toBe(false);
      expect(shown.subarray(0, 3)).toEqual(phone.subarray(0, 3));
      expect(body(preview)).toBe(text('de', 'attachments:caption', { title: 'Sprechstunde im Rathaus' }));

      reply = await user.ask(room, bot.userId, optionNumber(reply, text('de', 'moderation:submit.send')));
      const item = await db.database.prisma.submission.findFirstOrThrow({ where: { authorId: writer.id } });
      const stored = await db.database.prisma.attachment.findFirstOrThrow({ where: { submissionId: item.id } });
      expect(Buffer.from(stored.bytes)).toEqual(shown);

      const review = await moderator.user.ask(moderator.room, bot.userId, '!review');
      expect(body(review)).toContain('Sprechstunde im Rathaus');
      const underReview = await moderator.user.waitFor(moderator.room, (e) => e.sender === bot.userId && e.content.msgtype === 'm.image', 'the photo under review');
      expect(await moderator.user.download(String(underReview.content.url))).toEqual(shown);
      expect(underReview.content.info).toMatchObject({ mimetype: 'image/jpeg', size: shown.length });
    });
  });
});
