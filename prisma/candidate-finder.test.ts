import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distanceKm, gridCell, type Candidate, type CandidateQuery } from '../core/index.js';
import { backends, type TestDatabase } from '../test/support/databases.js';
import type { PrismaClient } from './generated/client.js';
import { candidateFinder } from './repositories/candidate-finder.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const NOW = new Date('2027-03-01T09:00:00.000Z');
const GOETTINGEN = { lat: 51.534, lon: 9.932 };
const ACTIVITIES = ['accompanying', 'translating', 'childcare', 'driving', 'tutoring', 'sports'];
const LANGUAGES = ['de', 'en', 'ar', 'uk', 'fa', 'ru', 'tr', 'fr'];

/** Deterministic, so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = 'volunteer' | 'refugee' | 'staff';
type CallStatus = 'open' | 'full' | 'cancelled' | 'expired' | 'done';
type ResponseStatus = 'asked' | 'accepted' | 'declined';
interface SeedPerson {
  id: string; regionId: string; kind: Kind; status: 'active' | 'banned'; locale: string; lat: number | null; lon: number | null;
  travelRadiusKm: number | null; activities: string[]; languages: string[]; pausedUntil: Date | null;
  lastAskedAt: Date | null; timesAsked: number; lastNoShowAt: Date | null;
}
interface SeedConsent { id: string; personId: string; kind: string; withdrawnAt: Date | null }
interface SeedCall { id: string; status: CallStatus; startsAt: Date; endsAt: Date }
interface SeedResponse { callId: string; personId: string; status: ResponseStatus; askedAt: Date }
interface World { people: SeedPerson[]; consents: SeedConsent[]; calls: SeedCall[]; responses: SeedResponse[] }

const at = (ms: number) => new Date(Math.round(ms));
const TARGET = { id: 'call-target', startsAt: at(NOW.getTime() + 2 * DAY), endsAt: at(NOW.getTime() + 2 * DAY + 3 * HOUR) };
const overlapping = (status: CallStatus, id: string): SeedCall => ({ id, status, startsAt: at(TARGET.startsAt.getTime() + HOUR), endsAt: at(TARGET.endsAt.getTime() + HOUR) });
const CALLS: SeedCall[] = [
  { ...TARGET, status: 'open' },
  overlapping('open', 'call-busy'),
  overlapping('full', 'call-full'),
  overlapping('cancelled', 'call-cancelled'),
  overlapping('expired', 'call-expired'),
  // Half-open windows: a call that starts when the target ends does not overlap.
  { id: 'call-after', status: 'open', startsAt: TARGET.endsAt, endsAt: at(TARGET.endsAt.getTime() + 2 * HOUR) },
  ...[1, 2, 3].map((n) => ({ id: `call-history-${n}`, status: 'done' as const, startsAt: at(NOW.getTime() - n * HOUR), endsAt: at(NOW.getTime() - n * HOUR + HOUR) })),
];

/** 2,000 volunteers (and a few others) around Göttingen, with every reason to be left out. */
function seedWorld(regionId: string, otherRegionId: string): World {
  const rnd = random(20270301);
  const pick = (p: number) => rnd() < p;
  const world: World = { people: [], consents: [], calls: CALLS, responses: [] };
  for (let i = 0; i < 2100; i++) {
    const id = `p${String(i).padStart(4, '0')}`;
    const roll = rnd();
    const placed = !pick(0.02);
    const person: SeedPerson = {
      id,
      regionId: i < 2000 ? regionId : otherRegionId,
      kind: roll < 0.04 ? 'refugee' : roll < 0.06 ? 'staff' : 'volunteer',
      status: pick(0.03) ? 'banned' : 'active',
      locale: LANGUAGES[Math.floor(rnd() * LANGUAGES.length)]!,
      lat: placed ? GOETTINGEN.lat + (rnd() - 0.5) * 0.9 : null,
      lon: placed ? GOETTINGEN.lon + (rnd() - 0.5) * 1.4 : null,
      travelRadiusKm: pick(0.02) ? null : 2 + Math.floor(rnd() * 49),
      activities: ACTIVITIES.filter(() => pick(0.35)),
      languages: LANGUAGES.filter((l) => pick(l === 'de' ? 0.85 : 0.2)),
      pausedUntil: pick(0.05) ? at(NOW.getTime() + rnd() * 20 * DAY) : pick(0.05) ? at(NOW.getTime() - rnd() * 20 * DAY) : null,
      lastAskedAt: pick(0.35) ? null : at(NOW.getTime() - 2 * DAY - rnd() * 60 * DAY),
      timesAsked: 0,
      lastNoShowAt: pick(0.08) ? at(NOW.getTime() - rnd() * 13 * DAY) : pick(0.08) ? at(NOW.getTime() - (20 + rnd() * 80) * DAY) : null,
    };
    if (person.lastAskedAt) person.timesAsked = 1 + Math.floor(rnd() * 15);
    world.people.push(person);

    const consent = rnd();
    const withdrawn = at(NOW.getTime() - 5 * DAY);
    if (consent < 0.04) {
      // none
    } else if (consent < 0.08) world.consents.push({ id: `${id}-c1`, personId: id, kind: 'privacy', withdrawnAt: withdrawn });
    else if (consent < 0.1) world.consents.push({ id: `${id}-c1`, personId: id, kind: 'newsletter', withdrawnAt: null });
    else {
      if (consent < 0.12) world.consents.push({ id: `${id}-c0`, personId: id, kind: 'privacy', withdrawnAt: withdrawn });
      world.consents.push({ id: `${id}-c1`, personId: id, kind: 'privacy', withdrawnAt: null });
    }

    const respond = (callId: string, status: ResponseStatus, askedAt: Date) => {
      world.responses.push({ callId, personId: id, status, askedAt });
      if (!person.lastAskedAt || person.lastAskedAt < askedAt) person.lastAskedAt = askedAt;
      person.timesAsked++;
    };
    const longAgo = () => at(NOW.getTime() - 3 * DAY - rnd() * 10 * DAY);
    const busy = rnd();
    if (busy < 0.05) respond('call-busy', 'accepted', longAgo());
    else if (busy < 0.07) respond('call-full', 'accepted', longAgo());
    else if (busy < 0.1) respond('call-cancelled', 'accepted', longAgo());
    else if (busy < 0.12) respond('call-expired', 'accepted', longAgo());
    else if (busy < 0.15) respond('call-after', 'accepted', longAgo());
    else if (busy < 0.18) respond('call-busy', 'asked', longAgo());
    const today = rnd();
    if (today < 0.05) for (const n of [1, 2, 3]) respond(`call-history-${n}`, 'declined', at(NOW.getTime() - rnd() * 23 * HOUR));
    else if (today < 0.1) {
      for (const n of [1, 2]) respond(`call-history-${n}`, 'declined', at(NOW.getTime() - rnd() * 23 * HOUR));
      respond('call-history-3', 'declined', at(NOW.getTime() - 25 * HOUR));
    }
    if (pick(0.03)) respond(TARGET.id, pick(0.5) ? 'asked' : 'declined', at(NOW.getTime() - HOUR));
  }
  return world;
}

