import { cellsAround, type Candidate, type CandidateFinder, type CandidateQuery } from '../../core/index.js';
import { Prisma } from '../generated/client.js';
import type { Db } from './db.js';

const DAY_MS = 24 * 60 * 60 * 1000;

// One row with personId null when nobody is found: `kept` is always there.
type Row = { personId: string | null; locale: string; distanceKm: number; lastAskedAt: Date | null; timesAsked: number; kept: number };

// Prisma stores DateTime as `timestamp(3)` holding UTC. An ISO string cast to
// `timestamp` keeps the UTC wall time (PostgreSQL ignores the zone suffix for a
// timestamp without time zone), whatever the session's time zone is.
function ts(at: Date): Prisma.Sql {
  return Prisma.sql`${at.toISOString()}::timestamp`;
}

/**
 * The matching in one statement, in two stages.
 *
 * `nearby` reads only `MatchEntry` (one row per volunteer and activity, a copy of the Person
 * columns the matching needs, kept by triggers): one index range per grid cell of the box, for the
 * call's activity, holding every column the stage reads, so no table row is visited. Then the exact
 * distance within the person's and the call's radius, and the rotation order. Reading those index
 * entries is most of the cost; the sort keeps only the first `cap` rows (a top-N heap).
 *
 * The checks that need other tables (consent, already asked, busy, daily limit) each cost index
 * probes per person. Run before the sort they would cost probes for everyone within reach,
 * thousands in a large region; run on the sorted rows, the LIMIT stops them after about `limit`
 * people. So:
 * - `nearby` is MATERIALIZED, so the planner cannot push them below the sort;
 * - they are scalar subqueries, not EXISTS: PostgreSQL turns a top-level EXISTS into a semi or
 *   anti join, and a hash or merge join may reorder the rows or read a whole table (the planner
 *   cannot see that the LIMIT stops early); a scalar subquery stays a per-row probe in the scan's
 *   filter.
 * The outer query is then one CTE scan with a filter under the LIMIT, which returns rows in the
 * order `nearby` stored them (the tests check the order on PGlite and PostgreSQL).
 *
 * Those checks turn away few of the first rows (whoever was asked recently sorts last), so `cap`
 * rows are nearly always enough; `nearby` tells how many it kept, and {@link candidateFinder} asks
 * again without a cap when the rules left too few of a full `cap`.
 *
 * Exported for the benchmark's EXPLAIN ANALYZE; everything else uses `candidateFinder`.
 */
