/**
 * A lease on a task only one instance of the deployment may do at a time,
 * such as long polling Telegram with one token. It lives in the database
 * (no advisory locks: PGlite and PostgreSQL alike), held by one holder until
 * it expires; the holder renews it well before then.
 */
export interface Leases {
  /**
   * Takes the lease for `holder` for `ttlMs` (measured by the database's clock, so instances with
   * skewed clocks agree) when it is free, expired or held by `holder` already (a renewal).
   * Returns whether `holder` holds it now, and the state its last holder saved.
   */
  acquire(name: string, holder: string, ttlMs: number): Promise<{ held: boolean; state: string | null }>;
  /** Saves the holder's progress; false when `holder` no longer holds the lease. */
  save(name: string, holder: string, state: string): Promise<boolean>;
  /** Gives the lease up at once, so another instance need not wait for it to expire. */
  release(name: string, holder: string): Promise<void>;
}
