import type { RateSlots } from './job-queue.js';

/**
 * Send slots kept in this process, for a service that runs as one process (the embedded database's
 * directory is locked to one): every send of the service passes through here, so the slots need no
 * database round trip, and a send that a busy event loop made late may keep its slot (`local`): the
 * sender's own window ({@link SendWindow}) sees every send on the channel and keeps the hard limit.
 * Same rules as the shared slots otherwise: an idle key starts at `now`, each reservation moves the
 * key's next slot on by the interval, a block pushes it out. A key whose next slot has passed is the
 * same as an idle one and is forgotten (a key per person messaged would only grow).
 */
export function processSlots(clock: () => number = Date.now): RateSlots & { readonly size: number } {
  const next = new Map<string, number>();
  let sweepAt = 64;
  return {
    local: true,
    /** Keys kept: those whose next slot has not passed, and any reserved since the last sweep. */
    get size() {
      return next.size;
    },
    async reserve(key, intervalMs, now) {
      const start = Math.max(next.get(key) ?? -Infinity, now.getTime(), Math.min(clock(), now.getTime() + 1000));
      next.set(key, start + Math.max(0, intervalMs));
      if (next.size > sweepAt) {
        for (const [other, at] of next) if (at <= now.getTime()) next.delete(other);
        // Twice what is left: each sweep costs no more than the keys reserved since the last.
        sweepAt = Math.max(64, 2 * next.size);
      }
      return start;
    },
    async block(key, until) {
      next.set(key, Math.max(next.get(key) ?? -Infinity, until.getTime()));
    },
  };
}
