/**
 * The durable job queue's ports. Waves, reminders, deadlines and outgoing
 * messages are jobs in the database, so a crash or restart loses none and any
 * instance can run them. Implemented in `prisma/`.
 */

export interface JobSpec {
  name: string;
  payload?: Record<string, unknown>;
  /** Not before this time; default now. */
  runAt?: Date;
  /** Idempotency key: a job with a key that was enqueued before (done or not) is not added again. */
  key?: string;
  maxAttempts?: number;
}

export interface ClaimedJob {
  id: string;
  name: string;
  key: string | null;
  payload: Record<string, unknown>;
  /** How many times it was claimed before this one. */
  attempts: number;
  maxAttempts: number;
}

/** Enqueueing; part of a unit of work, so a job commits together with what caused it. */
export interface JobRepository {
  /** Returns false when a job with the same key exists already. */
  enqueue(job: JobSpec): Promise<boolean>;
  /** Enqueues many in one go (e.g. a wave's deliveries); returns how many were new. */
  enqueueMany(jobs: JobSpec[]): Promise<number>;
}

/** Claiming and settling; used by the worker, outside any other transaction. */
export interface JobQueue extends JobRepository {
  /**
   * Claims up to `limit` due jobs with one of `names` for `workerId` until `lockedUntil`
   * (a crashed worker's jobs become due again then). Several workers never claim the same job.
   */
  claim(workerId: string, names: string[], limit: number, now: Date, lockedUntil: Date): Promise<ClaimedJob[]>;
  complete(id: string, workerId: string, now: Date): Promise<void>;
  /** Retries at `retryAt`, or gives up for good when the attempts are used: returns which. */
  fail(id: string, workerId: string, error: string, retryAt: Date, now: Date): Promise<'retry' | 'failed'>;
  /** Gives the claim back without using an attempt (the job was not wrong, e.g. a channel said "slow down"); runs again at `runAt`. */
  postpone(id: string, workerId: string, reason: string, runAt: Date): Promise<void>;
}

/**
 * Send slots shared by every instance: reserving returns the earliest time at
 * which this send may go, at least `intervalMs` after the previous reservation
 * of the same key (e.g. `telegram` at 1000/30 ms, `telegram:chat:42` at 1000 ms).
 */
export interface RateSlots {
  /**
   * Every send of the service passes through this object (one process: {@link processSlots}), so a
   * sender's own window sees the whole channel and a send that woke up late may keep its slot.
   */
  readonly local?: boolean;
  /**
   * Takes the key's next free slot, `intervalMs` wide (fractions count); returns its start in epoch ms.
   * An idle key's slot starts at `now` or, if later, when the reservation is made in the store (a
   * reservation that waited for the database must not come back with a slot already past).
   */
  reserve(key: string, intervalMs: number, now: Date): Promise<number>;
  /** Pushes a key's next slot out (after a 429 with retry_after). */
  block(key: string, until: Date): Promise<void>;
}
