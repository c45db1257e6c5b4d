import type { RoleRepository } from '../../core/index.js';
import type { Db } from './db.js';

export function roleRepository(db: Db): RoleRepository {
  return {
    async grant(grant) {
      await db.roleGrant.create({ data: grant });
    },
    async revoke(personId, role, organisationId, at) {
      const { count } = await db.roleGrant.updateMany({ where: { personId, role, organisationId, revokedAt: null }, data: { revokedAt: at } });
      return count;
    },
    async active(personId) {
      return db.roleGrant.findMany({ where: { personId, revokedAt: null }, orderBy: { createdAt: 'asc' } });
    },
  };
}
