import { describe, expect, it } from 'vitest';
import type { ClaimedJob, JobQueue, JobSpec } from './job-queue.js';
import { JobWorker, RetryLater, exponentialBackoff, type WorkerLog } from './worker.js';

interface FakeJob extends Required<Omit<JobSpec, 'key'>> {
  id: string;
  key: string | null;
  attempts: number;
  lockedBy: string | null;
  lockedUntil: Date | null;
  lastError: string | null;
  done: boolean;
  failed: boolean;
}

/** An in-memory queue that keeps the port's promises (locks, stale workers, attempts). */
class FakeQueue implements JobQueue {
  readonly jobs: FakeJob[] = [];
  failClaims = 0;

  async enqueue(spec: JobSpec) {
    if (spec.key && this.jobs.some((j) => j.key === spec.key)) return false;
    this.jobs.push({ id: `job-${this.jobs.length + 1}`, name: spec.name, key: spec.key ?? null, payload: spec.payload ?? {}, runAt: spec.runAt ?? new Date(0), maxAttempts: spec.maxAttempts ?? 8, attempts: 0, lockedBy: null, lockedUntil: null, lastError: null, done: false, failed: false });
    return true;
  }

  async enqueueMany(specs: JobSpec[]) {
    let added = 0;
    for (const spec of specs) if (await this.enqueue(spec)) added++;
    return added;
  }

  async claim(workerId: string, names: string[], limit: number, now: Date, lockedUntil: Date): Promise<ClaimedJob[]> {
    if (this.failClaims > 0) {
      this.failClaims--;
      throw new Error('connection refused');
    }
    const due = this.jobs.filter((j) => !j.done && !j.failed && names.includes(j.name) && j.runAt <= now && (!j.lockedUntil || j.lockedUntil < now)).slice(0, limit);
    return due.map((j) => {
      Object.assign(j, { lockedBy: workerId, lockedUntil, attempts: j.attempts + 1 });
      return { id: j.id, name: j.name, key: j.key, payload: j.payload, attempts: j.attempts - 1, maxAttempts: j.maxAttempts };
    });
  }

  async complete(id: string, workerId: string) {
    const job = this.jobs.find((j) => j.id === id && j.lockedBy === workerId);
    if (job) Object.assign(job, { done: true, lockedBy: null, lockedUntil: null });
  }

  async fail(id: string, workerId: string, error: string, retryAt: Date) {
    const job = this.jobs.find((j) => j.id === id && j.lockedBy === workerId);
    if (!job) return 'retry' as const;
    Object.assign(job, { lockedBy: null, lockedUntil: null, lastError: error });
    if (job.attempts >= job.maxAttempts) job.failed = true;
    else job.runAt = retryAt;
    return job.failed ? ('failed' as const) : ('retry' as const);
  }
  async postpone(id: string, workerId: string, reason: string, runAt: Date) {
    const job = this.jobs.find((j) => j.id === id && j.lockedBy === workerId);
    if (job) Object.assign(job, { lockedBy: null, lockedUntil: null, lastError: reason, runAt, attempts: Math.max(0, job.attempts - 1) });
  }
}

