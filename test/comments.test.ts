import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msg } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { inboxTexts, person, rendered } from './support/moderation.js';
import type { SeededVolunteer } from './support/seed.js';
import { startApp, type RunningApp } from './support/test-app.js';

describe.each(backends)('comments and "report this" on $name', (backend) => {
  let db: TestDatabase;
  let post: RunningApp;
  let pre: RunningApp;
  let writer: SeededVolunteer;
  let moderator: SeededVolunteer;
  let commenter: SeededVolunteer;
  let reader: SeededVolunteer;
  let itemId: string;
  const said = (service: RunningApp, p: SeededVolunteer, locale: string, key: string, params?: Parameters<typeof msg>[1]) => expect(p.chat.said).toBe(rendered(service, locale, msg(key, params)));

  beforeAll(async () => {
    db = await backend.create();
    // Two instances on one database: the default (post-moderation) and one configured for pre-moderation.
    post = await startApp(db.database, { QUIET_HOURS: '0-0' });
    pre = await startApp(db.database, { QUIET_HOURS: '0-0', COMMENT_MODERATION: 'pre' });
    const prisma = db.database.prisma;
    writer = await person(prisma, post, 'de', ['writer']);
    moderator = await person(prisma, post, 'de', ['moderator']);
    commenter = await person(prisma, post, 'en', ['commenter']);
    reader = await person(prisma, post, 'en');
    await writer.chat.say('/submit');
    await writer.chat.tap('information');
    await writer.chat.say('Sprachcafé am Dienstag');
    await writer.chat.say('Jeden Dienstag um 17 Uhr im Stadtteilzentrum, ohne Anmeldung.');
    await writer.chat.tap('language');
    await writer.chat.tap('de');
    await writer.chat.tap('skip');
    await writer.chat.tap('send');
    await moderator.chat.say('/review');
    await moderator.chat.tap('green');
    itemId = (await prisma.submission.findFirstOrThrow({ where: { authorId: writer.id } })).id;
  });
  afterAll(async () => {
    await pre?.close();
    await post?.close();
    await db?.destroy();
  });

  async function openItem(p: SeededVolunteer) {
    await p.chat.say('/read');
    await p.chat.tap(itemId);
  }

  it('a commenter comments on a published item and it shows at once (post-moderation)', async () => {
    await openItem(commenter);
    expect(commenter.chat.question).toContain('Sprachcafé am Dienstag');
    expect(commenter.chat.question).toContain(rendered(post, 'en', msg('moderation:read.noComments')));
    await commenter.chat.tap('comment');
    await commenter.chat.say('Great, I will bring my neighbours.');
    said(post, commenter, 'en', 'moderation:read.commented');
    expect(commenter.chat.question).toContain('– Great, I will bring my neighbours.');
    expect(await db.database.prisma.submission.findFirstOrThrow({ where: { parentId: itemId } })).toMatchObject({ kind: 'comment', status: 'published', authorId: commenter.id });
  });

  it('a reader may not comment, but may report; twice is once', async () => {
    await openItem(reader);
    await reader.chat.tap('comment');
    said(post, reader, 'en', 'moderation:denied.role', { roles: ['commenter', 'writer', 'moderator', 'admin'].map((r) => msg(`moderation:role.${r}`)) });
    expect(await db.database.prisma.auditEntry.count({ where: { actorId: reader.id, action: 'access.denied', subjectId: 'item.comment' } })).toBe(1);
    await reader.chat.tap('report');
    await reader.chat.say('The time is wrong, it is on Wednesdays now.');
    said(post, reader, 'en', 'moderation:read.reported');
    await reader.chat.tap(itemId);
    await reader.chat.tap('report');
    await reader.chat.say('Still wrong.');
    said(post, reader, 'en', 'moderation:read.alreadyReported');
    expect(await db.database.prisma.abuseReport.count({ where: { submissionId: itemId } })).toBe(1);
  });

  it('anyone can report a comment too', async () => {
    const comment = await db.database.prisma.submission.findFirstOrThrow({ where: { parentId: itemId } });
    await openItem(reader);
    await reader.chat.tap(`c:${comment.id}`);
    expect(reader.chat.question).toContain('Great, I will bring my neighbours.');
    expect(reader.chat.view.prompt!.choices.map((c) => c.value)).toEqual(['report', 'back']);
    await reader.chat.tap('report');
    await reader.chat.say('Looks like advertising to me.');
    said(post, reader, 'en', 'moderation:read.reported');
  });

  it('a moderator takes a reported item down with a reason, keeps a reported comment; the author is told', async () => {
    const comment = await db.database.prisma.submission.findFirstOrThrow({ where: { parentId: itemId } });
    await moderator.chat.say('/reported');
    expect(moderator.chat.question).toContain('The time is wrong, it is on Wednesdays now.');
    await moderator.chat.tap('remove');
    await moderator.chat.say('Die Zeit stimmt nicht mehr.');
    said(post, moderator, 'de', 'moderation:reported.removed', { ref: itemId.slice(0, 8) });
    expect(moderator.chat.question).toContain('Great, I will bring my neighbours.');
    expect(moderator.chat.question).toContain('Looks like advertising to me.');
    await moderator.chat.tap('keep');
    expect(moderator.chat.view.messages.map((m) => m.text)).toEqual([
      rendered(post, 'de', msg('moderation:reported.kept', { ref: comment.id.slice(0, 8) })),
      rendered(post, 'de', msg('moderation:reported.none')),
    ]);
    expect(await db.database.prisma.abuseReport.findFirstOrThrow({ where: { submissionId: comment.id } })).toMatchObject({ resolution: 'kept', resolvedById: moderator.id });
    expect(await db.database.prisma.submission.findUniqueOrThrow({ where: { id: comment.id } })).toMatchObject({ status: 'published' });
    await post.app.worker.drain();
    expect((await inboxTexts(writer)).at(-1)).toBe(rendered(post, 'de', msg('moderation:item.removed', { title: 'Sprachcafé am Dienstag', ref: itemId.slice(0, 8), reason: 'Die Zeit stimmt nicht mehr.' })));
    expect(await inboxTexts(commenter)).toEqual([]);
    expect(await db.database.prisma.submission.findUniqueOrThrow({ where: { id: itemId } })).toMatchObject({ status: 'rejected' });
    await reader.chat.say('/read');
    expect(reader.chat.question).toBe(rendered(post, 'en', msg('moderation:read.none')));
  });

  it('with pre-moderation a comment waits for review and appears after green', async () => {
    await db.database.prisma.submission.update({ where: { id: itemId }, data: { status: 'published' } });
    commenter.chat.baseUrl = pre.url;
    moderator.chat.baseUrl = pre.url;
    await openItem(commenter);
    await commenter.chat.tap('comment');
    await commenter.chat.say('Is there also one on Saturdays?');
    said(pre, commenter, 'en', 'moderation:read.commentPending');
    expect(commenter.chat.question).not.toContain('Is there also one on Saturdays?');
    await moderator.chat.say('/review');
    expect(moderator.chat.question).toContain('Kommentar');
    expect(moderator.chat.question).toContain('Re: Sprachcafé am Dienstag');
    await moderator.chat.tap('green');
    await openItem(commenter);
    expect(commenter.chat.question).toContain('– Is there also one on Saturdays?');
  });
});
