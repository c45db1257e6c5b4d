import type { IdentityRepository } from '../../core/index.js';
import type { Db } from './db.js';

export function identityRepository(db: Db): IdentityRepository {
  return {
    async link({ channel, address, personId, preferred }) {
      if (preferred) await db.channelIdentity.updateMany({ where: { personId }, data: { preferred: false } });
      await db.channelIdentity.upsert({
        where: { channel_address: { channel, address } },
        create: { channel, address, personId, preferred },
        update: { personId, preferred, unreachableSince: null },
      });
    },
    async markUnreachable(channel, address, at) {
      await db.channelIdentity.updateMany({ where: { channel, address, unreachableSince: null }, data: { unreachableSince: at } });
    },
    async markReachable(channel, address) {
      await db.channelIdentity.updateMany({ where: { channel, address, unreachableSince: { not: null } }, data: { unreachableSince: null } });
    },
    async listForPerson(personId) {
      const rows = await db.channelIdentity.findMany({ where: { personId }, orderBy: { createdAt: 'asc' } });
      return rows.map(({ channel, address, personId: pid, preferred, unreachableSince, createdAt }) => ({
        channel,
        address,
        personId: pid,
        preferred,
        unreachableSince,
        createdAt,
      }));
    },
  };
}
