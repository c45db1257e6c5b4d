import type { Leases } from '../../core/index.js';
import { Prisma } from '../generated/client.js';
import type { Db } from './db.js';

/** Leases in the `Lease` table; one atomic upsert takes, renews or refuses a lease. */
export function leases(db: Db): Leases {
  return {
    async acquire(name, holder, ttlMs) {
      const ttl = Math.max(1, Math.round(ttlMs * 1000));
      // Takes the row when it is free, expired or ours; otherwise the conditional update changes
      // nothing and returns no row. Concurrent callers queue on the row lock, so one wins.
      const rows = await db.$queryRaw<{ holder: string; state: string | null }[]>(Prisma.sql`
        INSERT INTO "Lease" ("name", "holder", "expiresAt", "updatedAt")
        VALUES (${name}, ${holder}, clock_timestamp()::timestamp(6) + ${ttl}::bigint * interval '1 microsecond', clock_timestamp())
        ON CONFLICT ("name") DO UPDATE
          SET "holder" = EXCLUDED."holder", "expiresAt" = EXCLUDED."expiresAt", "updatedAt" = EXCLUDED."updatedAt"
          WHERE "Lease"."holder" = EXCLUDED."holder" OR "Lease"."expiresAt" <= clock_timestamp()::timestamp(6)
        RETURNING "holder", "state"`);
      const row = rows[0];
      if (row) return { held: true, state: row.state };
      const current = await db.$queryRaw<{ state: string | null }[]>(Prisma.sql`SELECT "state" FROM "Lease" WHERE "name" = ${name}`);
      return { held: false, state: current[0]?.state ?? null };
    },

    async save(name, holder, state) {
      const changed = await db.$executeRaw(Prisma.sql`UPDATE "Lease" SET "state" = ${state}, "updatedAt" = clock_timestamp() WHERE "name" = ${name} AND "holder" = ${holder}`);
      return changed > 0;
    },

    async release(name, holder) {
      await db.$executeRaw(Prisma.sql`UPDATE "Lease" SET "expiresAt" = clock_timestamp()::timestamp(6) - interval '1 second' WHERE "name" = ${name} AND "holder" = ${holder}`);
    },
  };
}
