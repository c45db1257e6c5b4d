/**
 * How long matching takes for one wave of a helper call, on PGlite and (when
 * DATABASE_URL is set) PostgreSQL, with 10,000 and 100,000 volunteers in one
 * region about 110 km across around Göttingen.
 *
 * Next to the matching's p50 and p95 it prints, for the same calls on the same
 * data, the issue's floor as the issue describes it (plain SQL on Person:
 * grid-cell box, activity and language indexes, the rotation order; none of the
 * rules), and the issue's absolute figures with its target of 1.5 times them.
 *
 * Run: `npx tsc -p . && node dist/bench/matching.js`.
 */
import { availableParallelism, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { openDatabase, type Database } from '../app/database.js';
import { createBenchDatabase, openPglite, percentile, silent } from './support.js';
import { cellsAround, type CandidateQuery } from '../core/index.js';
import { Prisma } from '../prisma/generated/client.js';
import { candidateFinder, findCandidatesSql } from '../prisma/repositories/candidate-finder.js';

const SIZES = [10_000, 100_000];
const CALLS = 200;
const WARM_UP = 20;
const CENTRE = { lat: 51.534, lon: 9.932 };
/** Half the seeded area's height and width, in degrees: about 55 km either way. */
const SPAN = { lat: 0.5, lon: 0.8 };
const ACTIVITIES = ['accompanying', 'translating', 'childcare', 'sorting_donations', 'driving', 'tutoring', 'german_practice', 'sports', 'leisure', 'handicraft'];
const LANGUAGES = ['de', 'en', 'ar', 'uk', 'fa', 'ru', 'tr', 'fr'];
const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** The issue's floor for 100,000 volunteers (p95, ms); the target is within 1.5 times it. */
const FLOOR_P95_MS: Record<Database['kind'], number> = { postgres: 8.6, pglite: 11.5 };

interface Result { backend: Database['kind']; people: number; seedMs: number; p50: number; p95: number; rows: number; plainP95: number }

const ts = (at: Date) => `'${at.toISOString()}'::timestamp`;
const textArray = (items: string[]) => `ARRAY[${items.map((s) => `'${s}'`).join(',')}]::text[]`;

/**
 * Seeds in SQL, so 100,000 people take seconds: places spread evenly, 30 % of
 * the activities each, German and some other languages, radii 2-50 km, a few
 * banned, paused or without consent, and a recent history of asks (some
 * accepted) on 500 calls, so the busy and daily-limit checks find rows.
 */
export function seedSql(people: number, now: Date): string[] {
  const ago = (days: string) => `${ts(now)} - random() * interval '${days} days'`;
  return [
    'SELECT setseed(0.42)',
    `INSERT INTO "Region" (id, slug, name, "isDefault") VALUES ('bench', 'bench', 'Bench', true)`,
    `INSERT INTO "Organisation" (id, "regionId", slug, name) VALUES ('bench-org', 'bench', 'bench-org', 'Bench')`,
    `INSERT INTO "Person" (id, "regionId", kind, status, locale, lat, lon, cell, "travelRadiusKm", activities, languages,
       "pausedUntil", "lastAskedAt", "timesAsked", "lastNoShowAt", "updatedAt")
     SELECT 'p' || i, 'bench',
       (CASE WHEN r1 < 0.95 THEN 'volunteer' ELSE 'refugee' END)::"PersonKind",
       (CASE WHEN r2 < 0.02 THEN 'banned' ELSE 'active' END)::"PersonStatus",
       'de', lat, lon,
       floor(lat / 0.1::float8)::int * 4000 + floor(lon / 0.1::float8)::int + 2000,
       2 + floor(random() * 49)::int,
       ARRAY(SELECT a FROM unnest(${textArray(ACTIVITIES)}) a WHERE random() < 0.3 AND i > 0),
       ARRAY(SELECT l FROM unnest(${textArray(LANGUAGES)}) l WHERE random() < (CASE WHEN l = 'de' THEN 0.9 ELSE 0.15 END) AND i > 0),
       CASE WHEN r3 < 0.04 THEN ${ts(now)} + random() * interval '20 days' END,
       CASE WHEN r4 < 0.5 THEN NULL ELSE ${ago('60')} END,
       CASE WHEN r4 < 0.5 THEN 0 ELSE 1 + floor(random() * 20)::int END,
       CASE WHEN r5 < 0.05 THEN ${ago('60')} END,
       ${ts(now)}
     FROM (
       SELECT i, ${CENTRE.lat} + (random() * 2 - 1) * ${SPAN.lat} AS lat, ${CENTRE.lon} + (random() * 2 - 1) * ${SPAN.lon} AS lon,
         random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5
       FROM generate_series(1, ${people}) i
     ) g`,
    `INSERT INTO "Consent" (id, "personId", kind, "noticeVersion", locale, "givenAt")
     SELECT 'c' || id, id, 'privacy', '1', 'de', ${ts(now)} FROM "Person" WHERE random() < 0.95`,
    `INSERT INTO "HelperCall" (id, "regionId", "organisationId", "activityKey", title, description, "descriptionLang", "placeName",
       lat, lon, "startsAt", "endsAt", "answerBy", "helpersNeeded", status)
     SELECT 'h' || i, 'bench', 'bench-org', 'childcare', '-', '-', 'de', '-', ${CENTRE.lat}, ${CENTRE.lon}, s, s + interval '3 hours', s, 5,
       (CASE WHEN random() < 0.1 THEN 'cancelled' ELSE 'open' END)::"CallStatus"
     FROM (SELECT i, ${ts(now)} - interval '2 days' + random() * interval '9 days' AS s FROM generate_series(1, 500) i) g`,
    `INSERT INTO "CallResponse" ("callId", "personId", status, "askedAt", wave)
     SELECT 'h' || (1 + floor(random() * 500)::int), p.id,
       (CASE WHEN r < 0.25 THEN 'accepted' WHEN r < 0.6 THEN 'declined' ELSE 'asked' END)::"ResponseStatus", ${ago('3')}, 1
     FROM (SELECT id, random() AS r FROM "Person", generate_series(1, 2) k WHERE random() < 0.4) p
     ON CONFLICT DO NOTHING`,
    // Steady state: PostgreSQL's autovacuum would have analysed the tables and
    // merged the GIN pending lists by now. PGlite has no autovacuum.
    'VACUUM ANALYZE',
  ];
}

export function randomCall(rnd: () => number, now: Date): CandidateQuery {
  const pick = <T>(items: T[]) => items[Math.floor(rnd() * items.length)]!;
  const startsAt = new Date(now.getTime() + rnd() * 7 * DAY);
  const open = 3 + Math.floor(rnd() * 6);
  return {
    callId: 'bench-call',
    regionId: 'bench',
    activity: pick(ACTIVITIES),
    languages: rnd() < 0.25 ? [pick(LANGUAGES.slice(1))] : [],
    lat: CENTRE.lat + (rnd() * 2 - 1) * SPAN.lat,
    lon: CENTRE.lon + (rnd() * 2 - 1) * SPAN.lon,
    radiusKm: 5 + Math.floor(rnd() * 26),
    startsAt,
    endsAt: new Date(startsAt.getTime() + 3 * HOUR),
    now,
    maxAsksPerDay: 3,
    noShowPenaltyDays: 14,
    limit: Math.ceil(open * 1.5),
  };
}

/**
 * The issue's floor, as it describes it, on this machine and these data: plain SQL over the
 * grid-cell btree and the GIN indexes on activities and languages, the box prefilter, ordered by
 * last asked, times asked and distance; none of the rules (consent, busy, daily limit, own radius).
 */
function plainFloor(q: CandidateQuery): Prisma.Sql {
  const languages = q.languages.length > 0 ? Prisma.sql`AND languages && ${q.languages}::text[]` : Prisma.empty;
  return Prisma.sql`SELECT id FROM "Person"
    WHERE "regionId" = ${q.regionId} AND cell = ANY(${cellsAround(q.lat, q.lon, q.radiusKm)}::int[])
      AND activities @> ARRAY[${q.activity}]::text[] ${languages}
    ORDER BY "lastAskedAt" NULLS FIRST, "timesAsked",
      2 * 6371.0088 * asin(least(1, sqrt(power(sin(radians(lat - ${q.lat}::float8) / 2), 2)
        + cos(radians(${q.lat}::float8)) * cos(radians(lat)) * power(sin(radians(lon - ${q.lon}::float8) / 2), 2))))
    LIMIT ${q.limit}::int`;
}

async function run(database: Database, people: number, explain: boolean): Promise<Result> {
  const prisma = database.prisma;
  const now = new Date();
  const seedStart = performance.now();
  for (const sql of seedSql(people, now)) await prisma.$executeRawUnsafe(sql);
  const seedMs = performance.now() - seedStart;

  const finder = candidateFinder(prisma);
  let seed = 7;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const calls = Array.from({ length: WARM_UP + CALLS }, () => randomCall(rnd, now));
  const times: number[] = [];
  const plainTimes: number[] = [];
  let rows = 0;
  for (const [i, q] of calls.entries()) {
    const start = performance.now();
    const found = await finder.find(q);
    const middle = performance.now();
    await prisma.$queryRaw(plainFloor(q));
    if (i < WARM_UP) continue;
    times.push(middle - start);
    plainTimes.push(performance.now() - middle);
    rows += found.length;
  }

  if (explain) {
    const q = { ...calls[WARM_UP]!, radiusKm: 30, languages: [] };
    const sql = findCandidatesSql(q);
    const plan = await prisma.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql.text}`, ...sql.values);
    console.log(`\nEXPLAIN ANALYZE on ${database.kind}, ${people.toLocaleString('en')} people, radius 30 km, ${q.activity}:`);
    console.log(plan.map((r) => `  ${r['QUERY PLAN']}`).join('\n'));
  }
  times.sort((a, b) => a - b);
  plainTimes.sort((a, b) => a - b);
  return {
    backend: database.kind,
    people,
    seedMs,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    rows: rows / CALLS,
    plainP95: percentile(plainTimes, 95),
  };
}

async function onPglite(people: number, explain: boolean): Promise<Result> {
  const database = await openPglite();
  try {
    return await run(database, people, explain);
  } finally {
    await database.close();
  }
}

async function onPostgres(base: string, people: number, explain: boolean): Promise<Result> {
  const { url, drop } = await createBenchDatabase(base);
  try {
    const database = await openDatabase({ kind: 'postgres', url }, { migrate: true, log: silent });
    try {
      return await run(database, people, explain);
    } finally {
      await database.close();
    }
  } finally {
    await drop();
  }
}

function table(results: Result[]): string {
  const head = ['backend', 'people', 'seed s', 'rows/call', 'p50 ms', 'p95 ms', 'floor here p95 ms', 'p95 / floor here', "issue's floor p95", "issue's figure x1.5"];
  const body = results.map((r) => {
    const floor = r.people === 100_000 ? FLOOR_P95_MS[r.backend] : undefined;
    const ratio = r.p95 / r.plainP95;
    return [r.backend, r.people.toLocaleString('en'), (r.seedMs / 1000).toFixed(1), r.rows.toFixed(1), r.p50.toFixed(2), r.p95.toFixed(2),
      r.plainP95.toFixed(2), `${ratio.toFixed(2)}x ${ratio <= 1.5 ? 'met' : 'missed'}`, floor ? floor.toFixed(1) : '', floor ? `${(floor * 1.5).toFixed(1)} ${r.p95 <= floor * 1.5 ? 'met' : 'missed'}` : ''];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

/** Matching latency per backend and size: p50 and p95 of `CandidateFinder.find` over 200 random calls. */
export async function benchMatching(): Promise<void> {
  const results: Result[] = [];
  const base = process.env.DATABASE_URL;
  for (const people of SIZES) {
    const explain = people === SIZES[SIZES.length - 1];
    results.push(await onPglite(people, explain));
    if (base) results.push(await onPostgres(base, people, explain));
  }
  console.log(`\nmatching: ${CALLS} random calls (radius 5-30 km, limit 5-12, a quarter needing a language) in an area of about 110 x 110 km`);
  console.log(`load average while running: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} cores`);
  console.log(table(results));
  if (!base) console.log('(PostgreSQL skipped: DATABASE_URL is not set)');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchMatching();
}
