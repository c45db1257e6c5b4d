import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError, type AcceptJob, type AcceptOutcome, type AcceptRequest, type Store } from '../core/index.js';
import { openDatabase, type Database } from '../app/database.js';
import { createLogger } from '../app/logger.js';
import type { Sql } from '../prisma/repositories/db.js';
import { keyedBatcher } from '../prisma/repositories/keyed-batcher.js';
import { prismaStore } from '../prisma/store.js';
import { backends, type TestDatabase } from './support/databases.js';

const HOUR = 3600_000;

/** Every statement the accept batcher sends, with the number of accepts in it. */
function countingSql(sql: Sql, sizes: number[]): Sql {
  return {
    query<Row>(text: string, values: unknown[], name?: string) {
      if (name === 'helferruf_accept_batch') sizes.push((JSON.parse(values[1] as string) as unknown[]).length);
      return sql.query<Row>(text, values, name);
    },
  };
}

/** The jobs CallAnswers hands to an accept: a shared status job, two reminders (one already past), "filled" for the last place. */
function jobs(callId: string, eventId: string): AcceptJob[] {
  return [
    { name: 'call.filled', key: `call.filled:${callId}:web:${eventId}`, payload: { callId }, ifFilled: true },
    { name: 'call.status', key: `call.status:${callId}:batch`, payload: { callId }, runAt: new Date(Date.now() + 5000) },
    { name: 'call.remind', key: `call.remind:${callId}:24:web:${eventId}`, payload: { callId }, beforeStartMs: 24 * HOUR },
    { name: 'call.remind', key: `call.remind:${callId}:100:web:${eventId}`, payload: { callId }, beforeStartMs: 100 * HOUR },
  ];
}

