import type { RoleRequest, RoleRequestRepository } from '../../core/index.js';
import type { Db } from './db.js';

export function roleRequestRepository(db: Db): RoleRequestRepository {
  return {
    async create(request) {
      await db.roleRequest.create({ data: request });
    },
    async findById(id) {
      return (await db.roleRequest.findUnique({ where: { id } })) as RoleRequest | null;
    },
    async pendingFor(personId) {
      return (await db.roleRequest.findFirst({ where: { personId, status: 'pending' } })) as RoleRequest | null;
    },
    async pending(regionId, limit) {
      return (await db.roleRequest.findMany({ where: { status: 'pending', person: { regionId } }, orderBy: { createdAt: 'asc' }, take: limit })) as RoleRequest[];
    },
    async decide(id, status, byId, reason, at) {
      // Conditional: a concurrent decision waits for the row lock, re-reads the status and matches nothing.
      const { count } = await db.roleRequest.updateMany({ where: { id, status: 'pending' }, data: { status, decidedById: byId, decisionReason: reason, decidedAt: at } });
      return count === 1;
    },
    async withdrawPending(personId, at) {
      const { count } = await db.roleRequest.updateMany({ where: { personId, status: 'pending' }, data: { status: 'withdrawn', decidedAt: at } });
      return count;
    },
  };
}
