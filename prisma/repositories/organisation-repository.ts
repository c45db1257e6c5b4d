import type { OrganisationRepository } from '../../core/index.js';
import type { Db } from './db.js';

export function organisationRepository(db: Db): OrganisationRepository {
  return {
    async create(organisation) {
      const { count } = await db.organisation.createMany({ data: [organisation], skipDuplicates: true });
      return count === 1;
    },
    async findBySlug(slug) {
      return db.organisation.findUnique({ where: { slug } });
    },
    async list(regionId) {
      return db.organisation.findMany({ where: regionId ? { regionId } : {}, orderBy: { name: 'asc' } });
    },
    async addMember(organisationId, personId) {
      await db.membership.createMany({ data: [{ organisationId, personId }], skipDuplicates: true });
    },
    async findById(id) {
      return db.organisation.findUnique({ where: { id } });
    },
  };
}
