import type { RateSlots } from './job-queue.js';

/**
 * Send slots kept in this process, for a service that runs as one process (the embedded database's
 * directory is locked to one): every send of the service passes through here, so the slots need no
 * database round trip, and a send that a busy event loop made late may keep its slot (`local`): the
 * sender's own window ({@link SendWindow}) sees every send on the channel and keeps the hard limit.
 * Same rules as the shared slots otherwise: an idle key starts at `now`, each reservation moves the
 * key's next slot on by the interval, a block pushes it out.
 */
export function processSlots(clock: () => number = Date.now): RateSlots {
  const next = new Map<string, number>();
  return {
    local: true,
    async reserve(key, intervalMs, now) {
      const start = Math.max(next.get(key) ?? -Infinity, now.getTime(), Math.min(clock(), now.getTime() + 1000));
      next.set(key, start + Math.max(0, intervalMs));
      return start;
    },
    async block(key, until) {
      next.set(key, Math.max(next.get(key) ?? -Infinity, until.getTime()));
    },
  };
}
