import type { BoardEntry, BoardKind, BoardRepository } from '../../core/index.js';
import type { Prisma } from '../generated/client.js';
import type { Db } from './db.js';

type Row = Prisma.BoardItemGetPayload<{ include: { submission: { include: { versions: true } } } }>;

const WITH_SUBMISSION = { submission: { include: { versions: true } } } as const;

/** The item with its submission's current version; null while it has none. */
function toEntry(row: Row): BoardEntry | null {
  const { submission, submissionId: _id, metById: _by, ...fields } = row;
  const version = submission.versions.find((v) => v.version === submission.version);
  if (!version) return null;
  return {
    ...fields,
    submissionId: submission.id,
    kind: submission.kind as BoardKind,
    regionId: submission.regionId,
    authorId: submission.authorId,
    organisationId: submission.organisationId,
    status: submission.status,
    topic: submission.topic,
    title: version.title,
    body: version.body,
    language: version.language,
    updatedAt: submission.updatedAt,
  };
}

const present = (e: BoardEntry | null): e is BoardEntry => e !== null;

/** What "still current" means per kind; query-time, so expired items leave the listings by themselves. */
function currentAt(kind: BoardKind, now: Date): Prisma.BoardItemWhereInput {
  if (kind === 'event' || kind === 'training') return { endsAt: { gt: now } };
  if (kind === 'need') return { metAt: null, OR: [{ until: null }, { until: { gt: now } }] };
  return {};
}

function orderOf(kind: BoardKind): Prisma.BoardItemOrderByWithRelationInput[] {
  if (kind === 'event' || kind === 'training') return [{ startsAt: 'asc' }];
  if (kind === 'need') return [{ until: 'asc' }];
  return [{ submission: { updatedAt: 'desc' } }];
}

export function boardRepository(db: Db): BoardRepository {
  return {
    async create(submissionId, fields) {
      await db.boardItem.create({ data: { submissionId, ...fields } });
    },
    async find(submissionId) {
      const row = await db.boardItem.findUnique({ where: { submissionId }, include: WITH_SUBMISSION });
      return row ? toEntry(row) : null;
    },
    async current(regionId, kind, now, limit) {
      const rows = await db.boardItem.findMany({
        where: { submission: { regionId, kind, status: 'published', parentId: null }, ...currentAt(kind, now) },
        include: WITH_SUBMISSION,
        orderBy: orderOf(kind),
        take: limit,
      });
      return rows.map(toEntry).filter(present);
    },
    async signUp(submissionId, personId, at) {
      // First the person's row: a second tap of theirs waits on its key until the first commits, then counts nothing.
      const recorded = await db.boardSignup.createMany({ data: [{ submissionId, personId, createdAt: at }], skipDuplicates: true });
      if (recorded.count === 0) return 'already';
      const took = await db.boardItem.updateMany({
        where: { submissionId, capacity: { not: null }, taken: { lt: db.boardItem.fields.capacity } },
        data: { taken: { increment: 1 } },
      });
      if (took.count === 1) return 'signed-up';
      await db.boardSignup.deleteMany({ where: { submissionId, personId } });
      return 'full';
    },
    async cancel(submissionId, personId) {
      const removed = await db.boardSignup.deleteMany({ where: { submissionId, personId } });
      if (removed.count === 0) return false;
      await db.boardItem.updateMany({ where: { submissionId, taken: { gt: 0 } }, data: { taken: { decrement: 1 } } });
      return true;
    },
    async isSignedUp(submissionId, personId) {
      return (await db.boardSignup.count({ where: { submissionId, personId } })) > 0;
    },
    async signupsOf(personId) {
      const rows = await db.boardSignup.findMany({ where: { personId }, include: { item: { include: WITH_SUBMISSION } }, orderBy: { createdAt: 'asc' } });
      return rows.flatMap((r) => {
        const entry = toEntry(r.item);
        return entry ? [{ submissionId: r.submissionId, kind: entry.kind, title: entry.title, startsAt: entry.startsAt, endsAt: entry.endsAt, placeName: entry.placeName, createdAt: r.createdAt }] : [];
      });
    },
    async signedUpFor(personId, from) {
      const rows = await db.boardItem.findMany({ where: { signups: { some: { personId } }, endsAt: { gt: from } }, include: WITH_SUBMISSION, orderBy: { startsAt: 'asc' } });
      return rows.map(toEntry).filter(present);
    },
    async releaseAll(personId) {
      const freed = await db.boardItem.updateMany({ where: { signups: { some: { personId } }, taken: { gt: 0 } }, data: { taken: { decrement: 1 } } });
      await db.boardSignup.deleteMany({ where: { personId } });
      return freed.count;
    },
    async markMet(submissionId, byId, at) {
      return (await db.boardItem.updateMany({ where: { submissionId, metAt: null }, data: { metAt: at, metById: byId } })).count === 1;
    },
  };
}
