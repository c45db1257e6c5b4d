import type { ModeratorNoticeRepository } from '../../core/index.js';
import type { Db } from './db.js';

/** Moderators to tell about waiting items, and the counts of what waits; the opt-outs in `ModeratorNoticeOptOut`. */
export function moderatorNoticeRepository(db: Db): ModeratorNoticeRepository {
  return {
    async recipients(regionId) {
      const rows = await db.roleGrant.findMany({
        where: { revokedAt: null, role: 'moderator', OR: [{ regionId: null }, { regionId }], person: { status: 'active' } },
        select: { personId: true },
        distinct: ['personId'],
      });
      const off = new Set((await db.moderatorNoticeOptOut.findMany({ where: { personId: { in: rows.map((r) => r.personId) } }, select: { personId: true } })).map((r) => r.personId));
      return rows.map((r) => r.personId).filter((id) => !off.has(id));
    },
    async waiting(regionId) {
      const [review, requests, reported, appeals, questions] = await Promise.all([
        db.submission.count({ where: { regionId, status: 'pending' } }),
        db.roleRequest.count({ where: { status: 'pending', person: { regionId } } }),
        db.abuseReport.groupBy({ by: ['submissionId'], where: { resolvedAt: null, submission: { regionId, status: 'published' } } }).then((rows) => rows.length),
        db.sanction.count({ where: { kind: 'ban', appealedAt: { not: null }, settledAt: null, person: { regionId } } }),
        db.infoQuestion.count({ where: { regionId, answeredAt: null } }),
      ]);
      return { review, requests, reported, appeals, questions };
    },
    async enabled(personId) {
      return (await db.moderatorNoticeOptOut.count({ where: { personId } })) === 0;
    },
    async setEnabled(personId, enabled) {
      if (enabled) await db.moderatorNoticeOptOut.deleteMany({ where: { personId } });
      else await db.moderatorNoticeOptOut.upsert({ where: { personId }, create: { personId }, update: {} });
    },
  };
}
