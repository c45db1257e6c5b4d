import type { CallReportRepository } from '../../core/index.js';
import type { Db } from './db.js';

export function callReportRepository(db: Db): CallReportRepository {
  return {
    async create(report, at) {
      const { count } = await db.callReport.createMany({ data: [{ ...report, createdAt: at }], skipDuplicates: true });
      return count === 1;
    },
    async reportable(personId, now, limit) {
      const rows = await db.callResponse.findMany({
        where: { personId, status: 'accepted', call: { endsAt: { lte: now }, status: { notIn: ['cancelled'] }, reports: { none: { personId } } } },
        include: { call: { select: { id: true, title: true, startsAt: true, endsAt: true, organisationId: true } } },
        orderBy: { call: { endsAt: 'desc' } },
        take: limit,
      });
      return rows.map((r) => ({ callId: r.call.id, title: r.call.title, startsAt: r.call.startsAt, endsAt: r.call.endsAt, organisationId: r.call.organisationId }));
    },
    async forOrganisation(organisationId, limit) {
      const rows = await db.callReport.findMany({ where: { organisationId }, include: { call: { select: { title: true } } }, orderBy: { createdAt: 'desc' }, take: limit });
      return rows.map(({ call, ...report }) => ({ ...report, title: call.title }));
    },
  };
}
