import type { Store } from '../store.js';

export const DRAFT_RETENTION_DAYS = 30;
export const EVENT_RETENTION_DAYS = 7;
const DAY_MS = 24 * 3600 * 1000;

export interface HousekeepingResult {
  draftsForgotten: number;
  eventsPruned: number;
}

/**
 * Forgets what nobody needs any more: a registration abandoned for 30 days
 * (its draft holds a name and an e-mail address, but no consent to keep them)
 * is forgotten, and ids of processed events older than a week are dropped
 * (no channel replays an update that late). Safe to run on every instance.
 */
export async function housekeeping(store: Store, now: Date): Promise<HousekeepingResult> {
  // The conversation goes with its draft; the next message starts afresh (at the menu for a registered person).
  const draftsForgotten = await store.conversations.deleteDraftsIdleSince(new Date(now.getTime() - DRAFT_RETENTION_DAYS * DAY_MS));
  const eventsPruned = await store.events.pruneOlderThan(new Date(now.getTime() - EVENT_RETENTION_DAYS * DAY_MS));
  return { draftsForgotten, eventsPruned };
}
