import type { RateSlots } from '../../core/index.js';
import { Prisma } from '../generated/client.js';
import type { Db } from './db.js';

/** Send slots in the `RateSlot` table; each row holds the earliest time of the next free slot. */
export function rateSlots(db: Db): RateSlots {
  return {
    async reserve(key, intervalMs, now) {
      // Whole milliseconds, like the column; rounded up so the rate never exceeds the limit.
      const interval = Math.max(0, Math.ceil(intervalMs));
      // One atomic upsert: concurrent reservations of a key queue on its row lock, and each one
      // takes the slot the previous one left and moves it on by the interval.
      const rows = await db.$queryRaw<{ nextAt: Date }[]>(Prisma.sql`
        INSERT INTO "RateSlot" ("key", "nextAt")
        VALUES (${key}, ${now}::timestamp(3) + ${interval}::int * interval '1 millisecond')
        ON CONFLICT ("key") DO UPDATE
          SET "nextAt" = GREATEST("RateSlot"."nextAt", ${now}::timestamp(3)) + ${interval}::int * interval '1 millisecond'
        RETURNING "nextAt"`);
      return new Date(rows[0]!.nextAt.getTime() - interval);
    },

    async block(key, until) {
      await db.$executeRaw(Prisma.sql`
        INSERT INTO "RateSlot" ("key", "nextAt") VALUES (${key}, ${until}::timestamp(3))
        ON CONFLICT ("key") DO UPDATE SET "nextAt" = GREATEST("RateSlot"."nextAt", EXCLUDED."nextAt")`);
    },
  };
}
