import type { ProcessedEventRepository } from '../../core/index.js';
import type { Db } from './db.js';

export function processedEventRepository(db: Db): ProcessedEventRepository {
  return {
    async record(channel, eventId) {
      // ON CONFLICT DO NOTHING: a second instance handling the same update waits for the first
      // one's commit on the primary key and then sees count 0, without aborting its transaction.
      const { count } = await db.processedEvent.createMany({ data: [{ channel, eventId }], skipDuplicates: true });
      return count === 1;
    },
    async pruneOlderThan(date) {
      const { count } = await db.processedEvent.deleteMany({ where: { processedAt: { lt: date } } });
      return count;
    },
  };
}
