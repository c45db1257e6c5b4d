import type { AbuseReport, AbuseReportRepository } from '../../core/index.js';
import type { Db } from './db.js';

export function abuseReportRepository(db: Db): AbuseReportRepository {
  return {
    async create(report, at) {
      await db.abuseReport.create({ data: { ...report, createdAt: at } });
    },
    async hasOpen(submissionId, reporterId) {
      return (await db.abuseReport.count({ where: { submissionId, reporterId, resolvedAt: null } })) > 0;
    },
    async openItems(regionId, limit) {
      const rows = await db.abuseReport.groupBy({
        by: ['submissionId'],
        where: { resolvedAt: null, submission: { regionId, status: 'published' } },
        _min: { createdAt: true },
        orderBy: { _min: { createdAt: 'asc' } },
        take: limit,
      });
      return rows.map((r) => r.submissionId);
    },
    async openFor(submissionId) {
      return (await db.abuseReport.findMany({ where: { submissionId, resolvedAt: null }, orderBy: { createdAt: 'asc' } })) as AbuseReport[];
    },
    async resolve(submissionId, byId, resolution, at) {
      const { count } = await db.abuseReport.updateMany({ where: { submissionId, resolvedAt: null }, data: { resolvedAt: at, resolvedById: byId, resolution } });
      return count;
    },
  };
}
