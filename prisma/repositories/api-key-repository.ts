import type { ApiKeyRepository } from '../../core/index.js';
import type { Db } from './db.js';

const visible = { id: true, organisationId: true, prefix: true, label: true, createdAt: true, revokedAt: true } as const;

export function apiKeyRepository(db: Db): ApiKeyRepository {
  return {
    async create(key) {
      await db.apiKey.create({ data: key });
    },
    async findActiveByHash(hash) {
      return db.apiKey.findFirst({ where: { hash, revokedAt: null }, select: visible });
    },
    async list(organisationId) {
      return db.apiKey.findMany({ where: { organisationId }, select: visible, orderBy: { createdAt: 'asc' } });
    },
    async revoke(id, at) {
      const { count } = await db.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
      return count === 1 ? db.apiKey.findUnique({ where: { id }, select: visible }) : null;
    },
  };
}