const RULES = ['region', 'active', 'volunteer', 'paused', 'placed', 'activity', 'language', 'reach', 'consent', 'askedForThisCall', 'busy', 'dailyLimit'] as const;
type Rule = (typeof RULES)[number];

/** The rules of `CandidateFinder.find`, in plain TypeScript; `skip` drops one, to show the seed exercises it. */
function expectedCandidates(q: CandidateQuery, w: World, skip?: Rule): Candidate[] {
  const t = q.now.getTime();
  const call = new Map(w.calls.map((c) => [c.id, c]));
  const rules: Record<Rule, (p: SeedPerson, d: number) => boolean> = {
    region: (p) => p.regionId === q.regionId,
    active: (p) => p.status === 'active',
    volunteer: (p) => p.kind === 'volunteer',
    paused: (p) => p.pausedUntil === null || p.pausedUntil.getTime() < t,
    placed: (p) => p.lat !== null && p.lon !== null,
    activity: (p) => p.activities.includes(q.activity),
    language: (p) => q.languages.length === 0 || p.languages.some((l) => q.languages.includes(l)),
    reach: (p, d) => d <= Math.min(p.travelRadiusKm ?? Infinity, q.radiusKm),
    consent: (p) => w.consents.some((c) => c.personId === p.id && c.kind === 'privacy' && c.withdrawnAt === null),
    askedForThisCall: (p) => !w.responses.some((r) => r.personId === p.id && r.callId === q.callId),
    busy: (p) =>
      !w.responses.some((r) => {
        const c = call.get(r.callId)!;
        return r.personId === p.id && r.status === 'accepted' && c.id !== q.callId && c.status !== 'cancelled' && c.status !== 'expired' && c.startsAt < q.endsAt && c.endsAt > q.startsAt;
      }),
    dailyLimit: (p) => w.responses.filter((r) => r.personId === p.id && r.askedAt.getTime() > t - DAY).length < q.maxAsksPerDay,
  };
  const penaltySince = t - q.noShowPenaltyDays * DAY;
  return w.people
    .filter((p) => p.lat !== null || skip === 'placed')
    .map((p) => ({ p, d: p.lat === null ? 0 : distanceKm(q, { lat: p.lat, lon: p.lon! }) }))
    .filter(({ p, d }) => RULES.every((rule) => rule === skip || rules[rule](p, d)))
    .map(({ p, d }) => ({ p, d, penalised: p.lastNoShowAt !== null && p.lastNoShowAt.getTime() > penaltySince ? 1 : 0 }))
    .sort(
      (a, b) =>
        a.penalised - b.penalised ||
        (a.p.lastAskedAt?.getTime() ?? -Infinity) - (b.p.lastAskedAt?.getTime() ?? -Infinity) ||
        a.p.timesAsked - b.p.timesAsked ||
        a.d - b.d ||
        (a.p.id < b.p.id ? -1 : 1),
    )
    .slice(0, q.limit)
    .map(({ p, d }) => ({ personId: p.id, locale: p.locale, distanceKm: d, lastAskedAt: p.lastAskedAt, timesAsked: p.timesAsked }));
}

