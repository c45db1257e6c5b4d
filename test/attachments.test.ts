import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msg } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { person, rendered } from './support/moderation.js';
import { BLUE_PNG, jpegWithMetadata, SECRET_PLACE } from './support/photos.js';
import type { SeededVolunteer } from './support/seed.js';
import { WebChatClient } from './support/web-chat-client.js';
import { startApp, type RunningApp } from './support/test-app.js';

const BODY = 'Im Stadtteilzentrum gibt es jeden Dienstag eine Kleiderkammer, hier das Schild am Eingang.';
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe.each(backends)('photos on submissions in the web chat on $name', (backend) => {
  let db: TestDatabase;
  let service: RunningApp;
  let writer: SeededVolunteer;
  let moderator: SeededVolunteer;
  let reader: SeededVolunteer;
  const said = (p: SeededVolunteer, locale: string, key: string, params?: Parameters<typeof msg>[1]) => expect(p.chat.said).toBe(rendered(service, locale, msg(key, params)));
  const latest = (authorId: string) => db.database.prisma.submission.findFirstOrThrow({ where: { authorId }, orderBy: { createdAt: 'desc' } });

  beforeAll(async () => {
    db = await backend.create();
    // 0.05 MB: a limit small enough to go over in a test without megabytes of data.
    service = await startApp(db.database, { QUIET_HOURS: '0-0', ATTACHMENT_MAX_MB: '0.05' });
    const prisma = db.database.prisma;
    writer = await person(prisma, service, 'de', ['writer']);
    moderator = await person(prisma, service, 'en', ['moderator']);
    reader = await person(prisma, service, 'en', [], ['en', 'de']);
  });
  afterAll(async () => {
    await service?.close();
    await db?.destroy();
  });

  async function toSummary(p: SeededVolunteer, title: string) {
    await p.chat.say('/submit');
    await p.chat.tap('information');
    await p.chat.say(title);
    await p.chat.say(BODY);
    await p.chat.tap('housing');
    await p.chat.tap('de');
    await p.chat.tap('skip');
  }

  it('refuses a photo where none is expected, keeping the question and the answers so far', async () => {
    await writer.chat.say('/submit');
    await writer.chat.tap('report');
    const question = writer.chat.question;
    await writer.chat.sendPhoto(jpegWithMetadata(), 'image/jpeg');
    expect(writer.chat.status).toBe(200);
    said(writer, 'de', 'attachments:notExpected');
    expect(writer.chat.question).toBe(question);
    expect(await db.database.prisma.attachment.count()).toBe(0);
    await writer.chat.say('/cancel');
  });

  it('a writer adds a photo to the summary; its location data is gone; wrong type and too large are refused with the limit', async () => {
    await toSummary(writer, 'Kleiderkammer am Dienstag');
    const summary = writer.chat.question;
    expect(summary).toContain('Kleiderkammer am Dienstag');
    expect(summary).toContain('0,05 MB');
    expect(writer.chat.view.prompt!.acceptsImage).toBe(true);

    await writer.chat.sendPhoto(Buffer.from('%PDF-1.7\n1 0 obj\n'), 'application/pdf');
    said(writer, 'de', 'attachments:wrongType');
    expect(writer.chat.question).toBe(summary);

    await writer.chat.sendPhoto(Buffer.alloc(60 * 1024, 1), 'image/jpeg');
    said(writer, 'de', 'attachments:tooLarge', { max: 0.05 });
    expect(writer.chat.question).toBe(summary);

    // A broken upload (a JPEG cut off after its metadata) is not passed on either.
    await writer.chat.sendPhoto(jpegWithMetadata().subarray(0, 60), 'image/jpeg');
    said(writer, 'de', 'attachments:unreadable');
    expect(await db.database.prisma.attachment.count()).toBe(0);

    await writer.chat.sendPhoto(BLUE_PNG, 'image/png');
    said(writer, 'de', 'attachments:received');
    // A second photo replaces the first: one waits in the draft.
    const phone = jpegWithMetadata(6);
    await writer.chat.sendPhoto(phone, 'image/jpeg');
    said(writer, 'de', 'attachments:received');
    expect(await db.database.prisma.attachment.count()).toBe(1);
    const image = writer.chat.view.image!;
    expect(image.alt).toBe(rendered(service, 'de', msg('attachments:caption', { title: 'Kleiderkammer am Dienstag' })));
    const own = await writer.chat.fetchPhoto(image.url);
    expect(own.status).toBe(200);
    expect(own.type).toBe('image/jpeg');
    expect(own.bytes.includes(Buffer.from(SECRET_PLACE))).toBe(false);
    expect(own.bytes.subarray(0, 3)).toEqual(phone.subarray(0, 3));
    // A draft's photo is its owner's alone; an address nobody was given is no different from one that does not exist.
    expect((await reader.chat.fetchPhoto(image.url)).status).toBe(404);
    expect((await moderator.chat.fetchPhoto(image.url)).status).toBe(404);
    expect((await writer.chat.fetchPhoto('/api/web/attachments/00000000-0000-4000-8000-000000000000')).status).toBe(404);

    await writer.chat.tap('send');
    const item = await latest(writer.id);
    said(writer, 'de', 'moderation:submit.sent', { title: 'Kleiderkammer am Dienstag', ref: item.id.slice(0, 8) });
    const row = await db.database.prisma.attachment.findFirstOrThrow({ where: { submissionId: item.id } });
    expect(row).toMatchObject({ version: 1, mediaType: 'image/jpeg', ownerId: writer.id, size: own.bytes.length, sha256: sha(own.bytes) });
    expect(Buffer.from(row.bytes)).toEqual(own.bytes);
  });

  it('the moderator sees the photo under review, returns the item; the writer revises and keeps it; once published a reader sees it', async () => {
    const item = await latest(writer.id);
    expect((await reader.chat.fetchPhoto(`/api/web/attachments/${(await db.database.prisma.attachment.findFirstOrThrow({ where: { submissionId: item.id } })).id}`)).status).toBe(404);
    await moderator.chat.say('/review');
    expect(moderator.chat.question).toContain('Kleiderkammer am Dienstag');
    const underReview = moderator.chat.view.image!;
    expect(underReview.alt).toBe(rendered(service, 'en', msg('attachments:caption', { title: 'Kleiderkammer am Dienstag' })));
    const seen = await moderator.chat.fetchPhoto(underReview.url);
    expect(seen.status).toBe(200);
    await moderator.chat.tap('yellow');
    await moderator.chat.say('Bitte die Öffnungszeiten ergänzen.');

    await writer.chat.say('/mine');
    await writer.chat.tap(item.id);
    await writer.chat.tap('revise');
    await writer.chat.tap('keep');
    await writer.chat.say(`${BODY} Geöffnet 10 bis 14 Uhr.`);
    // The revision asks about the photo, showing it: keep, remove, or send another.
    expect(writer.chat.view.image?.url).toBe(underReview.url);
    expect(writer.chat.view.prompt!.acceptsImage).toBe(true);
    await writer.chat.tap('keep');
    said(writer, 'de', 'moderation:mine.resubmitted', { ref: item.id.slice(0, 8), version: 2 });
    const photos = await db.database.prisma.attachment.findMany({ where: { submissionId: item.id }, orderBy: { version: 'asc' } });
    expect(photos.map((p) => [p.version, p.sha256])).toEqual([
      [1, sha(seen.bytes)],
      [2, sha(seen.bytes)],
    ]);

    await moderator.chat.say('/review');
    expect(moderator.chat.question).toContain('10 bis 14 Uhr');
    expect(moderator.chat.view.image?.url).toBe(`/api/web/attachments/${photos[1]!.id}`);
    await moderator.chat.tap('green');

    await reader.chat.say('/read');
    await reader.chat.tap(item.id);
    expect(reader.chat.question).toContain('Kleiderkammer am Dienstag');
    const published = await reader.chat.fetchPhoto(reader.chat.view.image!.url);
    expect(published.status).toBe(200);
    expect(published.bytes).toEqual(seen.bytes);
    // The earlier version's photo is no reader's business.
    expect((await reader.chat.fetchPhoto(`/api/web/attachments/${photos[0]!.id}`)).status).toBe(404);
  });

  it('a refugee reading the published item in /info gets its photo too', async () => {
    await service.app.worker.drain();
    const item = await db.database.prisma.submission.findFirstOrThrow({ where: { authorId: writer.id, status: 'published' } });
    const chat = new WebChatClient(service.url, 'de;q=1');
    await chat.open();
    await chat.say('/info');
    await chat.tap('de');
    await chat.tap('agree');
    await chat.pick(['housing']);
    await chat.tap('none');
    await chat.tap('topic');
    await chat.tap('housing');
    await chat.tap(`i:${item.id}`);
    expect(chat.question).toContain('Kleiderkammer am Dienstag');
    const photo = await chat.fetchPhoto(chat.view.image!.url);
    expect(photo.status).toBe(200);
    const stored = await db.database.prisma.attachment.findFirstOrThrow({ where: { submissionId: item.id, version: item.version } });
    expect(photo.bytes).toEqual(Buffer.from(stored.bytes));
  });

  it('a revision can replace the photo with a new one, or remove it', async () => {
    await toSummary(writer, 'Tafel im Gemeindehaus');
    await writer.chat.sendPhoto(jpegWithMetadata(1), 'image/jpeg');
    await writer.chat.tap('send');
    const item = await latest(writer.id);
    await moderator.chat.say('/review');
    await moderator.chat.tap('yellow');
    await moderator.chat.say('Bitte ein anderes Foto.');
    await writer.chat.say('/mine');
    await writer.chat.tap(item.id);
    await writer.chat.tap('revise');
    await writer.chat.tap('keep');
    await writer.chat.say(`${BODY} Neues Foto.`);
    await writer.chat.say('kein Foto, nur Text');
    said(writer, 'de', 'conversation:pickOne');
    await writer.chat.sendPhoto(BLUE_PNG, 'image/png');
    said(writer, 'de', 'moderation:mine.resubmitted', { ref: item.id.slice(0, 8), version: 2 });
    const v2 = await db.database.prisma.attachment.findFirstOrThrow({ where: { submissionId: item.id, version: 2 } });
    expect(v2.mediaType).toBe('image/png');
    expect(Buffer.from(v2.bytes)).toEqual(BLUE_PNG);

    await moderator.chat.say('/review');
    await moderator.chat.tap('yellow');
    await moderator.chat.say('Doch lieber ohne Foto.');
    await writer.chat.say('/mine');
    await writer.chat.tap(item.id);
    await writer.chat.tap('revise');
    await writer.chat.tap('keep');
    await writer.chat.say(`${BODY} Ohne Foto.`);
    await writer.chat.tap('remove');
    said(writer, 'de', 'moderation:mine.resubmitted', { ref: item.id.slice(0, 8), version: 3 });
    expect(await db.database.prisma.attachment.count({ where: { submissionId: item.id, version: 3 } })).toBe(0);
    await moderator.chat.say('/review');
    expect(moderator.chat.question).toContain('Ohne Foto.');
    expect(moderator.chat.view.image).toBeNull();
  });

  it('the export holds every photo of the person, bytes included; deleting the person deletes the photos nobody was shown', async () => {
    await writer.chat.say('/export');
    const exported = JSON.parse(writer.chat.view.attachment!.content) as { attachments: { submissionId: string; version: number; mediaType: string; size: number; sha256: string; base64: string }[] };
    const rows = await db.database.prisma.attachment.findMany({ where: { ownerId: writer.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(exported.attachments.map((a) => [a.submissionId, a.version, a.mediaType, a.size, a.sha256])).toEqual(rows.map((r) => [r.submissionId, r.version, r.mediaType, r.size, r.sha256]));
    for (const a of exported.attachments) expect(sha(Buffer.from(a.base64, 'base64'))).toBe(a.sha256);

    // A photo left in a draft, never sent.
    await toSummary(writer, 'Entwurf mit Foto');
    await writer.chat.sendPhoto(BLUE_PNG, 'image/png');
    await writer.chat.say('/delete');
    await writer.chat.tap('yes');
    said(writer, 'de', 'profile:delete.done');
    // What stays is the photo of the published version, with its item and without its owner, like the item's text.
    const left = await db.database.prisma.attachment.findMany({ include: { submissionVersion: { include: { submission: true } } } });
    expect(left.map((a) => [a.ownerId, a.submissionVersion?.submission.status, a.version === a.submissionVersion?.submission.version])).toEqual([[null, 'published', true]]);
  });
});
