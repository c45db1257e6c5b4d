import { Prisma } from '../generated/client.js';
import type { ConversationRepository, ConversationState, StoredConversation } from '../../core/index.js';
import type { Db } from './db.js';

export function conversationRepository(db: Db): ConversationRepository {
  return {
    async get(channel, address) {
      const row = await db.conversation.findUnique({ where: { channel_address: { channel, address } } });
      return row ? { channel: row.channel, address: row.address, locale: row.locale, state: row.state as unknown as ConversationState, version: row.version } : null;
    },
    async create(conversation: Omit<StoredConversation, 'version'>) {
      // skipDuplicates: a concurrent first message must not abort the transaction with a unique violation.
      const { count } = await db.conversation.createMany({
        data: [{ channel: conversation.channel, address: conversation.address, locale: conversation.locale, state: conversation.state as never, version: 0 }],
        skipDuplicates: true,
      });
      return count === 1;
    },
    async update(channel, address, expectedVersion, patch) {
      const { count } = await db.conversation.updateMany({
        where: { channel, address, version: expectedVersion },
        data: { locale: patch.locale, state: patch.state as never, version: { increment: 1 } },
      });
      return count === 1;
    },
    async deleteDraftsIdleSince(before) {
      // Only states holding a draft: the JSON key `data` is present and not null.
      const { count } = await db.conversation.deleteMany({
        where: { updatedAt: { lt: before }, NOT: { state: { path: ['data'], equals: Prisma.AnyNull } } },
      });
      return count;
    },
    async resetAll(addresses, state) {
      for (const { channel, address } of addresses) {
        await db.conversation.updateMany({ where: { channel, address }, data: { state: state as never, version: { increment: 1 } } });
      }
    },
  };
}
