import { randomUUID } from 'node:crypto';
import type { JobQueue, JobRepository, JobSpec } from '../../core/index.js';
import { Prisma, type PrismaClient } from '../generated/client.js';
import { utc, type Db } from './db.js';

/** The schema's default of Job.maxAttempts, for statements that cannot say DEFAULT per row. */
const DEFAULT_MAX_ATTEMPTS = 8;

/** Longer error texts are cut: the column is for a code and a short reason, not a dump. */
const MAX_ERROR_LENGTH = 2000;

function row(job: JobSpec) {
  return {
    id: randomUUID(),
    name: job.name,
    key: job.key ?? null,
    payload: (job.payload ?? {}) as Prisma.InputJsonObject,
    ...(job.runAt ? { runAt: job.runAt } : {}),
    ...(job.maxAttempts !== undefined ? { maxAttempts: job.maxAttempts } : {}),
  };
}

export function jobRepository(db: Db): JobRepository {
  return {
    async enqueue(job) {
      // ON CONFLICT DO NOTHING on the unique key: a duplicate neither throws nor aborts the
      // surrounding PostgreSQL transaction, and a concurrent enqueue waits for the first commit.
      const { count } = await db.job.createMany({ data: [row(job)], skipDuplicates: true });
      return count === 1;
    },
    async enqueueMany(jobs) {
      if (jobs.length === 0) return 0;
      // One statement with one parameter for a whole wave's deliveries: a thousand single inserts
      // took seconds, and createMany (a parameter per column and row) still half a second of CPU.
      const rows = jobs.map((job) => ({
        id: randomUUID(),
        name: job.name,
        key: job.key ?? null,
        payload: job.payload ?? {},
        runAt: utc(job.runAt ?? new Date()),
        maxAttempts: job.maxAttempts ?? null,
      }));
      return db.$executeRaw`
        INSERT INTO "Job" ("id", "name", "key", "payload", "runAt", "maxAttempts")
        SELECT j."id", j."name", j."key", j."payload", j."runAt", COALESCE(j."maxAttempts", ${DEFAULT_MAX_ATTEMPTS}::int)
          FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
            AS j("id" text, "name" text, "key" text, "payload" jsonb, "runAt" timestamp, "maxAttempts" int)
        ON CONFLICT DO NOTHING`;
    },
  };
}

interface ClaimedRow {
  id: string;
  name: string;
  key: string | null;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  runAt: Date;
}

/** The worker's side of the queue; runs outside any other transaction. */
export function jobQueue(db: PrismaClient): JobQueue {
  return {
    ...jobRepository(db),

    async claim(workerId, names, limit, now, lockedUntil) {
      if (names.length === 0 || limit <= 0) return [];
      // One statement. SKIP LOCKED lets concurrent workers pass over the rows another one is
      // claiming instead of waiting for it; after a wait PostgreSQL rechecks the conditions, so
      // a row claimed and committed meanwhile drops out. MATERIALIZED makes the locking select
      // run exactly once. The expired-lock condition makes a crashed worker's jobs due again.
      // Timestamps are cast because the driver sends them as text (UTC, like the columns).
      const rows = await db.$queryRaw<ClaimedRow[]>(Prisma.sql`
        WITH due AS MATERIALIZED (
          SELECT "id" FROM "Job"
           WHERE "doneAt" IS NULL AND "failedAt" IS NULL
             AND "name" = ANY(${names}::text[])
             AND "runAt" <= ${now}::timestamp(3)
             AND ("lockedUntil" IS NULL OR "lockedUntil" < ${now}::timestamp(3))
           ORDER BY "runAt"
           LIMIT ${limit}
           FOR UPDATE SKIP LOCKED)
        UPDATE "Job" AS j
           SET "lockedBy" = ${workerId}, "lockedUntil" = ${lockedUntil}::timestamp(3), "attempts" = j."attempts" + 1
          FROM due
         WHERE j."id" = due."id"
        RETURNING j."id", j."name", j."key", j."payload", j."attempts", j."maxAttempts", j."runAt"`);
      // RETURNING keeps no order; the oldest due job first is what callers expect.
      return rows
        .sort((a, b) => a.runAt.getTime() - b.runAt.getTime())
        .map((row) => ({
          id: row.id,
          name: row.name,
          key: row.key,
          payload: (row.payload ?? {}) as Record<string, unknown>,
          // The port counts the claims before this one.
          attempts: row.attempts - 1,
          maxAttempts: row.maxAttempts,
        }));
    },

    async complete(id, workerId, now) {
      // Only the holder of the lock settles a job: if the lock expired and another worker
      // claimed it meanwhile, this late result must not overwrite that worker's run.
      await db.job.updateMany({ where: { id, lockedBy: workerId, doneAt: null, failedAt: null }, data: { doneAt: now, lockedBy: null, lockedUntil: null } });
    },

    async fail(id, workerId, error, retryAt, now) {
      const lastError = error.slice(0, MAX_ERROR_LENGTH);
      // Decided and written in one statement, so the attempt count it compares is the stored one.
      const rows = await db.$queryRaw<{ failed: boolean }[]>(Prisma.sql`
        UPDATE "Job"
           SET "lastError" = ${lastError},
               "lockedBy" = NULL, "lockedUntil" = NULL,
               "failedAt" = CASE WHEN "attempts" >= "maxAttempts" THEN ${now}::timestamp(3) ELSE NULL END,
               "runAt" = CASE WHEN "attempts" >= "maxAttempts" THEN "runAt" ELSE ${retryAt}::timestamp(3) END
         WHERE "id" = ${id} AND "lockedBy" = ${workerId} AND "doneAt" IS NULL AND "failedAt" IS NULL
        RETURNING ("failedAt" IS NOT NULL) AS "failed"`);
      // A stale worker's failure changes nothing; from its point of view the job is someone else's retry.
      return rows[0]?.failed ? 'failed' : 'retry';
    },

    async postpone(id, workerId, reason, runAt) {
      await db.$executeRaw(Prisma.sql`
        UPDATE "Job"
           SET "lastError" = ${reason.slice(0, MAX_ERROR_LENGTH)}, "lockedBy" = NULL, "lockedUntil" = NULL,
               "attempts" = GREATEST("attempts" - 1, 0), "runAt" = ${runAt}::timestamp(3)
         WHERE "id" = ${id} AND "lockedBy" = ${workerId} AND "doneAt" IS NULL AND "failedAt" IS NULL`);
    },
  };
}
