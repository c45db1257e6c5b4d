import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminService, msg, type RoleName } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { FakeTelegram } from './support/fake-telegram.js';
import { BLUE_PNG, jpegWithMetadata, RED_JPEG, SECRET_PLACE } from './support/photos.js';
import { seedVolunteers } from './support/seed.js';
import { startApp, type RunningApp } from './support/test-app.js';
import { TelegramPerson } from './support/telegram-person.js';

const BODY = 'Die Kleiderkammer im Stadtteilzentrum hat neue Öffnungszeiten, siehe Foto vom Aushang.';

describe.each(backends)('photos in Telegram on $name', (backend) => {
  let db: TestDatabase;
  let telegram: FakeTelegram;
  let service: RunningApp;
  let nextChat = 5000;
  let writer: TelegramPerson;
  let moderator: TelegramPerson;
  let reader: TelegramPerson;
  let writerId: string;
  const startOf = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  const say = (locale: string, key: string, params?: Parameters<typeof msg>[1]) => service.app.translations.render(locale, msg(key, params));

  /** A registered person (seeded) whose channel is a Telegram chat, with roles. */
  async function telegramPerson(locale: string, roles: RoleName[] = []): Promise<{ id: string; chat: TelegramPerson }> {
    const [seeded] = await seedVolunteers(db.database.prisma, service.url, [{ locale, languages: [locale, 'de'] }]);
    const chat = new TelegramPerson(telegram, nextChat++, locale);
    await db.database.prisma.channelIdentity.update({ where: { channel_address: { channel: 'web', address: seeded!.address } }, data: { channel: 'telegram', address: String(chat.chatId) } });
    const admin = new AdminService(service.app.store, randomUUID);
    for (const role of roles) await admin.grantRole({ person: `${seeded!.id}@example.org`, role, reason: 'test' });
    return { id: seeded!.id, chat };
  }

  async function sendPhoto(p: TelegramPerson, sizes: Buffer[], announce?: (number | undefined)[]) {
    await telegram.handled(telegram.sendPhoto(p.user, sizes, undefined, announce));
  }

  beforeAll(async () => {
    db = await backend.create();
    telegram = await new FakeTelegram().listen();
    service = await startApp(db.database, { QUIET_HOURS: '0-0', TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.url, ATTACHMENT_MAX_MB: '0.05' });
    await service.app.telegram!.start();
    const w = await telegramPerson('de', ['writer']);
    writer = w.chat;
    writerId = w.id;
    moderator = (await telegramPerson('en', ['moderator'])).chat;
    reader = (await telegramPerson('en')).chat;
  });
  afterAll(async () => {
    await service?.app.telegram?.stop();
    await service?.close();
    await telegram?.close();
    await db?.destroy();
  });

  it('a photo where none is expected is answered without fetching it, nothing is stored, and the question stays', async () => {
    await writer.say('/submit');
    const before = writer.lastId();
    await sendPhoto(writer, [RED_JPEG]);
    expect(writer.since(before).join('\n')).toContain(say('de', 'attachments:notExpected'));
    expect(writer.since(before).join('\n')).toContain(say('de', 'moderation:submit.ask.kind'));
    expect(await db.database.prisma.attachment.count()).toBe(0);
    expect(telegram.downloads).toEqual([]);
    await writer.say('/cancel');
  });

  it('a writer sends a photo with the summary: the largest size within the limit is fetched; too large and wrong type are refused', async () => {
    await writer.say('/submit');
    await writer.tap('report');
    await writer.say('Neue Öffnungszeiten der Kleiderkammer');
    await writer.say(BODY);
    await writer.tap('housing');
    await writer.tap('de');
    await writer.tap('skip');
    expect(writer.last.text).toContain('0,05 MB');

    // Every size over the limit: nothing is downloaded, the limit is named.
    const downloadsAtStart = telegram.downloads.length;
    let before = writer.lastId();
    await sendPhoto(writer, [Buffer.alloc(60 * 1024, 7), Buffer.alloc(90 * 1024, 7)]);
    expect(writer.since(before)[0]).toMatch(startOf(say('de', 'attachments:tooLarge', { max: 0.05 })));
    expect(telegram.downloads.length).toBe(downloadsAtStart);

    // A size that claimed to fit but is larger is cut off while downloading.
    before = writer.lastId();
    await sendPhoto(writer, [Buffer.alloc(60 * 1024, 7)], [1000]);
    expect(writer.since(before)[0]).toMatch(startOf(say('de', 'attachments:tooLarge', { max: 0.05 })));

    // A PDF sent as a file.
    before = writer.lastId();
    await telegram.handled(telegram.sendFile(writer.user, Buffer.from('%PDF-1.7\n1 0 obj\n'), 'Aushang.pdf', 'application/pdf'));
    expect(writer.since(before)[0]).toMatch(startOf(say('de', 'attachments:wrongType')));
    expect(await db.database.prisma.attachment.count()).toBe(0);

    // Three sizes: a thumbnail, the picture, and one over the limit; the middle one is taken.
    const phone = jpegWithMetadata(6);
    const downloadsBefore = telegram.downloads.length;
    before = writer.lastId();
    await sendPhoto(writer, [RED_JPEG, phone, Buffer.alloc(80 * 1024, 9)]);
    expect(telegram.downloads.slice(downloadsBefore)).toHaveLength(1);
    expect(telegram.downloads.at(-1)).toMatch(/^photos\/file_\d+\.jpg$/);
    const after = writer.messages.filter((m) => m.message_id > before);
    // The photo comes first, with its caption; then the confirmation and the summary with the Send button.
    const photo = after[0]!;
    expect(photo.caption).toBe(say('de', 'attachments:caption', { title: 'Neue Öffnungszeiten der Kleiderkammer' }));
    expect(photo.photoBytes!.includes(Buffer.from(SECRET_PLACE))).toBe(false);
    expect(photo.photoBytes!.subarray(0, 3)).toEqual(phone.subarray(0, 3));
    expect(after[1]!.text).toMatch(startOf(say('de', 'attachments:received')));
    expect(after[1]!.text).toContain('Neue Öffnungszeiten der Kleiderkammer');
    await writer.tap('send');
    const item = await db.database.prisma.submission.findFirstOrThrow({ where: { authorId: writerId } });
    const row = await db.database.prisma.attachment.findFirstOrThrow({ where: { submissionId: item.id } });
    expect(row).toMatchObject({ version: 1, mediaType: 'image/jpeg', ownerId: writerId });
    expect(Buffer.from(row.bytes)).toEqual(photo.photoBytes);
  });

  it('the moderator sees the photo during review and approves; a reader gets the photo with the item', async () => {
    const item = await db.database.prisma.submission.findFirstOrThrow({ where: { authorId: writerId } });
    const stored = await db.database.prisma.attachment.findFirstOrThrow({ where: { submissionId: item.id } });
    let before = moderator.lastId();
    await moderator.say('/review');
    const shown = moderator.messages.filter((m) => m.message_id > before);
    expect(shown[0]!.caption).toBe(say('en', 'attachments:caption', { title: 'Neue Öffnungszeiten der Kleiderkammer' }));
    expect(shown[0]!.photoBytes).toEqual(Buffer.from(stored.bytes));
    expect(shown[1]!.text).toContain('Neue Öffnungszeiten der Kleiderkammer');
    await moderator.tap(say('en', 'moderation:review.green'));
    expect((await db.database.prisma.submission.findUniqueOrThrow({ where: { id: item.id } })).status).toBe('published');

    before = reader.lastId();
    await reader.say('/read');
    await reader.tap(item.id);
    const read = reader.messages.filter((m) => m.message_id > before && m.photo);
    expect(read).toHaveLength(1);
    expect(read[0]!.photoBytes).toEqual(Buffer.from(stored.bytes));
    expect(reader.last.text).toContain(BODY);
  });

  it('a photo sent while reading an item is refused kindly, and the item’s photo is not sent again', async () => {
    const before = reader.lastId();
    await sendPhoto(reader, [BLUE_PNG]);
    const answered = reader.messages.filter((m) => m.message_id > before);
    expect(answered.some((m) => m.photo)).toBe(false);
    expect(answered[0]!.text).toMatch(startOf(say('en', 'attachments:notExpected')));
    expect(answered[0]!.text).toContain(BODY);
  });
});
