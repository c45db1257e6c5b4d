import type { AcceptOutcome, CallRepository, HelperCall } from '../../core/index.js';
import type { Prisma } from '../generated/client.js';
import { prismaSql, utc, type Db, type Sql } from './db.js';

interface AcceptRow {
  fresh: boolean;
  registered: boolean;
  answerStatus: string | null;
  jobs: number;
  /** The call as the accept left it, as JSON (column names, timestamps as text). */
  taken: Record<string, unknown> | null;
  callStatus: string | null;
  beforeDeadline: boolean | null;
  timeZone: string | null;
}

const DATE_COLUMNS = ['startsAt', 'endsAt', 'answerBy', 'nextWaveAt', 'createdAt'] as const;

/** A HelperCall row read back from to_jsonb: timestamps without time zone hold UTC. */
function fromJson(json: Record<string, unknown>): HelperCall {
  const { filledAt: _f, cancelledAt: _c, ...call } = json;
  for (const column of DATE_COLUMNS) {
    const value = call[column];
    call[column] = typeof value === 'string' ? new Date(`${value}Z`) : null;
  }
  return call as unknown as HelperCall;
}

function toCall(row: Prisma.HelperCallGetPayload<object>): HelperCall {
  const { filledAt: _f, cancelledAt: _c, ...call } = row;
  return call;
}

/**
 * The accept, one statement, so it holds its locks for one round trip. In order: record the event
 * (a replay takes nothing); lock this person's answer (a double tap with two event ids waits here
 * and then sees 'accepted'); take a place with a conditional UPDATE, on whose row lock concurrent
 * accepts queue and re-check the condition, so exactly helpersNeeded succeed; mark the answer;
 * enqueue the follow-up jobs. The last SELECT reads the state as this statement found it, to tell
 * a loser why. $1 channel, $2 eventId, $3 address, $4 callId, $5 now (UTC text), $6 jobs (JSON).
 */
const ACCEPT = `
  WITH event AS (
    INSERT INTO "ProcessedEvent" ("channel", "eventId") VALUES ($1, $2)
    ON CONFLICT DO NOTHING RETURNING 1
  ), who AS (
    SELECT "personId" FROM "ChannelIdentity" WHERE "channel" = $1 AND "address" = $3
  ), answer AS MATERIALIZED (
    SELECT r."personId", r."status" FROM "CallResponse" r
     WHERE r."callId" = $4 AND r."personId" = (SELECT "personId" FROM who) AND EXISTS (SELECT 1 FROM event)
       FOR UPDATE
  ), taken AS (
    UPDATE "HelperCall" c
       SET "acceptedCount" = c."acceptedCount" + 1,
           "status" = CASE WHEN c."acceptedCount" + 1 >= c."helpersNeeded" THEN 'full'::"CallStatus" ELSE c."status" END,
           "filledAt" = CASE WHEN c."acceptedCount" + 1 >= c."helpersNeeded" THEN $5::timestamp ELSE c."filledAt" END
     WHERE c."id" = $4 AND c."status" = 'open' AND c."acceptedCount" < c."helpersNeeded" AND c."answerBy" > $5::timestamp
       AND EXISTS (SELECT 1 FROM answer WHERE answer."status" <> 'accepted')
 RETURNING c.*
  ), marked AS (
    UPDATE "CallResponse" r SET "status" = 'accepted', "answeredAt" = $5::timestamp
      FROM taken, answer
     WHERE r."callId" = taken."id" AND r."personId" = answer."personId"
 RETURNING r."personId"
  ), enqueued AS (
    INSERT INTO "Job" ("id", "name", "key", "payload", "runAt")
    SELECT gen_random_uuid()::text, j."name", j."key", j."payload" || jsonb_build_object('personId', m."personId"),
           COALESCE(t."startsAt" - j."beforeStartMs" * interval '1 millisecond', j."runAt", $5::timestamp)
      FROM taken t CROSS JOIN marked m
     CROSS JOIN jsonb_to_recordset($6::jsonb) AS j("name" text, "key" text, "payload" jsonb, "beforeStartMs" double precision, "runAt" timestamp, "ifFilled" boolean)
     WHERE (j."ifFilled" IS NOT TRUE OR t."acceptedCount" >= t."helpersNeeded")
       AND (j."beforeStartMs" IS NULL OR t."startsAt" - j."beforeStartMs" * interval '1 millisecond' > $5::timestamp)
    ON CONFLICT ("key") DO NOTHING
 RETURNING 1
  )
  SELECT EXISTS (SELECT 1 FROM event) AS "fresh",
         EXISTS (SELECT 1 FROM who) AS "registered",
         (SELECT "status"::text FROM answer) AS "answerStatus",
         (SELECT count(*)::int FROM enqueued) AS "jobs",
         to_jsonb(t) AS "taken",
         c."status"::text AS "callStatus",
         c."answerBy" > $5::timestamp AS "beforeDeadline",
         reg."timeZone"
    FROM (SELECT 1) one
    LEFT JOIN taken t ON true
    LEFT JOIN "HelperCall" c ON c."id" = $4
    LEFT JOIN "Region" reg ON reg."id" = c."regionId"`;

