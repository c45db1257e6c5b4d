import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobWorker, RetryLater, type JobQueue, type RateSlots, type WorkerLog } from '../core/index.js';
import { openDatabase, type Database } from '../app/database.js';
import { createLogger } from '../app/logger.js';
import { backends, type TestDatabase } from '../test/support/databases.js';
import { jobQueue, prismaStore, rateSlots } from './store.js';

/** Job names unique to one test, so tests sharing the database never claim each other's jobs. */
const uniqueName = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

interface LogLine {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

function recordingLog(): WorkerLog & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (obj, msg) => void lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => void lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => void lines.push({ level: 'error', obj, msg }),
  };
}

describe.each(backends)('the job queue on $name', (backend) => {
  let db: TestDatabase;
  let queue: JobQueue;
  const prisma = () => db.database.prisma;

  beforeAll(async () => {
    db = await backend.create();
    queue = jobQueue(db.database.prisma);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  describe('enqueueing', () => {
    it('a job enqueued twice with the same key exists once', async () => {
      const key = `call:${randomUUID()}:wave:1`;
      expect(await queue.enqueue({ name: 'wave', key, payload: { callId: 'c1' } })).toBe(true);
      expect(await queue.enqueue({ name: 'wave', key, payload: { callId: 'c2' } })).toBe(false);
      const jobs = await prisma().job.findMany({ where: { key } });
      expect(jobs).toHaveLength(1);
      expect(jobs[0]!.payload).toEqual({ callId: 'c1' });
    });

    it('enqueues many in one go, skipping keys that exist', async () => {
      const prefix = `many:${randomUUID()}`;
      expect(await queue.enqueue({ name: 'notify', key: `${prefix}:1` })).toBe(true);
      const added = await queue.enqueueMany([1, 2, 3].map((n) => ({ name: 'notify', key: `${prefix}:${n}`, payload: { n } })));
      expect(added).toBe(2);
      expect(await prisma().job.count({ where: { key: { startsWith: prefix } } })).toBe(3);
      expect(await queue.enqueueMany([])).toBe(0);
    });

    it('enqueues many exactly as one at a time: payload, due time, attempts; a key twice in one batch once', async () => {
      const prefix = `batch:${randomUUID()}`;
      const runAt = new Date(Date.UTC(2030, 0, 2, 3, 4, 5, 678));
      await queue.enqueue({ name: 'notify', key: `${prefix}:single` });
      const added = await queue.enqueueMany([
        { name: 'notify', key: `${prefix}:a`, payload: { personId: 'p1', text: 'Grüße — مرحبا' }, runAt, maxAttempts: 3 },
        { name: 'notify', key: `${prefix}:b` },
        { name: 'notify', key: `${prefix}:b`, payload: { again: true } },
      ]);
      expect(added).toBe(2);
      const rows = await prisma().job.findMany({ where: { key: { startsWith: prefix } }, orderBy: { key: 'asc' } });
      const single = rows.find((r) => r.key === `${prefix}:single`)!;
      expect(rows.find((r) => r.key === `${prefix}:a`)).toMatchObject({ payload: { personId: 'p1', text: 'Grüße — مرحبا' }, runAt, maxAttempts: 3, attempts: 0 });
      const b = rows.find((r) => r.key === `${prefix}:b`)!;
      // Without a due time or attempts: the same defaults as a single enqueue (the schema's).
      expect(b).toMatchObject({ payload: {}, maxAttempts: single.maxAttempts, attempts: 0, doneAt: null });
      expect(Math.abs(b.runAt.getTime() - Date.now())).toBeLessThan(60_000);
    });

    it('a duplicate key inside a transaction neither throws nor spoils the transaction', async () => {
      const key = `dup:${randomUUID()}`;
      await queue.enqueue({ name: 'wave', key });
      const store = prismaStore(prisma());
      const other = `other:${randomUUID()}`;
      const added = await store.transaction(async (repos) => {
        const again = await repos.jobs.enqueue({ name: 'wave', key });
        await repos.jobs.enqueue({ name: 'wave', key: other });
        return again;
      });
      expect(added).toBe(false);
      expect(await prisma().job.count({ where: { key: { in: [key, other] } } })).toBe(2);
    });

    it('a job enqueued in a transaction that rolls back is not there', async () => {
      const name = uniqueName('rolled-back');
      const store = prismaStore(prisma());
      await expect(
        store.transaction(async (repos) => {
          await repos.jobs.enqueue({ name, key: `k:${name}` });
          throw new Error('the rest of the unit of work failed');
        }),
      ).rejects.toThrow('the rest of the unit of work failed');
      expect(await prisma().job.count({ where: { name } })).toBe(0);
    });
  });

  describe('claiming and settling', () => {
    it('claims only due jobs with the given names, oldest first, up to the limit', async () => {
      const name = uniqueName('due');
      const other = uniqueName('other');
      const now = new Date();
      await queue.enqueue({ name, key: `${name}:second`, runAt: at(now, -1000), payload: { n: 2 } });
      await queue.enqueue({ name, key: `${name}:first`, runAt: at(now, -2000), payload: { n: 1 } });
      await queue.enqueue({ name, key: `${name}:later`, runAt: at(now, 60_000) });
      await queue.enqueue({ name: other, key: `${other}:due`, runAt: at(now, -3000) });

      const one = await queue.claim('w1', [name], 1, now, at(now, 60_000));
      expect(one.map((j) => j.key)).toEqual([`${name}:first`]);
      const rest = await queue.claim('w1', [name], 10, now, at(now, 60_000));
      expect(rest).toEqual([{ id: expect.any(String), name, key: `${name}:second`, payload: { n: 2 }, attempts: 0, maxAttempts: 8 }]);
      expect(await queue.claim('w1', [name, uniqueName('none')], 10, now, at(now, 60_000))).toEqual([]);
      expect(await queue.claim('w1', [name], 10, at(now, 60_000), at(now, 120_000))).toHaveLength(1);
    });

    it('a claimed job is not claimed again until its lock expires, then it is (a crashed worker)', async () => {
      const name = uniqueName('crash');
      const now = new Date();
      await queue.enqueue({ name, runAt: at(now, -1) });
      const [job] = await queue.claim('crashed', [name], 10, now, at(now, 60_000));
      expect(job).toBeDefined();
      expect(await queue.claim('w2', [name], 10, at(now, 30_000), at(now, 90_000))).toEqual([]);
      expect(await queue.claim('w2', [name], 10, at(now, 60_000), at(now, 120_000))).toEqual([]);
      const [again] = await queue.claim('w2', [name], 10, at(now, 60_001), at(now, 120_001));
      expect(again).toMatchObject({ id: job!.id, attempts: 1 });
      expect(await prisma().job.findUniqueOrThrow({ where: { id: job!.id } })).toMatchObject({ lockedBy: 'w2', lockedUntil: at(now, 120_001), attempts: 2 });
    });

    it('a completed job is never claimed again', async () => {
      const name = uniqueName('done');
      const now = new Date();
      await queue.enqueue({ name, runAt: at(now, -1) });
      const [job] = await queue.claim('w1', [name], 10, now, at(now, 1000));
      await queue.complete(job!.id, 'w1', now);
      expect(await prisma().job.findUniqueOrThrow({ where: { id: job!.id } })).toMatchObject({ doneAt: now, lockedBy: null, lockedUntil: null });
      expect(await queue.claim('w1', [name], 10, at(now, 10_000), at(now, 20_000))).toEqual([]);
    });

    it('a worker whose lock expired and was taken over can neither complete nor fail the job', async () => {
      const name = uniqueName('stale');
      const now = new Date();
      await queue.enqueue({ name, runAt: at(now, -1) });
      const [job] = await queue.claim('slow', [name], 10, now, at(now, 1000));
      await queue.claim('fresh', [name], 10, at(now, 2000), at(now, 62_000));

      await queue.complete(job!.id, 'slow', at(now, 3000));
      await queue.fail(job!.id, 'slow', 'TIMEOUT', at(now, 5000), at(now, 3000));
      expect(await prisma().job.findUniqueOrThrow({ where: { id: job!.id } })).toMatchObject({ doneAt: null, failedAt: null, lastError: null, lockedBy: 'fresh', runAt: at(now, -1) });

      await queue.complete(job!.id, 'fresh', at(now, 4000));
      expect(await prisma().job.findUniqueOrThrow({ where: { id: job!.id } })).toMatchObject({ doneAt: at(now, 4000), lockedBy: null });
    });

    it('a failing job is retried at its retry time and fails for good when its attempts are used', async () => {
      const name = uniqueName('flaky');
      const now = new Date();
      await queue.enqueue({ name, runAt: at(now, -1), maxAttempts: 2 });
      const [first] = await queue.claim('w1', [name], 10, now, at(now, 60_000));
      expect(await queue.fail(first!.id, 'w1', 'DeliveryError: transient', at(now, 5000), at(now, 10))).toBe('retry');
      expect(await prisma().job.findUniqueOrThrow({ where: { id: first!.id } })).toMatchObject({ runAt: at(now, 5000), lockedBy: null, lockedUntil: null, lastError: 'DeliveryError: transient', failedAt: null });

      expect(await queue.claim('w1', [name], 10, at(now, 4999), at(now, 64_999))).toEqual([]);
      const [second] = await queue.claim('w1', [name], 10, at(now, 5000), at(now, 65_000));
      expect(second).toMatchObject({ id: first!.id, attempts: 1, maxAttempts: 2 });
      expect(await queue.fail(second!.id, 'w1', 'x'.repeat(5000), at(now, 15_000), at(now, 5010))).toBe('failed');
      const row = await prisma().job.findUniqueOrThrow({ where: { id: first!.id } });
      expect(row).toMatchObject({ failedAt: at(now, 5010), doneAt: null, lockedBy: null, attempts: 2 });
      expect(row.lastError).toHaveLength(2000);
      expect(await queue.claim('w1', [name], 10, at(now, 3_600_000), at(now, 3_660_000))).toEqual([]);
    });
  });

  describe('the worker', () => {
    it('runs each due job with its handler and marks it done', async () => {
      const name = uniqueName('greet');
      const ran: unknown[] = [];
      const log = recordingLog();
      const worker = new JobWorker({ queue, workerId: 'w1', log, handlers: { [name]: async (payload) => void ran.push(payload) } });
      for (let i = 0; i < 15; i++) await queue.enqueue({ name, payload: { i } });
      await worker.drain();
      expect(ran).toHaveLength(15);
      expect(new Set(ran.map((p) => (p as { i: number }).i)).size).toBe(15);
      expect(await prisma().job.count({ where: { name, doneAt: null } })).toBe(0);
      expect(log.lines.filter((l) => l.level !== 'info')).toEqual([]);
    });

    it('retries a failing handler after the backoff, and logs the job id and name but not the payload', async () => {
      const name = uniqueName('flaky');
      let clock = new Date();
      const log = recordingLog();
      let calls = 0;
      const worker = new JobWorker({
        queue,
        workerId: 'w1',
        log,
        now: () => clock,
        backoff: (attempt) => attempt * 1000,
        handlers: {
          [name]: async () => {
            calls++;
            if (calls < 3) throw new Error('upstream 502');
          },
        },
      });
      await queue.enqueue({ name, payload: { email: 'anna@example.org' }, runAt: at(clock, -1) });
      await worker.drain();
      expect(calls).toBe(1);
      const job = await prisma().job.findFirstOrThrow({ where: { name } });
      expect(job).toMatchObject({ runAt: at(clock, 1000), lastError: 'Error: upstream 502', doneAt: null });

      clock = at(clock, 999);
      await worker.drain();
      expect(calls).toBe(1);
      clock = at(clock, 1);
      await worker.drain();
      expect(calls).toBe(2);
      clock = at(clock, 2000);
      await worker.drain();
      expect(calls).toBe(3);
      expect(await prisma().job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ doneAt: clock, attempts: 3 });

      const warnings = log.lines.filter((l) => l.level === 'warn');
      expect(warnings).toHaveLength(2);
      expect(warnings[0]!.obj).toMatchObject({ jobId: job.id, job: name, attempt: 1, retryInMs: 1000 });
      expect(JSON.stringify(log.lines)).not.toContain('anna@example.org');
    });

    it('honours RetryLater: runs again after exactly that delay, without logging an error or using an attempt', async () => {
      const name = uniqueName('rate-limited');
      let clock = new Date();
      const log = recordingLog();
      let calls = 0;
      const worker = new JobWorker({
        queue,
        workerId: 'w1',
        log,
        now: () => clock,
        handlers: {
          [name]: async () => {
            if (++calls === 1) throw new RetryLater(7000, 'RATE_LIMITED');
          },
        },
      });
      await queue.enqueue({ name, runAt: at(clock, -1), maxAttempts: 1 });
      await worker.drain();
      const job = await prisma().job.findFirstOrThrow({ where: { name } });
      // Its only attempt is still there: a "slow down" is not a failure.
      expect(job).toMatchObject({ runAt: at(clock, 7000), lastError: 'RATE_LIMITED', doneAt: null, failedAt: null, attempts: 0 });
      expect(log.lines.map((l) => l.level)).toEqual(['info']);

      clock = at(clock, 6999);
      await worker.drain();
      expect(calls).toBe(1);
      clock = at(clock, 1);
      await worker.drain();
      expect(calls).toBe(2);
      expect(await prisma().job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ doneAt: clock });
    });

    it('gives a job up for good after its attempts and logs that as an error', async () => {
      const name = uniqueName('broken');
      let clock = new Date();
      const log = recordingLog();
      const worker = new JobWorker({ queue, workerId: 'w1', log, now: () => clock, backoff: () => 10, handlers: { [name]: () => Promise.reject(new Error('bug')) } });
      await queue.enqueue({ name, runAt: at(clock, -1), maxAttempts: 3 });
      for (let i = 0; i < 5; i++) {
        await worker.drain();
        clock = at(clock, 10);
      }
      expect(await prisma().job.findFirstOrThrow({ where: { name } })).toMatchObject({ attempts: 3, failedAt: expect.any(Date), lastError: 'Error: bug' });
      expect(log.lines.map((l) => l.level)).toEqual(['warn', 'warn', 'error']);
    });

    it('stops after the running jobs have finished and been marked done', async () => {
      const name = uniqueName('slow');
      const log = recordingLog();
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      let finished = false;
      const worker = new JobWorker({
        queue,
        workerId: 'w1',
        log,
        pollMs: 20,
        handlers: {
          [name]: async () => {
            started();
            await new Promise((r) => setTimeout(r, 200));
            finished = true;
          },
        },
      });
      await queue.enqueue({ name });
      worker.start();
      await running;
      await worker.stop();
      expect(finished).toBe(true);
      expect(await prisma().job.findFirstOrThrow({ where: { name } })).toMatchObject({ doneAt: expect.any(Date), lockedBy: null });
    });
  });

  describe('send slots', () => {
    let slots: RateSlots;
    beforeAll(() => {
      slots = rateSlots(db.database.prisma);
    });

    it('reservations of one key are spaced by the interval, and an idle key starts at now or when the reservation runs', async () => {
      const key = uniqueName('telegram');
      const now = new Date();
      const t = now.getTime();
      const reserved = [await slots.reserve(key, 1000 / 30, now), await slots.reserve(key, 1000 / 30, now), await slots.reserve(key, 1000 / 30, at(now, 10))];
      const returned = Date.now(); // (+ 1 below: Date.now() is whole milliseconds, the slots microseconds)
      // An idle key: not before now, nor before the statement ran (a reservation that waited comes back usable), nor after it returned.
      const start = reserved[0]!;
      expect(start).toBeGreaterThanOrEqual(t);
      expect(start).toBeLessThanOrEqual(returned + 1);
      // To the microsecond: 33.333 ms apart, not rounded to 34.
      expect(reserved.map((r) => r - start)).toEqual([0, expect.closeTo(33.333, 2), expect.closeTo(66.667, 2)]);
      // Thirty slots take one second, not 1.02.
      let last = 0;
      for (let i = 0; i < 30; i++) last = await slots.reserve(key, 1000 / 30, now);
      expect(last - start).toBeCloseTo(1000 + 66.667, 1);
      // A now in the future is the start of an idle key (and of this one, idle by then).
      expect(await slots.reserve(key, 1000 / 30, at(now, 5000))).toBe(t + 5000);
      expect(await slots.reserve(uniqueName('other'), 1000, at(now, 5000))).toBe(t + 5000);
      const other = uniqueName('other');
      const before = Date.now();
      const idle = await slots.reserve(other, 1000, now);
      expect(idle).toBeGreaterThanOrEqual(before);
      expect(idle).toBeLessThanOrEqual(Date.now() + 1);
      // The store's clock moves an idle key's start by at most a second past `now`: a service whose
      // clock runs behind the database's (here by an hour) is not held back by the difference.
      const behind = at(new Date(), -3600_000);
      expect(await slots.reserve(uniqueName('skewed'), 1000, behind)).toBeLessThanOrEqual(behind.getTime() + 1000);
    });

    it('block pushes the next slot out, and never pulls it in', async () => {
      const key = uniqueName('telegram:chat');
      const now = new Date();
      await slots.block(key, at(now, 30_000));
      expect(await slots.reserve(key, 1000, now)).toBe(now.getTime() + 30_000);
      await slots.block(key, at(now, 5000));
      expect(await slots.reserve(key, 1000, now)).toBe(now.getTime() + 31_000);
    });
  });

  describe.runIf(backend.name === 'postgres')('several instances at once', () => {
    const silent = createLogger('silent');
    let instances: Database[] = [];
    beforeAll(async () => {
      instances = await Promise.all([1, 2, 3, 4].map(() => openDatabase({ kind: 'postgres', url: db.url! }, { log: silent })));
    });
    afterAll(async () => {
      await Promise.all(instances.map((i) => i.close()));
    });

    it('four workers draining 300 jobs together run each job exactly once', async () => {
      const name = uniqueName('parallel');
      const runs = new Map<string, number>();
      const byWorker = new Map<string, number>();
      for (let i = 0; i < 300; i += 50) {
        await prisma().job.createMany({ data: Array.from({ length: 50 }, (_, k) => ({ id: randomUUID(), name, payload: { i: i + k } })) });
      }
      const workers = instances.map(
        (instance, n) =>
          new JobWorker({
            queue: jobQueue(instance.prisma),
            workerId: `instance-${n}`,
            log: recordingLog(),
            batch: 5,
            handlers: {
              [name]: async (_payload, job) => {
                runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
                byWorker.set(`instance-${n}`, (byWorker.get(`instance-${n}`) ?? 0) + 1);
                await new Promise((r) => setTimeout(r, Math.random() * 5));
              },
            },
          }),
      );
      await Promise.all(workers.map((w) => w.drain()));
      expect(runs.size).toBe(300);
      expect([...runs.values()].filter((n) => n !== 1)).toEqual([]);
      expect(byWorker.size).toBeGreaterThan(1);
      expect(await prisma().job.count({ where: { name, doneAt: null } })).toBe(0);
    });

    it('60 reservations of one key from three clients at once get 60 distinct slots, 1000/30 ms apart', async () => {
      const key = uniqueName('telegram');
      const clients = instances.slice(0, 3).map((i) => rateSlots(i.prisma));
      const reserved = (await Promise.all(clients.map((c) => Promise.all(Array.from({ length: 20 }, () => c.reserve(key, 1000 / 30, new Date())))))).flat();
      const times = reserved.sort((a, b) => a - b);
      expect(new Set(times).size).toBe(60);
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      // Microseconds, read back as float8: equal to the interval within a rounding of the last digit.
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000 / 30 - 0.001);
    });
  });
});