async function seed(prisma: PrismaClient, w: World, regionIds: string[]) {
  await prisma.region.createMany({ data: regionIds.map((id, i) => ({ id, slug: id, name: id, isDefault: i === 0 })) });
  await prisma.organisation.createMany({ data: regionIds.map((id) => ({ id: `org-${id}`, regionId: id, slug: `org-${id}`, name: id })) });
  await prisma.helperCall.createMany({
    data: w.calls.map((c) => ({
      ...c, regionId: regionIds[0]!, organisationId: `org-${regionIds[0]}`, activityKey: 'childcare', title: c.id, description: '-', descriptionLang: 'de',
      placeName: 'Göttingen', ...GOETTINGEN, answerBy: c.startsAt, helpersNeeded: 5,
    })),
  });
  const people = w.people.map((p) => ({ ...p, cell: p.lat === null ? null : gridCell(p.lat, p.lon!) }));
  for (let i = 0; i < people.length; i += 500) await prisma.person.createMany({ data: people.slice(i, i + 500) });
  const consents = w.consents.map((c) => ({ ...c, noticeVersion: '1', locale: 'de', givenAt: at(NOW.getTime() - 100 * DAY) }));
  for (let i = 0; i < consents.length; i += 1000) await prisma.consent.createMany({ data: consents.slice(i, i + 1000) });
  await prisma.callResponse.createMany({ data: w.responses });
}

