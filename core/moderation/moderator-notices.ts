import { afterQuietHours, type QuietHours } from '../calls/quiet-hours.js';
import { msg } from '../messages.js';
import type { Repositories, Store } from '../store.js';
import { NOTIFY_JOB } from './notify.js';

/** An item entered a moderation queue; its job schedules the region's digest. */
export const ITEM_WAITS_JOB = 'moderators.waiting';
/** The digest: each moderator of the region hears once what waits. */
export const NOTICE_JOB = 'moderators.notice';

/** What waits in a region's queues, by the command that works through it. */
export interface Waiting {
  review: number;
  requests: number;
  reported: number;
  appeals: number;
  questions: number;
}

/** Who hears of waiting items, and who switched that off. Implemented in `prisma/`. */
export interface ModeratorNoticeRepository {
  /** Active moderators of the region (or of every region) who have not switched the notices off. */
  recipients(regionId: string): Promise<string[]>;
  waiting(regionId: string): Promise<Waiting>;
  enabled(personId: string): Promise<boolean>;
  setEnabled(personId: string, enabled: boolean): Promise<void>;
}

export interface ModeratorNoticeSettings {
  /** At most one notice per moderator per this long; a burst of submissions in it becomes one digest. */
  windowMs: number;
  /** Also in the region's quiet hours (default: the digest waits for the morning). */
  inQuietHours: boolean;
  quietHours: QuietHours;
}

/**
 * Called in the transaction in which something enters a queue (an item, a
 * revised version, a comment or question to pre-moderate, a role request,
 * a report of abuse, an appeal): only a small job, so the submitter's turn
 * stays fast; the job itself schedules the digest. `subject` makes it once.
 */
export async function itemWaits(repos: Repositories, regionId: string, subject: string): Promise<void> {
  await repos.jobs.enqueue({ name: ITEM_WAITS_JOB, key: `waiting:${subject}`, payload: { regionId } });
}

type Handler = (payload: Record<string, unknown>) => Promise<void>;

/**
 * The digest runs at the end of the window the item came in, one job per
 * region and window (its key): however many items come in a window, each
 * moderator gets one notice, and two notices are at least a window apart.
 * In quiet hours the digest moves to the window in which they end, so a
 * night's items make one notice in the morning. It counts what waits when it
 * runs: items reviewed meanwhile are not announced.
 */
export function moderatorNoticeJobHandlers(deps: { store: Store; now: () => Date; settings: ModeratorNoticeSettings }): Record<string, Handler> {
  const { store, settings } = deps;
  const windowOf = (at: Date) => Math.floor(at.getTime() / settings.windowMs);
  const digest = (regionId: string, window: number) =>
    store.jobs.enqueue({ name: NOTICE_JOB, key: `moderators.notice:${regionId}:${window}`, runAt: new Date((window + 1) * settings.windowMs), payload: { regionId, window } });

  return {
    [ITEM_WAITS_JOB]: async (payload) => {
      await digest(String(payload.regionId), windowOf(deps.now()));
    },
    [NOTICE_JOB]: async (payload) => {
      const regionId = String(payload.regionId);
      const region = await store.regions.findById(regionId);
      if (!region) return;
      const now = deps.now();
      if (!settings.inQuietHours) {
        const quietEnds = afterQuietHours(now, region.timeZone, settings.quietHours);
        if (quietEnds.getTime() > now.getTime()) {
          await digest(regionId, windowOf(quietEnds));
          return;
        }
      }
      const waiting = await store.moderatorNotices.waiting(regionId);
      const count = Object.values(waiting).reduce((a, b) => a + b, 0);
      if (count === 0) return;
      const commands = (Object.keys(waiting) as (keyof Waiting)[]).filter((k) => waiting[k] > 0).map((k) => `/${k} (${waiting[k]})`).join(', ');
      const message = msg('moderation:notice.waiting', { count, commands });
      const window = Number(payload.window);
      await store.jobs.enqueueMany(
        (await store.moderatorNotices.recipients(regionId)).map((personId) => {
          const key = `moderators.notice:${regionId}:${window}:${personId}`;
          return { name: NOTIFY_JOB, key, payload: { personId, message: message as unknown as Record<string, unknown>, key } };
        }),
      );
    },
  };
}
