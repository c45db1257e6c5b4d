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
