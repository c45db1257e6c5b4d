import type { ClaimedJob, JobQueue } from './job-queue.js';

/** What the worker logs through: ids, names and codes only, never payloads. */
export interface WorkerLog {
  debug?(obj: object, msg?: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export type JobHandler = (payload: Record<string, unknown>, job: ClaimedJob) => Promise<void>;

/**
 * Thrown by a handler that could not do its work yet for an expected reason
 * (a channel answered 429 with retry_after): the job runs again after exactly
 * `delayMs`, the logs do not report it as an error, and it does not use up one
 * of the job's attempts (a channel may ask to slow down as often as it likes).
 */
export class RetryLater extends Error {
  constructor(
    readonly delayMs: number,
    /** A code for the job's `lastError`, e.g. `RATE_LIMITED`. */
    readonly reason = 'RETRY_LATER',
  ) {
    super(`${reason}: retry in ${delayMs} ms`);
    this.name = 'RetryLater';
  }
}

export interface JobWorkerOptions {
  queue: JobQueue;
  /** Unique per process, e.g. host name and pid: a lock names its holder. */
  workerId: string;
  handlers: Record<string, JobHandler>;
  now?: () => Date;
  /** How long to wait between polls when nothing is due. */
  pollMs?: number;
  /** How many jobs run at once. */
  batch?: number;
  /** How long a claim holds: a job running longer may run a second time elsewhere. */
  lockMs?: number;
  /** Delay before retry number `attempt` (1 after the first failure). */
  backoff?: (attempt: number) => number;
  log: WorkerLog;
}

const MAX_BACKOFF_MS = 10 * 60_000;

/** 1 s, 2 s, 4 s … up to 10 min, each ±20 % so jobs that failed together do not retry together. */
export function exponentialBackoff(attempt: number): number {
  const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.min(MAX_BACKOFF_MS, Math.round(base * (0.8 + Math.random() * 0.4)));
}

/** A stable text for `lastError`: the error's code if it has one, else its name and message. */
function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.name}: ${code}` : `${error.name}: ${error.message}`;
  }
  return String(error);
}

/**
 * Runs the jobs of the durable queue that it has handlers for. Several
 * workers, in one process or many, may run against the same queue: each job is
 * claimed by one of them at a time. A job that throws is retried with backoff
 * until its attempts are used up.
 */
export class JobWorker {
  private readonly queue: JobQueue;
  private readonly workerId: string;
  private readonly handlers: Record<string, JobHandler>;
  private readonly names: string[];
  private readonly now: () => Date;
  private readonly pollMs: number;
  private readonly batch: number;
  private readonly lockMs: number;
  private readonly backoff: (attempt: number) => number;
  private readonly log: WorkerLog;

  private readonly running = new Set<Promise<void>>();
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  /** How many free places wake a waiting loop: 1 after the queue ran dry, half the batch while it has more. */
  private wakeWhenFree = 1;

  constructor(options: JobWorkerOptions) {
    this.queue = options.queue;
    this.workerId = options.workerId;
    this.handlers = options.handlers;
    this.names = Object.keys(options.handlers);
    this.now = options.now ?? (() => new Date());
    this.pollMs = options.pollMs ?? 500;
    // 30 at once: a job waiting for a send slot holds its place, and the fastest channel sends 30 a second.
    this.batch = Math.max(1, options.batch ?? 30);
    this.lockMs = options.lockMs ?? 60_000;
    this.backoff = options.backoff ?? exponentialBackoff;
    this.log = options.log;
  }

  /** Starts polling in the background; call {@link stop} to end it. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.pump('stopped').catch((error: unknown) => {
      // pump only rejects on a bug: claim failures are caught and logged inside it.
      this.log.error({ workerId: this.workerId, err: error }, 'job worker stopped unexpectedly');
    });
  }

  /** Stops claiming and resolves once the jobs that are running have finished and been settled. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    await Promise.allSettled([...this.running]);
    this.loop = null;
  }

  /** Runs jobs until none is due and none is running (for tests and one-off runs; not while started). */
  async drain(): Promise<void> {
    await this.pump('idle');
  }

  private async pump(until: 'stopped' | 'idle'): Promise<void> {
    while (!(until === 'stopped' && this.stopping)) {
      const free = this.batch - this.running.size;
      let claimed: ClaimedJob[] = [];
      if (free > 0) {
        try {
          const now = this.now();
          claimed = await this.queue.claim(this.workerId, this.names, free, now, new Date(now.getTime() + this.lockMs));
        } catch (error) {
          if (until === 'idle') {
            await Promise.allSettled([...this.running]);
            throw error;
          }
          this.log.warn({ workerId: this.workerId, err: { message: (error as Error).message } }, 'claiming jobs failed; trying again');
          await this.pause();
          continue;
        }
        for (const job of claimed) this.launch(job);
      }
      if (until === 'idle' && claimed.length === 0 && this.running.size === 0) return;
      if (until === 'idle') {
        if (!(free > 0 && claimed.length === free)) await Promise.race(this.running);
        continue;
      }
      // Every free place was filled (or none was free), so more may be due: claim again once half the places are free
      // (one claim for several jobs, not one per job: on the embedded database a claim costs as much
      // as a notification's own reads), or after the poll interval. Otherwise the queue ran dry for
      // now: claim again when any job ends (it may have enqueued more) or after the poll interval.
      await this.pause(claimed.length === free ? Math.max(1, Math.floor(this.batch / 2)) : 1);
    }
  }

  /** Waits for the poll interval, until `wakeWhenFree` places are free, or less when the worker is stopped meanwhile. */
  private pause(wakeWhenFree = 1): Promise<void> {
    if (this.stopping) return Promise.resolve();
    this.wakeWhenFree = wakeWhenFree;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, this.pollMs);
      this.wake = done;
    });
  }

  private launch(job: ClaimedJob): void {
    const run = this.run(job).finally(() => {
      this.running.delete(run);
      // Enough freed places: a polling loop that waits claims again at once.
      if (this.batch - this.running.size >= this.wakeWhenFree) this.wake?.();
    });
    this.running.add(run);
  }

  private async run(job: ClaimedJob): Promise<void> {
    const context = { jobId: job.id, job: job.name, attempt: job.attempts + 1, workerId: this.workerId };
    try {
      await this.handlers[job.name]!(job.payload, job);
    } catch (error) {
      await this.settleFailure(job, error, context);
      return;
    }
    try {
      await this.queue.complete(job.id, this.workerId, this.now());
      this.log.debug?.(context, 'job done');
    } catch (error) {
      // The job ran; if its lock expires before we can record that, it runs again: handlers are idempotent.
      this.log.error({ ...context, err: { message: (error as Error).message } }, 'could not mark a job done');
    }
  }

  private async settleFailure(job: ClaimedJob, error: unknown, context: Record<string, unknown>): Promise<void> {
    const now = this.now();
    if (error instanceof RetryLater) {
      try {
        await this.queue.postpone(job.id, this.workerId, error.reason, new Date(now.getTime() + Math.max(0, error.delayMs)));
        this.log.info({ ...context, reason: error.reason, retryInMs: error.delayMs }, 'job postponed');
      } catch (postponeError) {
        this.log.error({ ...context, err: { message: (postponeError as Error).message } }, 'could not postpone a job');
      }
      return;
    }
    const delay = this.backoff(job.attempts + 1);
    try {
      const outcome = await this.queue.fail(job.id, this.workerId, errorText(error), new Date(now.getTime() + delay), now);
      if (outcome === 'failed') this.log.error({ ...context, err: error }, 'job failed for good; no attempts left');
      else this.log.warn({ ...context, err: error, retryInMs: delay }, 'job failed; will retry');
    } catch (failError) {
      // The lock expires and the job is claimed again; nothing is lost.
      this.log.error({ ...context, err: { message: (failError as Error).message } }, 'could not record a job failure');
    }
  }
}