function recordingLog(): WorkerLog & { levels: string[] } {
  const levels: string[] = [];
  return { levels, info: () => void levels.push('info'), warn: () => void levels.push('warn'), error: () => void levels.push('error') };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the job worker', () => {
  it('runs no more jobs at once than its batch size', async () => {
    const queue = new FakeQueue();
    for (let i = 0; i < 12; i++) await queue.enqueue({ name: 'send' });
    let running = 0;
    let most = 0;
    const worker = new JobWorker({
      queue,
      workerId: 'w1',
      log: recordingLog(),
      batch: 3,
      handlers: {
        send: async () => {
          most = Math.max(most, ++running);
          await sleep(5);
          running--;
        },
      },
    });
    await worker.drain();
    expect(most).toBe(3);
    expect(queue.jobs.every((j) => j.done)).toBe(true);
  });

  it('while the queue has more, claims again when half its places are free, not after every job', async () => {
    const queue = new FakeQueue();
    for (let i = 0; i < 60; i++) await queue.enqueue({ name: 'send', payload: { ms: 2 + (i % 5) * 3 } });
    let claims = 0;
    const claim = queue.claim.bind(queue);
    queue.claim = async (...args) => {
      const claimed = await claim(...args);
      if (claimed.length > 0) claims++;
      return claimed;
    };
    const worker = new JobWorker({ queue, workerId: 'w1', log: recordingLog(), batch: 10, pollMs: 1000, handlers: { send: async (payload) => void (await sleep(Number(payload.ms))) } });
    worker.start();
    while (!queue.jobs.every((j) => j.done)) await sleep(5);
    await worker.stop();
    // 60 jobs, 10 at first and then 5 or more per claim: at most 11 claims that find work (one per job before).
    expect(claims).toBeLessThanOrEqual(11);
    expect(claims).toBeGreaterThanOrEqual(6);
  });

  it('claims only the jobs it has handlers for', async () => {
    const queue = new FakeQueue();
    await queue.enqueue({ name: 'send' });
    await queue.enqueue({ name: 'wave' });
    const worker = new JobWorker({ queue, workerId: 'w1', log: recordingLog(), handlers: { send: async () => undefined } });
    await worker.drain();
    expect(queue.jobs.map((j) => [j.name, j.done])).toEqual([
      ['send', true],
      ['wave', false],
    ]);
  });

  it('picks up jobs enqueued while it runs, and finishes them before stop resolves', async () => {
    const queue = new FakeQueue();
    const ran: string[] = [];
    const worker = new JobWorker({
      queue,
      workerId: 'w1',
      log: recordingLog(),
      pollMs: 5,
      handlers: {
        send: async (payload) => {
          await sleep(20);
          ran.push(String(payload.n));
        },
      },
    });
    worker.start();
    await queue.enqueue({ name: 'send', payload: { n: 1 } });
    await sleep(15);
    await queue.enqueue({ name: 'send', payload: { n: 2 } });
    await sleep(15);
    await worker.stop();
    expect(ran).toEqual(['1', '2']);
    expect(queue.jobs.every((j) => j.done && j.lockedBy === null)).toBe(true);
  });

  it('keeps polling after the queue was briefly unreachable', async () => {
    const queue = new FakeQueue();
    queue.failClaims = 2;
    await queue.enqueue({ name: 'send' });
    const log = recordingLog();
    const worker = new JobWorker({ queue, workerId: 'w1', log, pollMs: 5, handlers: { send: async () => undefined } });
    worker.start();
    await sleep(60);
    await worker.stop();
    expect(queue.jobs[0]!.done).toBe(true);
    expect(log.levels).toEqual(['warn', 'warn']);
  });

  it('drain reports a queue that cannot be reached', async () => {
    const queue = new FakeQueue();
    queue.failClaims = 1;
    const worker = new JobWorker({ queue, workerId: 'w1', log: recordingLog(), handlers: { send: async () => undefined } });
    await expect(worker.drain()).rejects.toThrow('connection refused');
  });

  it('records a RetryLater as its reason and a failure by its code', async () => {
    const queue = new FakeQueue();
    await queue.enqueue({ name: 'later' });
    await queue.enqueue({ name: 'coded' });
    const coded = Object.assign(new Error('the whole response body'), { code: 'CALL_FULL' });
    const worker = new JobWorker({
      queue,
      workerId: 'w1',
      log: recordingLog(),
      now: () => new Date(1000),
      handlers: { later: () => Promise.reject(new RetryLater(250, 'RATE_LIMITED')), coded: () => Promise.reject(coded) },
    });
    await worker.drain();
    expect(queue.jobs.map((j) => [j.lastError, j.runAt.getTime() >= 1000])).toEqual([
      ['RATE_LIMITED', true],
      ['Error: CALL_FULL', true],
    ]);
    expect(queue.jobs[0]!.runAt).toEqual(new Date(1250));
  });

  it('backs off exponentially from one second, with jitter, up to ten minutes', () => {
    for (const [attempt, base] of [
      [1, 1000],
      [2, 2000],
      [3, 4000],
      [10, 512_000],
    ] as const) {
      const delay = exponentialBackoff(attempt);
      expect(delay).toBeGreaterThanOrEqual(base * 0.8);
      expect(delay).toBeLessThanOrEqual(base * 1.2);
    }
    expect(exponentialBackoff(11)).toBeLessThanOrEqual(600_000);
    expect(exponentialBackoff(40)).toBeGreaterThanOrEqual(480_000);
    expect(exponentialBackoff(40)).toBeLessThanOrEqual(600_000);
  });
});
