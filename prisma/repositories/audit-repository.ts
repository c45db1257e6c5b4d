import { randomUUID } from 'node:crypto';
import type { AuditRepository } from '../../core/index.js';
import type { Db } from './db.js';

export function auditRepository(db: Db): AuditRepository {
  return {
    async append(entry) {
      await db.auditEntry.create({
        data: { id: randomUUID(), actorId: entry.actorId, action: entry.action, subjectType: entry.subjectType, subjectId: entry.subjectId, details: entry.details ?? {} },
      });
    },
  };
}