export function findCandidatesSql(q: CandidateQuery, cap: number | null = defaultCap(q.limit)): Prisma.Sql {
  const now = ts(q.now);
  const lat = Prisma.sql`${q.lat}::float8`;
  const lon = Prisma.sql`${q.lon}::float8`;
  const penalisedSince = ts(new Date(q.now.getTime() - q.noShowPenaltyDays * DAY_MS));
  const languages = q.languages.length > 0 ? Prisma.sql`AND m.languages && ${q.languages}::text[]` : Prisma.empty;
  const reachable = (only: Prisma.Sql) => Prisma.sql`
      SELECT "personId", "lastAskedAt", "timesAsked", distance
      FROM (
        SELECT m."personId", m."lastAskedAt", m."timesAsked", m."travelRadiusKm",
          m."lastNoShowAt" IS NOT NULL AND m."lastNoShowAt" > ${penalisedSince} AS penalised,
          2 * 6371.0088 * asin(least(1, sqrt(
            power(sin(radians(m.lat - ${lat}) / 2), 2)
            + cos(radians(${lat})) * cos(radians(m.lat)) * power(sin(radians(m.lon - ${lon}) / 2), 2)
          ))) AS distance
        FROM "MatchEntry" m
        WHERE m."regionId" = ${q.regionId}
          AND m.activity = ${q.activity}
          AND m.cell = ANY(${cellsAround(q.lat, q.lon, q.radiusKm)}::int[])
          AND (m."pausedUntil" IS NULL OR m."pausedUntil" < ${now})
          ${languages}
          ${only}
        -- A fence: without it the planner folds this into the outer query and works out the
        -- distance twice per row (filter and sort key); trigonometry is most of a row's cost.
        OFFSET 0
      ) reachable
      -- LEAST ignores NULL: someone who never set a radius is within the call's.
      WHERE distance <= LEAST("travelRadiusKm", ${q.radiusKm}::float8)
      ORDER BY penalised, "lastAskedAt" ASC NULLS FIRST, "timesAsked", distance, "personId"
      ${cap === null ? Prisma.empty : Prisma.sql`LIMIT ${cap}::int`}`;
  // Whoever was never asked (and did not miss a call lately) comes first in the rotation order. When
  // there are `cap` of them, they are the answer, read from their own part of each cell's index range
  // (the index holds "lastAskedAt" right after the cell); only otherwise is everyone read.
  const nearby =
    cap === null
      ? reachable(Prisma.empty)
      : Prisma.sql`
      SELECT * FROM never WHERE (SELECT count(*) FROM never) >= ${cap}::int
      UNION ALL
      SELECT * FROM (${reachable(Prisma.empty)}) everyone WHERE (SELECT count(*) FROM never) < ${cap}::int`;
  return Prisma.sql`
    WITH ${cap === null ? Prisma.empty : Prisma.sql`never AS MATERIALIZED (${reachable(Prisma.sql`AND m."lastAskedAt" IS NULL AND (m."lastNoShowAt" IS NULL OR m."lastNoShowAt" <= ${penalisedSince})`)}),`}
    nearby AS MATERIALIZED (${nearby})
    SELECT found.*, kept.count AS kept
    FROM (SELECT count(*)::int AS count FROM nearby) kept
    LEFT JOIN LATERAL (
    SELECT n."personId", (SELECT p.locale FROM "Person" p WHERE p.id = n."personId") AS locale,
      n.distance AS "distanceKm", n."lastAskedAt", n."timesAsked"
    FROM nearby n
    WHERE (
        SELECT true FROM "Consent" c
        WHERE c."personId" = n."personId" AND c.kind = 'privacy' AND c."withdrawnAt" IS NULL
        LIMIT 1
      )
      AND (
        SELECT true FROM "CallResponse" r
        WHERE r."callId" = ${q.callId} AND r."personId" = n."personId"
      ) IS NULL
      AND (
        SELECT true FROM "CallResponse" r JOIN "HelperCall" h ON h.id = r."callId"
        WHERE r."personId" = n."personId" AND r.status = 'accepted'
          AND h.id <> ${q.callId}
          AND h.status NOT IN ('cancelled', 'expired')
          AND h."startsAt" < ${ts(q.endsAt)} AND h."endsAt" > ${ts(q.startsAt)}
        LIMIT 1
      ) IS NULL
      -- Counts at most maxAsksPerDay rows per person, not their whole day.
      AND (
        SELECT count(*) FROM (
          SELECT 1 FROM "CallResponse" r
          WHERE r."personId" = n."personId" AND r."askedAt" > ${ts(new Date(q.now.getTime() - DAY_MS))}
          LIMIT ${q.maxAsksPerDay}::int
        ) today
      ) < ${q.maxAsksPerDay}::int
    LIMIT ${q.limit}::int
    ) found ON true`;
}

/** How many sorted rows `nearby` keeps for the rules: twice what is wanted and a few more. */
function defaultCap(limit: number): number {
  return limit * 2 + 10;
}

/** Matching volunteers to a helper call, in SQL (see `core/calls/candidates.ts`). */
export function candidateFinder(db: Db): CandidateFinder {
  return {
    async find(q) {
      if (q.limit <= 0) return [];
      const cap = defaultCap(q.limit);
      const query = async (limit: number | null) => {
        const rows = await db.$queryRaw<Row[]>(findCandidatesSql(q, limit));
        return { kept: rows[0]!.kept, found: rows.filter((r): r is Row & { personId: string } => r.personId !== null) };
      };
      let { kept, found } = await query(cap);
      // The rules turned away so many of a full cap that more may be further down: once more, uncapped.
      if (kept >= cap && found.length < q.limit) ({ found } = await query(null));
      return found.map(
        (r): Candidate => ({
          personId: r.personId,
          locale: r.locale,
          distanceKm: Number(r.distanceKm),
          lastAskedAt: r.lastAskedAt === null ? null : new Date(r.lastAskedAt),
          timesAsked: Number(r.timesAsked),
        }),
      );
    },

    async markAsked(callId, personIds, wave, at) {
      if (personIds.length === 0) return;
      // Only the rows actually inserted move the rotation: someone already
      // asked for this call is not counted twice.
      await db.$executeRaw`
        WITH asked AS (
          INSERT INTO "CallResponse" ("callId", "personId", status, "askedAt", wave)
          SELECT ${callId}, id, 'asked'::"ResponseStatus", ${ts(at)}, ${wave}::int
          FROM unnest(${personIds}::text[]) AS id
          ON CONFLICT DO NOTHING
          RETURNING "personId"
        )
        UPDATE "Person" p SET "lastAskedAt" = ${ts(at)}, "timesAsked" = p."timesAsked" + 1
        FROM asked WHERE p.id = asked."personId"`;
    },
  };
}
