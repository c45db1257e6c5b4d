import type { RateSlots } from '../../core/index.js';
import { Prisma } from '../generated/client.js';
import type { Db } from './db.js';

/** Send slots in the `RateSlot` table; each row holds the earliest time of the next free slot. */
export function rateSlots(db: Db): RateSlots {
  return {
    async reserve(key, intervalMs, now) {
      // One atomic upsert: concurrent reservations of a key queue on its row lock, and each one
      // takes the slot the previous one left and moves it on by the interval. The column and the
      // interval are microseconds, so 30 per second are 33.333 ms apart, not 34.
      // An idle key starts at `now` or, if later, when the statement runs: a reservation that
      // waited behind other statements (PGlite has one connection; 30 jobs start at once) would
      // otherwise come back with a slot already past and have to give it up (see outbox.ts).
      // Slots only move later by this, never closer together; and by at most a second, so a database
      // host whose clock runs ahead of the service's cannot hold every send back.
      const interval = Math.max(0, Math.round(intervalMs * 1000));
      const rows = await db.$queryRaw<{ startMs: number }[]>(Prisma.sql`
        INSERT INTO "RateSlot" ("key", "nextAt")
        VALUES (${key}, GREATEST(${now}::timestamp(3), LEAST((clock_timestamp() AT TIME ZONE 'UTC')::timestamp(6), ${now}::timestamp(3) + interval '1 second')) + ${interval}::bigint * interval '1 microsecond')
        ON CONFLICT ("key") DO UPDATE
          SET "nextAt" = GREATEST("RateSlot"."nextAt", ${now}::timestamp(3), LEAST((clock_timestamp() AT TIME ZONE 'UTC')::timestamp(6), ${now}::timestamp(3) + interval '1 second')) + ${interval}::bigint * interval '1 microsecond'
        RETURNING (extract(epoch FROM "nextAt") * 1000 - ${interval}::bigint / 1000.0)::float8 AS "startMs"`);
      return rows[0]!.startMs;
    },

    async block(key, until) {
      await db.$executeRaw(Prisma.sql`
        INSERT INTO "RateSlot" ("key", "nextAt") VALUES (${key}, ${until}::timestamp(6))
        ON CONFLICT ("key") DO UPDATE SET "nextAt" = GREATEST("RateSlot"."nextAt", EXCLUDED."nextAt")`);
    },
  };
}
