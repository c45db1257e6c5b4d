import type { Commitment } from '../calls/commitments.js';
import { commitmentsCalendar } from '../calls/ical.js';
import type { BoardEntry } from './ports.js';

/** Where a region's public feed of events and trainings is served: `/board/<region>.ics`. */
export const BOARD_FEED_PATH = '/board/';

/**
 * A region's published, current events and trainings as an iCalendar file,
 * with the same writer as a person's commitments. UIDs are stable, so a
 * subscribed calendar updates an item instead of adding it again.
 */
export function boardFeedIcs(entries: BoardEntry[], name: string, now: Date, describe: (entry: BoardEntry) => string): string {
  return commitmentsCalendar(
    entries
      .filter((e) => e.startsAt && e.endsAt && e.lat !== null && e.lon !== null)
      .map((e) => ({
        uid: `${e.submissionId}@helferruf-board`,
        title: e.title,
        description: describe(e),
        placeName: e.placeName ?? '',
        lat: e.lat!,
        lon: e.lon!,
        startsAt: e.startsAt!,
        endsAt: e.endsAt!,
        organisation: e.organiser ?? '',
        status: 'confirmed' as const,
        updatedAt: e.updatedAt,
      })),
    { name, now, prodId: '-//Helferruf//Board//EN' },
  );
}

/**
 * A person's sign-ups as commitments, for their personal calendar feed: an
 * item that was taken down after they signed up shows as cancelled.
 */
export function signupCommitments(entries: BoardEntry[]): Commitment[] {
  return entries
    .filter((e) => e.startsAt && e.endsAt && e.lat !== null && e.lon !== null)
    .map((e) => ({
      callId: `board-${e.submissionId}`,
      title: e.title,
      description: e.body,
      placeName: e.placeName ?? '',
      lat: e.lat!,
      lon: e.lon!,
      startsAt: e.startsAt!,
      endsAt: e.endsAt!,
      organisation: e.organiser ?? '',
      status: e.status === 'published' ? 'open' : 'cancelled',
      updatedAt: e.updatedAt,
    }));
}
