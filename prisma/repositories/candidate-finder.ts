import { cellsAround, type Candidate, type CandidateFinder, type CandidateQuery } from '../../core/index.js';
import { Prisma } from '../generated/client.js';
import type { Db } from './db.js';

const DAY_MS = 24 * 60 * 60 * 1000;

type Row = { personId: string; locale: string; distanceKm: number; lastAskedAt: Date | null; timesAsked: number };

// Prisma stores DateTime as `timestamp(3)` holding UTC. An ISO string cast to
// `timestamp` keeps the UTC wall time (PostgreSQL ignores the zone suffix for a
// timestamp without time zone), whatever the session's time zone is.
function ts(at: Date): Prisma.Sql {
  return Prisma.sql`${at.toISOString()}::timestamp`;
}

/**
 * The matching in one statement, in two stages.
 *
 * `nearby` uses only the Person row: the grid-cell box (index on regionId,
 * cell) and the activity and language arrays (GIN), then the exact distance,
 * and sorts what is left by the rotation order. The sort needs every such row;
 * reading them is most of the cost, the sort itself is cheap.
 *
 * The checks that need other tables (consent, already asked, busy, daily
 * limit) each cost index probes per person. Run before the sort they would
 * cost probes for everyone within reach, thousands in a large region; run on
 * the sorted rows, the LIMIT stops them after about `limit` people. So:
 * - `nearby` is MATERIALIZED, so the planner cannot push them below the sort;
 * - they are scalar subqueries, not EXISTS: PostgreSQL turns a top-level
 *   EXISTS into a semi or anti join, and a hash or merge join may reorder the
 *   rows or read a whole table (the planner cannot see that the LIMIT stops
 *   early); a scalar subquery stays a per-row probe in the scan's filter.
 * The outer query is then one CTE scan with a filter under the LIMIT, which
 * returns rows in the order `nearby` stored them (the tests check the order
 * on PGlite and PostgreSQL).
 *
 * Exported for the benchmark's EXPLAIN ANALYZE; everything else uses `candidateFinder`.
 */
export function findCandidatesSql(q: CandidateQuery): Prisma.Sql {
  const now = ts(q.now);
  const lat = Prisma.sql`${q.lat}::float8`;
  const lon = Prisma.sql`${q.lon}::float8`;
  const languages = q.languages.length > 0 ? Prisma.sql`AND p.languages && ${q.languages}::text[]` : Prisma.empty;
  return Prisma.sql`
    WITH nearby AS MATERIALIZED (
      SELECT id, locale, "lastAskedAt", "timesAsked", distance
      FROM (
        SELECT p.id, p.locale, p."lastAskedAt", p."timesAsked", p."travelRadiusKm",
          p."lastNoShowAt" IS NOT NULL AND p."lastNoShowAt" > ${ts(new Date(q.now.getTime() - q.noShowPenaltyDays * DAY_MS))} AS penalised,
          2 * 6371.0088 * asin(least(1, sqrt(
            power(sin(radians(p.lat - ${lat}) / 2), 2)
            + cos(radians(${lat})) * cos(radians(p.lat)) * power(sin(radians(p.lon - ${lon}) / 2), 2)
          ))) AS distance
        FROM "Person" p
        WHERE p."regionId" = ${q.regionId}
          AND p.cell = ANY(${cellsAround(q.lat, q.lon, q.radiusKm)}::int[])
          AND p.status = 'active'
          AND p.kind = 'volunteer'
          AND (p."pausedUntil" IS NULL OR p."pausedUntil" < ${now})
          AND p.lat IS NOT NULL AND p.lon IS NOT NULL
          AND p.activities @> ARRAY[${q.activity}]::text[]
          ${languages}
      ) reachable
      -- LEAST ignores NULL: someone who never set a radius is within the call's.
      WHERE distance <= LEAST("travelRadiusKm", ${q.radiusKm}::float8)
      ORDER BY penalised, "lastAskedAt" ASC NULLS FIRST, "timesAsked", distance, id
    )
    SELECT n.id AS "personId", n.locale, n.distance AS "distanceKm", n."lastAskedAt", n."timesAsked"
    FROM nearby n
    WHERE (
        SELECT true FROM "Consent" c
        WHERE c."personId" = n.id AND c.kind = 'privacy' AND c."withdrawnAt" IS NULL
        LIMIT 1
      )
      AND (
        SELECT true FROM "CallResponse" r
        WHERE r."callId" = ${q.callId} AND r."personId" = n.id
      ) IS NULL
      AND (
        SELECT true FROM "CallResponse" r JOIN "HelperCall" h ON h.id = r."callId"
        WHERE r."personId" = n.id AND r.status = 'accepted'
          AND h.id <> ${q.callId}
          AND h.status NOT IN ('cancelled', 'expired')
          AND h."startsAt" < ${ts(q.endsAt)} AND h."endsAt" > ${ts(q.startsAt)}
        LIMIT 1
      ) IS NULL
      -- Counts at most maxAsksPerDay rows per person, not their whole day.
      AND (
        SELECT count(*) FROM (
          SELECT 1 FROM "CallResponse" r
          WHERE r."personId" = n.id AND r."askedAt" > ${ts(new Date(q.now.getTime() - DAY_MS))}
          LIMIT ${q.maxAsksPerDay}::int
        ) today
      ) < ${q.maxAsksPerDay}::int
    LIMIT ${q.limit}::int`;
}

/** Matching volunteers to a helper call, in SQL (see `core/calls/candidates.ts`). */
export function candidateFinder(db: Db): CandidateFinder {
  return {
    async find(q) {
      if (q.limit <= 0) return [];
      const rows = await db.$queryRaw<Row[]>(findCandidatesSql(q));
      return rows.map(
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