export function callRepository(db: Db, sql: Sql = prismaSql(db)): CallRepository {
  return {
    async create(call) {
      return toCall(await db.helperCall.create({ data: call }));
    },
    async findById(id) {
      const row = await db.helperCall.findUnique({ where: { id } });
      return row && toCall(row);
    },
    async accept({ callId, channel, address, eventId, at, jobs }): Promise<AcceptOutcome> {
      // The statement (ACCEPT above) through the driver: under a crowd of taps, Prisma's own work per query would be most of the time.
      const rows = await sql.query<AcceptRow>(ACCEPT, [channel, eventId, address, callId, utc(at), JSON.stringify(jobs)], 'helferruf_accept');
      const row = rows[0]!;
      if (!row.fresh) return { kind: 'duplicate' };
      if (!row.registered) return { kind: 'not-registered' };
      if (row.taken) {
        const call = fromJson(row.taken);
        return { kind: 'accepted', call, nowFull: call.acceptedCount >= call.helpersNeeded, timeZone: row.timeZone ?? 'Europe/Berlin' };
      }
      if (row.answerStatus === null) return { kind: 'not-asked' };
      if (row.answerStatus === 'accepted') return { kind: 'already-accepted' };
      // Open before its deadline as this statement began, yet no place: the last ones went a moment ago.
      return row.callStatus === 'full' || (row.callStatus === 'open' && row.beforeDeadline) ? { kind: 'full' } : { kind: 'closed' };
    },
    async decline(callId, personId, at) {
      const { count } = await db.callResponse.updateMany({
        where: { callId, personId, status: { in: ['asked', 'filled', 'declined'] } },
        data: { status: 'declined', answeredAt: at },
      });
      return count === 1;
    },
    async release(callId, personId, at) {
      const { count } = await db.callResponse.updateMany({ where: { callId, personId, status: 'accepted' }, data: { status: 'released', answeredAt: at } });
      if (count === 0) return false;
      await db.$executeRaw`
        UPDATE "HelperCall"
           SET "acceptedCount" = "acceptedCount" - 1,
               "status" = CASE WHEN "status" = 'full' AND "answerBy" > ${at} THEN 'open'::"CallStatus" ELSE "status" END,
               "filledAt" = NULL
         WHERE "id" = ${callId}`;
      return true;
    },
    async cancel(callId, at) {
      const { count } = await db.helperCall.updateMany({ where: { id: callId, status: { in: ['open', 'full'] } }, data: { status: 'cancelled', cancelledAt: at } });
      if (count === 0) return null;
      const accepted = await db.callResponse.findMany({ where: { callId, status: 'accepted' }, select: { personId: true } });
      return accepted.map((r) => r.personId);
    },
    async setAttendance(callId, personId, attended, at) {
      if (attended) {
        const { count } = await db.callResponse.updateMany({ where: { callId, personId, status: 'accepted' }, data: { attended } });
        return count === 1;
      }
      // A no-show is counted once per call, however often it is marked.
      const { count } = await db.callResponse.updateMany({
        where: { callId, personId, status: 'accepted', OR: [{ attended: null }, { attended: true }] },
        data: { attended: false },
      });
      if (count === 1) await db.person.update({ where: { id: personId }, data: { noShowCount: { increment: 1 }, lastNoShowAt: at } });
      return count === 1 || (await db.callResponse.count({ where: { callId, personId, status: 'accepted' } })) === 1;
    },
    async extendDeadline(callId, answerBy, at) {
      const rows = await db.$queryRaw<{ was: 'open' | 'expired' }[]>`
        UPDATE "HelperCall" AS c
           SET "answerBy" = ${answerBy}, "status" = 'open'::"CallStatus"
          FROM (SELECT "id", "status" AS was FROM "HelperCall" WHERE "id" = ${callId} FOR UPDATE) AS before
         WHERE c."id" = before."id" AND c."status" IN ('open', 'expired') AND c."startsAt" >= ${answerBy}
           AND ${answerBy} > ${at} AND ${answerBy} > c."answerBy"
     RETURNING before.was::text AS was`;
      return rows[0]?.was ?? null;
    },
    async addPlaces(callId, count, max, at) {
      const changed = await db.$executeRaw`
        UPDATE "HelperCall"
           SET "helpersNeeded" = "helpersNeeded" + ${count}, "status" = 'open'::"CallStatus", "filledAt" = NULL
         WHERE "id" = ${callId} AND "status" IN ('open', 'full') AND "answerBy" > ${at} AND "helpersNeeded" + ${count} <= ${max}`;
      return changed === 1;
    },
    async expire(callId, at) {
      const { count } = await db.helperCall.updateMany({ where: { id: callId, status: 'open', answerBy: { lte: at } }, data: { status: 'expired' } });
      return count === 1;
    },
    async closeOpenAsks(callId) {
      const open = await db.callResponse.findMany({ where: { callId, status: 'asked' }, select: { personId: true } });
      await db.callResponse.updateMany({ where: { callId, status: 'asked' }, data: { status: 'filled' } });
      return open.map((r) => r.personId);
    },
    async recordWave(callId, wave, nextWaveAt) {
      await db.helperCall.update({ where: { id: callId }, data: { waves: wave, nextWaveAt } });
    },
    async upcomingForOrganisation(organisationId, since) {
      const rows = await db.helperCall.findMany({ where: { organisationId, endsAt: { gt: since } }, orderBy: { startsAt: 'asc' }, take: 20 });
      return rows.map(toCall);
    },
    async responses(callId) {
      return db.callResponse.findMany({ where: { callId }, orderBy: [{ wave: 'asc' }, { askedAt: 'asc' }] });
    },
  };
}