function query(q: Partial<CandidateQuery> & Pick<CandidateQuery, 'activity'>): CandidateQuery {
  return {
    callId: TARGET.id, regionId: 'cf-goettingen', languages: [], ...GOETTINGEN, radiusKm: 25, startsAt: TARGET.startsAt, endsAt: TARGET.endsAt,
    now: NOW, maxAsksPerDay: 3, noShowPenaltyDays: 14, limit: 10_000, ...q,
  };
}

const QUERIES: CandidateQuery[] = [
  query({ activity: 'childcare' }),
  query({ activity: 'translating', languages: ['ar', 'uk'], radiusKm: 50 }),
  query({ activity: 'driving', radiusKm: 10 }),
  query({ activity: 'tutoring', lat: 51.706, lon: 9.999, radiusKm: 30, maxAsksPerDay: 2 }),
  query({ activity: 'sports', languages: ['de'], radiusKm: 40, callId: 'call-busy', startsAt: CALLS[1]!.startsAt, endsAt: CALLS[1]!.endsAt, noShowPenaltyDays: 60 }),
];

describe.each(backends)('matching volunteers for a helper call on $name', (backend) => {
  let db: TestDatabase;
  let world: World;
  const prisma = () => db.database.prisma;
  const finder = () => candidateFinder(prisma());

  beforeAll(async () => {
    db = await backend.create();
    world = seedWorld('cf-goettingen', 'cf-elsewhere');
    await seed(prisma(), world, ['cf-goettingen', 'cf-elsewhere']);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('the seeded population exercises every rule: leaving any one out changes some answer', () => {
    for (const rule of RULES) {
      const changed = QUERIES.some((q) => JSON.stringify(expectedCandidates(q, world, rule)) !== JSON.stringify(expectedCandidates(q, world)));
      expect(changed, rule).toBe(true);
    }
    expect(Math.min(...QUERIES.map((q) => expectedCandidates(q, world).length))).toBeGreaterThan(10);
  });

  it('finds exactly the eligible volunteers, recent no-shows last, then least recently and least often asked, then nearest', async () => {
    for (const q of QUERIES) {
      const found = await finder().find(q);
      const expected = expectedCandidates(q, world);
      expect(found.map((c) => c.personId)).toEqual(expected.map((c) => c.personId));
      found.forEach((c, i) => {
        const e = expected[i]!;
        expect(c.distanceKm).toBeCloseTo(e.distanceKm, 6);
        expect(c).toEqual({ ...e, distanceKm: c.distanceKm });
      });
    }
  });

  it('honours the limit: the first n of the same order', async () => {
    for (const q of QUERIES) {
      const all = await finder().find(q);
      const first = await finder().find({ ...q, limit: 7 });
      expect(first.map((c) => c.personId)).toEqual(all.slice(0, 7).map((c) => c.personId));
      expect(await finder().find({ ...q, limit: 0 })).toEqual([]);
    }
  });

  it('gives the same first rows whether the never-asked alone fill its first read or not', async () => {
    // With a limit of 3 it keeps 16 rows: where at least 16 reachable people were never asked (and
    // missed no call lately) it reads only them; elsewhere everyone. Both must agree with the rules.
    const cap = 3 * 2 + 10;
    const neverAsked = (q: CandidateQuery) =>
      world.people.filter(
        (p) =>
          p.regionId === q.regionId && p.kind === 'volunteer' && p.status === 'active' && p.lat !== null && p.activities.includes(q.activity) &&
          (p.pausedUntil === null || p.pausedUntil < q.now) && (q.languages.length === 0 || p.languages.some((l) => q.languages.includes(l))) &&
          p.lastAskedAt === null && (p.lastNoShowAt === null || p.lastNoShowAt.getTime() <= q.now.getTime() - q.noShowPenaltyDays * DAY) &&
          distanceKm(q, { lat: p.lat, lon: p.lon! }) <= Math.min(p.travelRadiusKm ?? Infinity, q.radiusKm),
      ).length;
    const small = [...QUERIES, query({ activity: 'childcare', radiusKm: 3 }), query({ activity: 'sports', languages: ['fa'], radiusKm: 8 })].map((q) => ({ ...q, limit: 3 }));
    expect(small.some((q) => neverAsked(q) >= cap)).toBe(true);
    expect(small.some((q) => neverAsked(q) < cap)).toBe(true);
    for (const q of small) expect((await finder().find(q)).map((c) => c.personId)).toEqual(expectedCandidates(q, world).map((c) => c.personId));
  });

  it('records a wave of asks once per person and call, and moves them back in the rotation', async () => {
    const q = QUERIES[0]!;
    const [a, b, c] = (await finder().find(q)).map((x) => x.personId);
    const first = at(NOW.getTime() + 5 * 60_000);
    const second = at(NOW.getTime() + 20 * 60_000);
    await finder().markAsked(q.callId, [a!, b!], 1, first);
    await finder().markAsked(q.callId, [a!, c!], 2, second);
    const rows = await prisma().callResponse.findMany({ where: { callId: q.callId, personId: { in: [a!, b!, c!] } }, orderBy: { personId: 'asc' } });
    expect(rows.map((r) => [r.personId, r.status, r.wave, r.askedAt.toISOString()])).toEqual(
      [[a!, 'asked', 1, first.toISOString()], [b!, 'asked', 1, first.toISOString()], [c!, 'asked', 2, second.toISOString()]].sort(),
    );
    for (const [id, when] of [[a!, first], [b!, first], [c!, second]] as const) {
      const p = world.people.find((x) => x.id === id)!;
      const row = await prisma().person.findUniqueOrThrow({ where: { id } });
      expect([row.lastAskedAt, row.timesAsked]).toEqual([when, p.timesAsked + 1]);
      Object.assign(p, { lastAskedAt: when, timesAsked: p.timesAsked + 1 });
      world.responses.push({ callId: q.callId, personId: id, status: 'asked', askedAt: when });
    }
    const later = QUERIES.map((x) => ({ ...x, now: at(NOW.getTime() + HOUR) }));
    for (const x of later) expect((await finder().find(x)).map((c) => c.personId)).toEqual(expectedCandidates(x, world).map((c) => c.personId));
  });

  it('keeps its own copy (MatchEntry) in step with Person through every kind of change', async () => {
    const derived = async () =>
      prisma().$queryRaw<{ row: string }[]>`
        SELECT concat_ws('|', p.id, a, p."regionId", p.cell, p.lat, p.lon, p."travelRadiusKm", p.languages::text, p."lastAskedAt", p."timesAsked", p."lastNoShowAt", p."pausedUntil") AS row
          FROM "Person" p CROSS JOIN LATERAL (SELECT DISTINCT unnest(p.activities) AS a) acts
         WHERE p.kind = 'volunteer' AND p.status = 'active' AND p.lat IS NOT NULL AND p.lon IS NOT NULL AND p.cell IS NOT NULL
         ORDER BY 1`;
    const copied = async () =>
      prisma().$queryRaw<{ row: string }[]>`
        SELECT concat_ws('|', m."personId", m.activity, m."regionId", m.cell, m.lat, m.lon, m."travelRadiusKm", m.languages::text, m."lastAskedAt", m."timesAsked", m."lastNoShowAt", m."pausedUntil") AS row
          FROM "MatchEntry" m ORDER BY 1`;
    const inStep = async (step: string) => {
      const [want, have] = [await derived(), await copied()];
      expect(have.length, step).toBe(want.length);
      expect(have, step).toEqual(want);
    };
    await inStep('seeded');
    const ids = world.people.filter((p) => p.regionId === 'cf-goettingen' && p.kind === 'volunteer' && p.status === 'active' && p.lat !== null).map((p) => p.id).slice(0, 12);
    const [a, b, c, d, e, f, g, h, i, j, k, l] = ids as [string, ...string[]];
    const changes: [string, () => Promise<unknown>][] = [
      ['activities changed, one twice', () => prisma().person.update({ where: { id: a }, data: { activities: ['driving', 'sports', 'driving'] } })],
      ['moved', () => prisma().person.update({ where: { id: b! }, data: { lat: 51.7, lon: 10.1, cell: gridCell(51.7, 10.1) } })],
      ['place removed', () => prisma().person.update({ where: { id: c! }, data: { lat: null, lon: null, cell: null } })],
      ['banned', () => prisma().person.update({ where: { id: d! }, data: { status: 'banned' } })],
      ['unbanned', () => prisma().person.update({ where: { id: d! }, data: { status: 'active' } })],
      ['paused', () => prisma().person.update({ where: { id: e! }, data: { pausedUntil: at(NOW.getTime() + 3 * DAY) } })],
      ['became staff', () => prisma().person.update({ where: { id: f! }, data: { kind: 'staff' } })],
      ['radius and languages', () => prisma().person.update({ where: { id: g! }, data: { travelRadiusKm: null, languages: ['fa'] } })],
      ['a no-show', () => prisma().person.update({ where: { id: h! }, data: { lastNoShowAt: NOW, noShowCount: { increment: 1 } } })],
      ['only the name', () => prisma().person.update({ where: { id: i! }, data: { firstName: 'Renamed' } })],
      ['asked in a wave', () => candidateFinder(prisma()).markAsked('call-history-1', [j!, k!, l!], 4, at(NOW.getTime() + 60_000))],
      ['many at once', () => prisma().person.updateMany({ where: { id: { in: [a, b!, j!] } }, data: { timesAsked: { increment: 2 } } })],
      ['deleted', () => prisma().person.delete({ where: { id: k! } })],
      ['registered', () => prisma().person.create({ data: { id: 'cf-new', regionId: 'cf-goettingen', locale: 'uk', ...GOETTINGEN, cell: gridCell(GOETTINGEN.lat, GOETTINGEN.lon), activities: ['childcare', 'sports'], languages: ['uk'] } })],
    ];
    for (const [step, change] of changes) {
      await change();
      await inStep(step);
    }
    // The rest of this file reads the world as seeded.
    await prisma().person.deleteMany({ where: { id: 'cf-new' } });
  });

  it('looks further than its first rows when the rules turn all of them away', async () => {
    const regionId = 'cf-capped';
    await prisma().region.create({ data: { id: regionId, slug: regionId, name: regionId } });
    const near = (n: number, km: number) => ({ lat: GOETTINGEN.lat + km / 111.2, lon: GOETTINGEN.lon + n * 0.0001 });
    // 40 never asked and nearest, none of whom gave consent; 4 asked long ago, further away, who did.
    const people = [
      ...Array.from({ length: 40 }, (_, n) => ({ id: `cap-no-${n}`, ...near(n, 1 + n * 0.05), lastAskedAt: null })),
      ...Array.from({ length: 4 }, (_, n) => ({ id: `cap-yes-${n}`, ...near(n, 8 + n), lastAskedAt: at(NOW.getTime() - 30 * DAY) })),
    ];
    await prisma().person.createMany({
      data: people.map((p) => ({ ...p, regionId, locale: 'de', cell: gridCell(p.lat, p.lon), travelRadiusKm: 30, activities: ['childcare'], languages: ['de'], timesAsked: p.lastAskedAt ? 1 : 0 })),
    });
    await prisma().consent.createMany({ data: people.filter((p) => p.id.startsWith('cap-yes')).map((p) => ({ id: `${p.id}-c`, personId: p.id, kind: 'privacy', noticeVersion: '1', locale: 'de' })) });
    const found = await finder().find(query({ activity: 'childcare', regionId, limit: 3, callId: 'cf-capped-call' }));
    expect(found.map((x) => x.personId)).toEqual(['cap-yes-0', 'cap-yes-1', 'cap-yes-2']);
    expect(await finder().find(query({ activity: 'childcare', regionId, limit: 3, callId: 'cf-capped-call', lat: 48.1, lon: 11.6 }))).toEqual([]);
  });

  it('puts those who missed a call lately after everyone else, even when they were never asked', async () => {
    const regionId = 'cf-noshow';
    await prisma().region.create({ data: { id: regionId, slug: regionId, name: regionId } });
    const near = (n: number, km: number) => ({ lat: GOETTINGEN.lat + km / 111.2, lon: GOETTINGEN.lon + n * 0.0001 });
    // 20 never asked but missed a call last week, nearest; 2 never asked; 3 asked a month ago.
    const people = [
      ...Array.from({ length: 20 }, (_, n) => ({ id: `ns-missed-${n}`, ...near(n, 1 + n * 0.05), lastAskedAt: null, lastNoShowAt: at(NOW.getTime() - 7 * DAY) })),
      ...Array.from({ length: 2 }, (_, n) => ({ id: `ns-new-${n}`, ...near(n, 6 + n), lastAskedAt: null, lastNoShowAt: null })),
      ...Array.from({ length: 3 }, (_, n) => ({ id: `ns-asked-${n}`, ...near(n, 9 + n), lastAskedAt: at(NOW.getTime() - 30 * DAY), lastNoShowAt: null })),
    ];
    await prisma().person.createMany({
      data: people.map((p) => ({ ...p, regionId, locale: 'de', cell: gridCell(p.lat, p.lon), travelRadiusKm: 30, activities: ['childcare'], languages: ['de'], timesAsked: p.lastAskedAt ? 1 : 0 })),
    });
    await prisma().consent.createMany({ data: people.map((p) => ({ id: `${p.id}-c`, personId: p.id, kind: 'privacy', noticeVersion: '1', locale: 'de' })) });
    const found = await finder().find(query({ activity: 'childcare', regionId, limit: 6, callId: 'cf-noshow-call' }));
    expect(found.map((x) => x.personId)).toEqual(['ns-new-0', 'ns-new-1', 'ns-asked-0', 'ns-asked-1', 'ns-asked-2', 'ns-missed-0']);
  });

  it('asks everyone eligible about equally often over many calls, where a distance-only order would not', async () => {
    const rotation = await simulateCalls(prisma(), 'fair-rotation', 'rotation');
    const distance = await simulateCalls(prisma(), 'fair-distance', 'distance');
    console.log(`fairness on ${backend.name}:\n  rotation      ${describeFairness(rotation)}\n  distance only ${describeFairness(distance)}`);
    expect(rotation.eligible).toBeGreaterThan(80);
    expect(rotation.minAsked).toBeGreaterThan(0);
    expect(rotation.ratio).toBeLessThanOrEqual(1.5);
    expect(distance.ratio).toBeGreaterThan(5 * rotation.ratio);
  }, 300_000);
});

interface Fairness { calls: number; asks: number; eligible: number; minAsked: number; maxAsked: number; ratio: number; neverAsked: number }

/**
 * 150 calls for the same activity at the same place, 3-8 helpers each, in waves
 * of ceil(open * 1.5); half of those asked accept. The clock moves 2-8 hours
 * between calls, so calls sometimes overlap (busy) and the daily limit rarely
 * decides. `distance` re-sorts all candidates by distance instead of the rotation.
 */
async function simulateCalls(prisma: PrismaClient, regionId: string, order: 'rotation' | 'distance'): Promise<Fairness> {
  const rnd = random(4711);
  const radiusKm = 15;
  const people = Array.from({ length: 400 }, (_, i) => ({
    id: `${regionId}-${i}`, regionId, locale: 'de', lat: GOETTINGEN.lat + (rnd() - 0.5) * 0.36, lon: GOETTINGEN.lon + (rnd() - 0.5) * 0.58,
    travelRadiusKm: 5 + Math.floor(rnd() * 46), activities: rnd() < 0.8 ? ['accompanying'] : ['sports'], languages: ['de'],
  }));
  await prisma.region.create({ data: { id: regionId, slug: regionId, name: regionId } });
  await prisma.organisation.create({ data: { id: `org-${regionId}`, regionId, slug: `org-${regionId}`, name: regionId } });
  await prisma.person.createMany({ data: people.map((p) => ({ ...p, cell: gridCell(p.lat, p.lon) })) });
  await prisma.consent.createMany({ data: people.map((p) => ({ id: `${p.id}-c`, personId: p.id, kind: 'privacy', noticeVersion: '1', locale: 'de' })) });
  const eligible = people.filter((p) => p.activities.includes('accompanying') && distanceKm(GOETTINGEN, p) <= Math.min(p.travelRadiusKm, radiusKm));

  const finder = candidateFinder(prisma);
  let clock = NOW.getTime();
  const calls = 150;
  for (let n = 0; n < calls; n++) {
    const startsAt = at(clock + 2 * DAY);
    const endsAt = at(clock + 2 * DAY + 3 * HOUR);
    const callId = `${regionId}-call-${n}`;
    let open = 3 + Math.floor(rnd() * 6);
    await prisma.helperCall.create({
      data: { id: callId, regionId, organisationId: `org-${regionId}`, activityKey: 'accompanying', title: callId, description: '-', descriptionLang: 'de', placeName: 'Göttingen', ...GOETTINGEN, radiusKm, startsAt, endsAt, answerBy: startsAt, helpersNeeded: open },
    });
    for (let wave = 1; open > 0 && wave <= 6; wave++) {
      const want = Math.ceil(open * 1.5);
      const q: CandidateQuery = { callId, regionId, activity: 'accompanying', languages: [], ...GOETTINGEN, radiusKm, startsAt, endsAt, now: at(clock), maxAsksPerDay: 3, noShowPenaltyDays: 14, limit: order === 'rotation' ? want : 100_000 };
      let asked = await finder.find(q);
      if (order === 'distance') asked = asked.sort((a, b) => a.distanceKm - b.distanceKm).slice(0, want);
      if (asked.length === 0) break;
      await finder.markAsked(callId, asked.map((c) => c.personId), wave, at(clock));
      const accepting = asked.filter(() => rnd() < 0.5).slice(0, open).map((c) => c.personId);
      await prisma.callResponse.updateMany({ where: { callId, personId: { in: accepting } }, data: { status: 'accepted', answeredAt: at(clock) } });
      open -= accepting.length;
      clock += 15 * 60_000;
    }
    clock += (2 + rnd() * 6) * HOUR;
  }

  const counts = await prisma.callResponse.groupBy({ by: ['personId'], where: { call: { regionId } }, _count: { _all: true } });
  const asked = new Map(counts.map((c) => [c.personId, c._count._all]));
  const perPerson = eligible.map((p) => asked.get(p.id) ?? 0);
  const minAsked = Math.min(...perPerson);
  const maxAsked = Math.max(...perPerson);
  return {
    calls,
    asks: counts.reduce((sum, c) => sum + c._count._all, 0),
    eligible: eligible.length,
    minAsked,
    maxAsked,
    ratio: minAsked === 0 ? Infinity : Math.round((maxAsked / minAsked) * 100) / 100,
    neverAsked: perPerson.filter((c) => c === 0).length,
  };
}

function describeFairness(f: Fairness): string {
  return `${f.calls} calls, ${f.asks} asks, ${f.eligible} eligible: asked ${f.minAsked}-${f.maxAsked} times each, max/min ${f.ratio === Infinity ? '∞' : f.ratio}, never asked ${f.neverAsked}`;
}
