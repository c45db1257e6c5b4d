import type { Flag, SubmissionRepository, SubmissionStatus, SubmissionVersion } from '../../core/index.js';
import type { Prisma } from '../generated/client.js';
import type { Db } from './db.js';

function toVersion(row: Prisma.SubmissionVersionGetPayload<object>): SubmissionVersion {
  return { ...row, flags: row.flags as unknown as Flag[] };
}

export function submissionRepository(db: Db): SubmissionRepository {
  return {
    async create(submission, first, at) {
      await db.submission.create({
        data: { ...submission, createdAt: at, updatedAt: at, versions: { create: { ...first, version: 1, flags: first.flags as unknown as Prisma.InputJsonValue, createdAt: at } } },
      });
    },
    async findById(id) {
      return db.submission.findUnique({ where: { id } });
    },
    async findByRef(regionId, ref) {
      const rows = await db.submission.findMany({ where: { regionId, id: { startsWith: ref.toLowerCase() } }, take: 2 });
      return rows.length === 1 ? rows[0]! : null;
    },
    async versions(id) {
      return (await db.submissionVersion.findMany({ where: { submissionId: id }, orderBy: { version: 'asc' } })).map(toVersion);
    },
    async decisions(id) {
      return db.moderationDecision.findMany({ where: { submissionId: id }, orderBy: { createdAt: 'asc' } });
    },
    async transition(id, from, version, to, at, newVersion) {
      // One conditional update: of two moderators deciding at once, the second waits for the row
      // lock, re-reads status and version, and matches nothing.
      const { count } = await db.submission.updateMany({
        where: { id, status: { in: from }, version },
        data: { status: to, updatedAt: at, ...(newVersion !== undefined ? { version: newVersion } : {}) },
      });
      return count === 1;
    },
    async addVersion(version, at) {
      await db.submissionVersion.create({ data: { ...version, flags: version.flags as unknown as Prisma.InputJsonValue, createdAt: at } });
    },
    async recordDecision(decision, at) {
      await db.moderationDecision.create({ data: { ...decision, createdAt: at } });
    },
    async published(regionId, parentId, limit) {
      return db.submission.findMany({ where: { regionId, parentId, status: 'published' }, orderBy: { updatedAt: 'desc' }, take: limit });
    },
    async queue(regionId, limit) {
      return db.submission.findMany({ where: { regionId, status: 'pending' }, orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }], take: limit });
    },
    async byAuthor(authorId, limit) {
      return db.submission.findMany({ where: { authorId }, orderBy: { createdAt: 'desc' }, take: limit });
    },
    async countsByAuthor(authorId) {
      const groups = await db.submission.groupBy({ by: ['status'], where: { authorId }, _count: { _all: true } });
      return Object.fromEntries(groups.map((g) => [g.status, g._count._all])) as Partial<Record<SubmissionStatus, number>>;
    },
    async withdrawOpen(authorId, at) {
      const open = await db.submission.findMany({ where: { authorId, status: { in: ['pending', 'returned'] } }, select: { id: true } });
      await db.submission.updateMany({ where: { id: { in: open.map((s) => s.id) } }, data: { status: 'withdrawn', updatedAt: at } });
      return open.map((s) => s.id);
    },
    async subscribers(regionId, topic, language) {
      const rows = await db.person.findMany({
        where: { regionId, status: 'active', topics: { has: topic }, OR: [{ locale: language }, { languages: { has: language } }] },
        select: { id: true },
      });
      return rows.map((r) => r.id);
    },
  };
}
