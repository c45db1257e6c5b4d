import type { ConsentRepository } from '../../core/index.js';
import type { Db } from './db.js';

export function consentRepository(db: Db): ConsentRepository {
  return {
    async record(consent) {
      await db.consent.create({ data: consent });
    },
    async listForPerson(personId) {
      return db.consent.findMany({ where: { personId }, orderBy: { givenAt: 'asc' } });
    },
  };
}
