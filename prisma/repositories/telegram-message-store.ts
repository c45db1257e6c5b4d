import type { TelegramMessageStore } from '../../bots/telegram/index.js';
import type { Db } from './db.js';

/** The Telegram bot's sent messages, in the shared `SentMessage` table (no text, only Telegram's message id). */
export function telegramMessageStore(db: Db, channel: string): TelegramMessageStore {
  return {
    async claim(id, address, subject) {
      const { count } = await db.sentMessage.createMany({ data: [{ id, channel, address, subject: subject ?? null }], skipDuplicates: true });
      return count === 1;
    },
    async messageId(id, address) {
      const row = await db.sentMessage.findFirst({ where: { id, channel, address }, select: { externalId: true } });
      if (!row) return undefined;
      return row.externalId ? Number(row.externalId) : null;
    },
    async sent(id, messageId) {
      await db.sentMessage.updateMany({ where: { id, channel }, data: { externalId: String(messageId) } });
    },
    async release(id) {
      await db.sentMessage.deleteMany({ where: { id, channel, externalId: null } });
    },
  };
}
