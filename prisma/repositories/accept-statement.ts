import type { AcceptOutcome, AcceptRequest, HelperCall } from '../../core/index.js';
import { sqlState, utc, type Sql } from './db.js';
import type { Settled } from './keyed-batcher.js';

/** One row per accept of a batch, in its order. */
interface AcceptRow {
  ord: number;
  fresh: boolean;
  registered: boolean;
  /** The person's answer before this batch, null if they were not asked. */
  answerStatus: string | null;
  won: boolean;
  /** The same person took a place with an earlier accept of this batch. */
  personWon: boolean;
  /** For a winner: the call as its accept left it, as JSON (column names, timestamps as text). */
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

const JOB_RECORD = `"name" text, "key" text, "payload" jsonb, "beforeStartMs" double precision, "runAt" timestamp, "ifFilled" boolean`;

/**
 * The accepts of one call that arrived together, as one statement, so the call's row is locked for
 * one round trip per batch instead of one per tap. In order: record the events (a replay takes
 * nothing; sorted, so two instances handed the same replays wait for each other in one order);
 * lock the answers of the people concerned, in a stable order (two instances' batches must not
 * deadlock; a double tap on another instance waits here and then sees 'accepted'); lock the call,
 * and only if someone can take a place; hand out the free places in arrival order, one per person
 * (a person's first accept counts); take them with one UPDATE, guarded so the count can never pass
 * helpersNeeded; mark the winners' answers; enqueue each winner's jobs ("filled" only for the one
 * that took the last place). The last SELECT answers every accept with what it found.
 *
 * $1 callId; $2 JSON array of {ord, channel, address, eventId, at (UTC text), jobs (as AcceptJob)},
 * no event twice (the batcher answers a repeat itself). Items are looked up in JSON maps built once
 * rather than joined CTE to CTE: the planner guesses one row per CTE and would loop over every pair.
 */
export const ACCEPT_BATCH = `
  WITH input AS MATERIALIZED (
    SELECT * FROM jsonb_to_recordset($2::jsonb) AS i("ord" int, "channel" text, "address" text, "eventId" text, "at" timestamp, "jobs" jsonb)
  ), event AS (
    INSERT INTO "ProcessedEvent" ("channel", "eventId")
    SELECT "channel", "eventId" FROM input ORDER BY "channel", "eventId"
    ON CONFLICT DO NOTHING RETURNING "channel", "eventId"
  ), item AS MATERIALIZED (
    SELECT i."ord", i."at", i."jobs", ci."personId", (i."channel", i."eventId") IN (SELECT e."channel", e."eventId" FROM event e) AS "fresh"
      FROM input i LEFT JOIN "ChannelIdentity" ci ON ci."channel" = i."channel" AND ci."address" = i."address"
  ), answer AS MATERIALIZED (
    SELECT r."personId", r."status" FROM "CallResponse" r
     WHERE r."callId" = $1 AND r."personId" = ANY (ARRAY(SELECT "personId" FROM item WHERE "fresh" AND "personId" IS NOT NULL))
     ORDER BY r."personId"
       FOR UPDATE
  ), answers AS MATERIALIZED (
    SELECT COALESCE(jsonb_object_agg("personId", "status"), '{}') AS "of" FROM answer
  ), eligible AS MATERIALIZED (
    SELECT DISTINCT ON (it."personId") it."ord", it."personId", it."at", it."jobs"
      FROM item it, answers a
     WHERE it."fresh" AND a."of" ->> it."personId" <> 'accepted'
     ORDER BY it."personId", it."ord"
  ), locked AS MATERIALIZED (
    SELECT c."id", c."status", c."acceptedCount", c."helpersNeeded", c."answerBy" FROM "HelperCall" c
     WHERE c."id" = $1 AND EXISTS (SELECT 1 FROM eligible)
       FOR UPDATE
  ), winner AS MATERIALIZED (
    SELECT * FROM (
      SELECT e.*, (l."acceptedCount" + row_number() OVER (ORDER BY e."ord"))::int AS "place", l."helpersNeeded"
        FROM eligible e, locked l
       WHERE l."status" = 'open' AND l."answerBy" > e."at"
    ) ranked
     WHERE "place" <= "helpersNeeded"
  ), taken AS (
    UPDATE "HelperCall" c
       SET "acceptedCount" = c."acceptedCount" + w."n",
           "status" = CASE WHEN w."last" >= c."helpersNeeded" THEN 'full'::"CallStatus" ELSE c."status" END,
           "filledAt" = CASE WHEN w."last" >= c."helpersNeeded" THEN w."lastAt" ELSE c."filledAt" END
      FROM (SELECT count(*)::int AS "n", max("place") AS "last", (array_agg("at" ORDER BY "place" DESC))[1] AS "lastAt" FROM winner) w
     WHERE c."id" = $1 AND w."n" > 0 AND c."status" = 'open' AND c."acceptedCount" + w."n" = w."last" AND w."last" <= c."helpersNeeded"
   RETURNING c.*
  ), marked AS (
    UPDATE "CallResponse" r SET "status" = 'accepted', "answeredAt" = w."at"
      FROM taken t, winner w
     WHERE r."callId" = t."id" AND r."personId" = w."personId"
   RETURNING r."personId"
  ), enqueued AS (
    INSERT INTO "Job" ("id", "name", "key", "payload", "runAt")
    SELECT gen_random_uuid()::text, j."name", j."key", j."payload" || jsonb_build_object('personId', w."personId"),
           COALESCE(t."startsAt" - j."beforeStartMs" * interval '1 millisecond', j."runAt", w."at")
      FROM taken t
      JOIN winner w ON true
      JOIN marked m ON m."personId" = w."personId"
     CROSS JOIN LATERAL jsonb_to_recordset(w."jobs") AS j(${JOB_RECORD})
     WHERE (j."ifFilled" IS NOT TRUE OR w."place" >= t."helpersNeeded")
       AND (j."beforeStartMs" IS NULL OR t."startsAt" - j."beforeStartMs" * interval '1 millisecond' > w."at")
    ON CONFLICT ("key") DO NOTHING
   RETURNING 1
  ), won AS MATERIALIZED (
    -- Winners count only if the call's UPDATE took their places.
    SELECT COALESCE(jsonb_object_agg(w."ord"::text, w."place"), '{}') AS "place", COALESCE(jsonb_object_agg(w."personId", true), '{}') AS "person"
      FROM winner w WHERE EXISTS (SELECT 1 FROM taken)
  )
  SELECT it."ord",
         it."fresh",
         it."personId" IS NOT NULL AS "registered",
         a."of" ->> it."personId" AS "answerStatus",
         won."place" ? it."ord"::text AS "won",
         COALESCE(won."person" ? it."personId", false) AS "personWon",
         CASE WHEN won."place" ? it."ord"::text
              THEN to_jsonb(t) || jsonb_build_object('acceptedCount', won."place" -> it."ord"::text,
                                                     'status', CASE WHEN (won."place" ->> it."ord"::text)::int >= t."helpersNeeded" THEN 'full' ELSE 'open' END)
         END AS "taken",
         COALESCE(t."status", l."status", c."status")::text AS "callStatus",
         COALESCE(t."answerBy", l."answerBy", c."answerBy") > it."at" AS "beforeDeadline",
         reg."timeZone"
    FROM item it
   CROSS JOIN answers a
   CROSS JOIN won
    LEFT JOIN taken t ON true
    LEFT JOIN locked l ON true
    LEFT JOIN "HelperCall" c ON c."id" = $1
    LEFT JOIN "Region" reg ON reg."id" = c."regionId"
   ORDER BY it."ord"`;

function outcome(row: AcceptRow): AcceptOutcome {
  if (!row.fresh) return { kind: 'duplicate' };
  if (!row.registered) return { kind: 'not-registered' };
  if (row.won && row.taken) {
    const call = fromJson(row.taken);
    return { kind: 'accepted', call, nowFull: call.acceptedCount >= call.helpersNeeded, timeZone: row.timeZone ?? 'Europe/Berlin' };
  }
  if (row.answerStatus === null) return { kind: 'not-asked' };
  // Accepted before, or a moment ago by the same person's earlier tap in this batch.
  if (row.answerStatus === 'accepted' || row.personWon) return { kind: 'already-accepted' };
  // Open before its deadline as this statement found it, yet no place: the last ones went a moment ago.
  return row.callStatus === 'full' || (row.callStatus === 'open' && row.beforeDeadline) ? { kind: 'full' } : { kind: 'closed' };
}

/**
 * Runs the accepts of one call as one statement; one outcome per request, in order. A request
 * whose event repeats an earlier one of the same batch is not sent: it is a duplicate.
 */
export async function acceptBatch(sql: Sql, callId: string, requests: AcceptRequest[]): Promise<AcceptOutcome[]> {
  const seen = new Set<string>();
  const sent: AcceptRequest[] = [];
  const slot = requests.map((r) => {
    const event = `${r.channel}\u0000${r.eventId}`;
    if (seen.has(event)) return -1;
    seen.add(event);
    return sent.push(r) - 1;
  });
  const items = sent.map((r, ord) => ({ ord, channel: r.channel, address: r.address, eventId: r.eventId, at: utc(r.at), jobs: r.jobs }));
  const rows = await sql.query<AcceptRow>(ACCEPT_BATCH, [callId, JSON.stringify(items)], 'helferruf_accept_batch');
  if (rows.length !== sent.length) throw new Error(`the accept statement answered ${rows.length} rows for ${sent.length} accepts`);
  const outcomes: AcceptOutcome[] = [];
  for (const row of rows) outcomes[row.ord] = outcome(row);
  return slot.map((i) => (i < 0 ? { kind: 'duplicate' } : outcomes[i]!));
}

/** How often a batch chosen as a deadlock's victim is tried again (it was rolled back whole). */
const DEADLOCK_ATTEMPTS = 3;

/**
 * {@link acceptBatch} for the batcher. A batch locks many answers of one call (in a stable order),
 * so a statement that locks several of them in another order (e.g. closing the open asks of a full
 * call) can deadlock with it: PostgreSQL then rolls one back, and a rolled-back batch is simply
 * tried again. A value the database refuses (SQLSTATE class 22, e.g. a NUL in an address) fails the
 * whole statement: then each accept goes alone, in order, so one bad accept cannot fail the others
 * of its batch. Any other failure (the database gone) fails them all.
 */
export async function acceptEach(sql: Sql, callId: string, requests: AcceptRequest[]): Promise<Settled<AcceptOutcome>[]> {
  try {
    return (await retryDeadlock(() => acceptBatch(sql, callId, requests))).map((value) => ({ ok: true, value }));
  } catch (error) {
    if (requests.length === 1 || !sqlState(error)?.startsWith('22')) throw error;
    const settled: Settled<AcceptOutcome>[] = [];
    for (const request of requests) {
      try {
        settled.push({ ok: true, value: (await retryDeadlock(() => acceptBatch(sql, callId, [request])))[0]! });
      } catch (alone) {
        settled.push({ ok: false, error: alone });
      }
    }
    return settled;
  }
}

async function retryDeadlock<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= DEADLOCK_ATTEMPTS || sqlState(error) !== '40P01') throw error;
    }
  }
}
