import type { SentMessageRepository } from '../../core/index.js';
import type { WebInboxStore } from '../../bots/web/index.js';
import type { Db } from './db.js';

export function sentMessageRepository(db: Db): SentMessageRepository {
  return {
    async deleteForAddresses(addresses) {
      if (addresses.length === 0) return 0;
      const { count } = await db.sentMessage.deleteMany({ where: { OR: addresses.map(({ channel, address }) => ({ channel, address })) } });
      return count;
    },
    async bySubject(subject, addresses) {
      const rows = await db.sentMessage.findMany({
        where: { subject, ...(addresses ? { OR: addresses.map(({ channel, address }) => ({ channel, address })) } : {}) },
        select: { channel: true, address: true, id: true },
      });
      return rows;
    },
  };
}

/** The web chat's inbox: messages kept with us until the page fetches them. */
export function webInboxStore(db: Db, channel: string): WebInboxStore {
  return {
    async add(id, address, payload, subject) {
      // The id may be an idempotency key: the same message twice is kept once.
      const { count } = await db.sentMessage.createMany({ data: [{ id, channel, address, payload: payload as never, subject: subject ?? null }], skipDuplicates: true });
      return count === 1;
    },
    async replace(id, address, payload) {
      const { count } = await db.sentMessage.updateMany({ where: { id, channel, address }, data: { payload: payload as never } });
      return count === 1;
    },
    async since(address, after, limit) {
      const rows = await db.sentMessage.findMany({
        where: { channel, address, ...(after ? { updatedAt: { gt: after } } : {}) },
        orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }],
        take: limit,
      });
      return rows.map((r) => ({ id: r.id, createdAt: r.createdAt, updatedAt: r.updatedAt, payload: r.payload }));
    },
  };
}
