import type { SanctionRepository } from '../../core/index.js';
import type { Db } from './db.js';

export function sanctionRepository(db: Db): SanctionRepository {
  return {
    async create(sanction) {
      await db.sanction.create({ data: sanction });
    },
    async forPerson(personId) {
      return db.sanction.findMany({ where: { personId }, orderBy: { createdAt: 'desc' } });
    },
    async appeal(sanctionId, text, at) {
      const { count } = await db.sanction.updateMany({ where: { id: sanctionId, kind: 'ban', appealedAt: null }, data: { appeal: text, appealedAt: at } });
      return count === 1;
    },
    async openAppeals(regionId, limit) {
      return db.sanction.findMany({ where: { kind: 'ban', appealedAt: { not: null }, settledAt: null, person: { regionId } }, orderBy: { appealedAt: 'asc' }, take: limit });
    },
    async settle(sanctionId, at) {
      const { count } = await db.sanction.updateMany({ where: { id: sanctionId, appealedAt: { not: null }, settledAt: null }, data: { settledAt: at } });
      return count === 1;
    },
  };
}