describe.each(backends)('simultaneous accepts of one call on $name', (backend) => {
  let db: TestDatabase;
  let database: Database;
  let organisationId: string;

  beforeAll(async () => {
    db = await backend.create();
    database = db.database;
    await database.prisma.region.createMany({ data: [{ id: 'default', slug: 'default', name: 'Test', isDefault: true }], skipDuplicates: true });
    organisationId = randomUUID();
    await database.prisma.organisation.create({ data: { id: organisationId, regionId: 'default', slug: `org-${organisationId.slice(0, 8)}`, name: 'Org' } });
  });
  afterAll(async () => {
    await db?.destroy();
  });

  async function person(): Promise<{ id: string; address: string }> {
    const id = randomUUID();
    const address = randomBytes(12).toString('base64url');
    await database.prisma.person.create({
      data: { id, regionId: 'default', locale: 'de', firstName: 'T', lastName: id.slice(0, 8), email: `${id}@example.org`, placeName: 'Göttingen', lat: 51.5, lon: 9.9, travelRadiusKm: 20, activities: ['translating'], languages: ['de'], weeklyHours: 4 },
    });
    await database.prisma.channelIdentity.create({ data: { channel: 'web', address, personId: id, preferred: true } });
    return { id, address };
  }

  async function call(helpersNeeded: number, asked: { id: string }[], acceptedCount = 0): Promise<{ id: string; startsAt: Date }> {
    const id = randomUUID();
    const startsAt = new Date(Date.now() + 72 * HOUR);
    await database.prisma.helperCall.create({
      data: { id, regionId: 'default', organisationId, activityKey: 'translating', title: 'Batch', description: '', descriptionLang: 'de', placeName: 'Göttingen', lat: 51.5, lon: 9.9, startsAt, endsAt: new Date(startsAt.getTime() + 2 * HOUR), answerBy: new Date(startsAt.getTime() - HOUR), helpersNeeded, acceptedCount, status: 'open' },
    });
    await database.prisma.callResponse.createMany({ data: asked.map((p) => ({ callId: id, personId: p.id })) });
    return { id, startsAt };
  }

  const request = (callId: string, address: string, eventId = randomUUID()): AcceptRequest => ({ callId, channel: 'web', address, eventId, at: new Date(), jobs: jobs(callId, eventId) });

  it('answers every accept of one batch as it deserves, and enqueues the jobs of the winners only', async () => {
    const [a, b, c, d, notAsked, before] = await Promise.all(Array.from({ length: 6 }, person));
    // Three places, one taken already by `before`: two are left.
    const { id: callId, startsAt } = await call(3, [a!, b!, c!, d!, before!], 1);
    await database.prisma.callResponse.update({ where: { callId_personId: { callId, personId: before!.id } }, data: { status: 'accepted' } });
    const sizes: number[] = [];
    const store = prismaStore(database.prisma, countingSql(database.sql, sizes));
    const replayed = request(callId, c!.address);
    expect(await store.calls.accept(replayed)).toMatchObject({ kind: 'accepted', nowFull: false, call: { acceptedCount: 2 }, timeZone: 'Europe/Berlin' });
    sizes.length = 0;
    // One place is left now. Handed over in one synchronous turn, the accepts below go as one batch.
    const first = request(callId, 'nobody-here');
    const aTap = request(callId, a!.address);
    const batch = [
      aTap,
      { ...aTap }, // the same event twice
      request(callId, a!.address), // the same person, a second event
      { ...replayed, at: new Date() }, // an event handled before
      request(callId, b!.address),
      request(callId, 'nobody-either'),
      request(callId, notAsked!.address),
      request(callId, before!.address),
      request(callId, d!.address),
    ];
    const outcomes = await Promise.all([first, ...batch].map((r) => store.calls.accept(r)));
    expect(sizes).toEqual([batch.length]); // the repeated event is not sent
    expect(outcomes.map((o) => o.kind)).toEqual(['not-registered', 'accepted', 'duplicate', 'already-accepted', 'duplicate', 'full', 'not-registered', 'not-asked', 'already-accepted', 'full']);
    const won = outcomes[1] as Extract<AcceptOutcome, { kind: 'accepted' }>;
    expect(won).toMatchObject({ nowFull: true, call: { id: callId, acceptedCount: 3, helpersNeeded: 3, title: 'Batch', startsAt } });

    expect(await database.prisma.helperCall.findUniqueOrThrow({ where: { id: callId } })).toMatchObject({ acceptedCount: 3, status: 'full', filledAt: expect.any(Date) });
    const accepted = await database.prisma.callResponse.findMany({ where: { callId, status: 'accepted' }, select: { personId: true } });
    expect(accepted.map((r) => r.personId).sort()).toEqual([a!.id, c!.id, before!.id].sort());
    const enqueued = await database.prisma.job.findMany({ where: { payload: { path: ['callId'], equals: callId } } });
    const of = (name: string) => enqueued.filter((j) => j.name === name).map((j) => (j.payload as { personId: string }).personId).sort();
    // c's accept and a's: one reminder each (the 100-hour one is past), "filled" once for a, one status job.
    expect(of('call.remind')).toEqual([a!.id, c!.id].sort());
    expect(of('call.filled')).toEqual([a!.id]);
    expect(of('call.status')).toHaveLength(1);
    expect(enqueued.find((j) => j.name === 'call.remind' && (j.payload as { personId: string }).personId === a!.id)!.runAt.getTime()).toBe(startsAt.getTime() - 24 * HOUR);
  });

  it('gives each place once when many accept together, the last place taken once', async () => {
    const people = await Promise.all(Array.from({ length: 40 }, person));
    const { id: callId } = await call(7, people);
    const sizes: number[] = [];
    const store = prismaStore(database.prisma, countingSql(database.sql, sizes));
    const outcomes = await Promise.all(people.flatMap((p) => [request(callId, p.address), request(callId, p.address)]).map((r) => store.calls.accept(r)));
    expect(sizes.length).toBeLessThan(outcomes.length);
    const accepted = outcomes.filter((o): o is Extract<AcceptOutcome, { kind: 'accepted' }> => o.kind === 'accepted');
    expect(accepted).toHaveLength(7);
    expect(accepted.filter((o) => o.nowFull)).toHaveLength(1);
    expect(accepted.map((o) => o.call.acceptedCount).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // First come, first served: the winners are the first seven people to tap.
    const winners = outcomes.map((o, i) => (o.kind === 'accepted' ? people[Math.floor(i / 2)]!.id : null)).filter(Boolean);
    expect(winners).toEqual(people.slice(0, 7).map((p) => p.id));
    expect(new Set(outcomes.map((o) => o.kind))).toEqual(new Set(['accepted', 'already-accepted', 'full']));
    expect(await database.prisma.helperCall.findUniqueOrThrow({ where: { id: callId } })).toMatchObject({ acceptedCount: 7, status: 'full' });
    expect(await database.prisma.job.count({ where: { name: 'call.filled', payload: { path: ['callId'], equals: callId } } })).toBe(1);
    expect(await database.prisma.job.count({ where: { name: 'call.remind', payload: { path: ['callId'], equals: callId } } })).toBe(7);
  });

  it('fails only the accept with a value the database refuses, not the others of its batch', async () => {
    const people = await Promise.all(Array.from({ length: 3 }, person));
    const { id: callId } = await call(2, people);
    const sizes: number[] = [];
    const store = prismaStore(database.prisma, countingSql(database.sql, sizes));
    const settled = await Promise.allSettled(
      [request(callId, 'first-alone'), request(callId, people[0]!.address), request(callId, 'bad\u0000address'), request(callId, people[1]!.address), request(callId, people[2]!.address)].map((r) => store.calls.accept(r)),
    );
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value.kind : 'rejected'))).toEqual(['not-registered', 'accepted', 'rejected', 'accepted', 'full']);
    // The batch of five failed as a whole, then each went alone.
    expect(sizes).toEqual([5, 1, 1, 1, 1, 1]);
    expect(await database.prisma.helperCall.findUniqueOrThrow({ where: { id: callId } })).toMatchObject({ acceptedCount: 2, status: 'full' });
  });

  it('takes the same statement inside a transaction', async () => {
    const p = await person();
    const { id: callId } = await call(1, [p]);
    const store = prismaStore(database.prisma, database.sql);
    const outcome = await store.transaction((repos) => repos.calls.accept(request(callId, p.address)));
    expect(outcome).toMatchObject({ kind: 'accepted', nowFull: true });
    expect(await database.prisma.job.count({ where: { name: 'call.filled', payload: { path: ['callId'], equals: callId } } })).toBe(1);
  });

  it.runIf(backend.name === 'postgres')('rejects a batch whose connection is cut with "try again", and still runs the accepts queued behind it', async () => {
    const people = await Promise.all(Array.from({ length: 9 }, person));
    const { id: callId } = await call(2, people);
    const store = prismaStore(database.prisma, database.sql);
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    const waiting = async () =>
      (await blocker.query('SELECT pg_stat_clear_snapshot()'), await blocker.query(`SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() AND query LIKE '%"ProcessedEvent"%'`)).rows.map((r) => r.pid as number);
    const cut = async () => {
      await expect.poll(async () => (await waiting()).length, { timeout: 20_000, interval: 20 }).toBe(1);
      for (const pid of await waiting()) await blocker.query('SELECT pg_terminate_backend($1)', [pid]);
    };
    const requests = people.map((p) => request(callId, p.address));
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM "HelperCall" WHERE id = $1 FOR UPDATE', [callId]);
      const alone = store.calls.accept(requests[0]!);
      const settledAlone = alone.then(() => 'resolved', (e: unknown) => e);
      await expect.poll(async () => (await waiting()).length, { timeout: 20_000, interval: 20 }).toBe(1);
      // Queued behind the first: they go as the next batch.
      const second = Promise.allSettled(requests.slice(1, 5).map((r) => store.calls.accept(r)));
      await cut();
      expect(await settledAlone).toBeInstanceOf(StoreUnavailableError);
      const third = Promise.allSettled(requests.slice(5).map((r) => store.calls.accept(r)));
      await cut();
      const secondSettled = await second;
      expect(secondSettled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
      for (const s of secondSettled) expect((s as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
      await blocker.query('COMMIT');
      const thirdSettled = await third;
      expect(thirdSettled.map((s) => (s.status === 'fulfilled' ? s.value.kind : 'rejected'))).toEqual(['accepted', 'accepted', 'full', 'full']);
      // Nothing of the cut batches was kept: their people can try again, and the events are not taken for replays.
      expect(await store.calls.accept(requests[1]!)).toEqual({ kind: 'full' });
      expect(await database.prisma.helperCall.findUniqueOrThrow({ where: { id: callId } })).toMatchObject({ acceptedCount: 2 });
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }
  });

  it.runIf(backend.name === 'postgres')('tries a batch again when it loses a deadlock against a statement locking the same answers in another order', async () => {
    const people = await Promise.all(Array.from({ length: 2 }, person));
    const { id: callId } = await call(2, people);
    const store = prismaStore(database.prisma, database.sql);
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    try {
      const [low, high] = (await blocker.query('SELECT "personId" FROM "CallResponse" WHERE "callId" = $1 ORDER BY "personId"', [callId])).rows.map((r) => r.personId as string);
      // The batch, waiting longer, is the one PostgreSQL finds in the deadlock and rolls back.
      await blocker.query(`SET deadlock_timeout = '30s'`);
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM "CallResponse" WHERE "callId" = $1 AND "personId" = $2 FOR UPDATE', [callId, high]);
      const outcomes = Promise.all(people.map((p) => store.calls.accept(request(callId, p.address))));
      const waiting = async () => (await blocker.query('SELECT pg_stat_clear_snapshot()'), await blocker.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() AND query LIKE '%"ProcessedEvent"%'`)).rows[0].n as number;
      // The batch holds the lower answer and waits for the higher one; now the blocker wants the lower one.
      await expect.poll(waiting, { timeout: 20_000, interval: 20 }).toBe(1);
      await blocker.query('SELECT 1 FROM "CallResponse" WHERE "callId" = $1 AND "personId" = $2 FOR UPDATE', [callId, low]);
      await blocker.query('COMMIT');
      expect((await outcomes).map((o) => o.kind)).toEqual(['accepted', 'accepted']);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }
  });

  it.runIf(backend.name === 'postgres')('accepts exactly the places when two instances race for one call', async () => {
    const people = await Promise.all(Array.from({ length: 120 }, person));
    const { id: callId } = await call(5, people);
    const other = await openDatabase({ kind: 'postgres', url: db.url! }, { log: createLogger('silent') });
    try {
      const stores: Store[] = [prismaStore(database.prisma, database.sql), prismaStore(other.prisma, other.sql)];
      // Each person taps on both instances (a double tap spread over two), all at once.
      const outcomes = await Promise.all(people.flatMap((p) => stores.map((s) => s.calls.accept(request(callId, p.address)))));
      const accepted = outcomes.filter((o): o is Extract<AcceptOutcome, { kind: 'accepted' }> => o.kind === 'accepted');
      expect(accepted).toHaveLength(5);
      expect(accepted.filter((o) => o.nowFull)).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind !== 'accepted' && o.kind !== 'full' && o.kind !== 'already-accepted')).toEqual([]);
      expect(await database.prisma.helperCall.findUniqueOrThrow({ where: { id: callId } })).toMatchObject({ acceptedCount: 5, status: 'full' });
      expect(await database.prisma.callResponse.count({ where: { callId, status: 'accepted' } })).toBe(5);
      expect(await database.prisma.job.count({ where: { name: 'call.filled', payload: { path: ['callId'], equals: callId } } })).toBe(1);
      expect(await database.prisma.job.count({ where: { name: 'call.remind', payload: { path: ['callId'], equals: callId } } })).toBe(5);
    } finally {
      await other.close();
    }
  });
});

describe('the keyed batcher', () => {
  it('starts a batch at once, coalesces the items that arrive meanwhile in order, per key', async () => {
    const runs: [string, number[]][] = [];
    const batcher = keyedBatcher<number, number>(async (key, items) => {
      runs.push([key, items]);
      await new Promise((r) => setTimeout(r, 5));
      return items.map((i) => ({ ok: true, value: i * 10 }));
    }, 3);
    const first = [batcher('a', 1), batcher('a', 2), batcher('b', 7)];
    // A later task, while the first batches run: these wait and go together, at most three at a time.
    await new Promise((r) => setTimeout(r, 1));
    expect(runs).toEqual([
      ['a', [1, 2]],
      ['b', [7]],
    ]);
    const later = [batcher('a', 3), batcher('a', 4), batcher('a', 5), batcher('a', 6)];
    expect(await Promise.all([...first, ...later])).toEqual([10, 20, 70, 30, 40, 50, 60]);
    expect(runs.slice(2)).toEqual([
      ['a', [3, 4, 5]],
      ['a', [6]],
    ]);
    // A lone item after all settled starts at once.
    expect(await batcher('a', 8)).toBe(80);
    expect(runs.at(-1)).toEqual(['a', [8]]);
  });

  it('rejects every item of a failing batch and still runs the next one', async () => {
    let calls = 0;
    const batcher = keyedBatcher<number, number>(async (_key, items) => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      if (calls === 2) throw new Error('gone');
      if (calls === 3) return items.slice(1).map((i) => ({ ok: true, value: i }));
      return items.map((i) => (i === 9 ? { ok: false, error: new Error('nine') } : { ok: true, value: i }));
    });
    const first = batcher('k', 1);
    await Promise.resolve();
    const failing = [batcher('k', 2), batcher('k', 3)];
    expect(await first).toBe(1);
    const short = [batcher('k', 4), batcher('k', 5)];
    await expect(Promise.all(failing.map((p) => p.catch((e: Error) => e.message)))).resolves.toEqual(['gone', 'gone']);
    // A batch answering the wrong number of results rejects all of it rather than leave one waiting.
    await expect(Promise.all(short.map((p) => p.catch((e: Error) => e.message)))).resolves.toEqual(['batch of 2 answered 1 results', 'batch of 2 answered 1 results']);
    await expect(Promise.all([batcher('k', 8), batcher('k', 9).catch((e: Error) => e.message)])).resolves.toEqual([8, 'nine']);
  });
});
