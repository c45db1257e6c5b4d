/**
 * Matching: which volunteers may be asked for a call, best first. Implemented
 * in SQL in `prisma/` (a grid-cell box prefilter, GIN indexes on activities and
 * languages), because it runs over every volunteer of a region.
 */

export interface CandidateQuery {
  callId: string;
  regionId: string;
  activity: string;
  /** The call needs one of these languages; empty: any. */
  languages: string[];
  lat: number;
  lon: number;
  /** The call's own radius; a volunteer is within min(their radius, this). */
  radiusKm: number;
  startsAt: Date;
  endsAt: Date;
  now: Date;
  /** Nobody is asked more often than this within 24 hours. */
  maxAsksPerDay: number;
  /** No-shows within this many days lower a person's rank (they are still asked). */
  noShowPenaltyDays: number;
  limit: number;
}

export interface Candidate {
  personId: string;
  locale: string;
  distanceKm: number;
  lastAskedAt: Date | null;
  timesAsked: number;
}

export interface CandidateFinder {
  /**
   * Active volunteers with consent, not banned or paused, doing the activity,
   * sharing a language (if required), within reach, not busy with an accepted
   * call that overlaps, not yet asked for this call, under the daily limit;
   * ordered by: recent no-show last, least recently asked, least often asked,
   * nearest.
   */
  find(query: CandidateQuery): Promise<Candidate[]>;
  /** Records that these people were asked in a wave (rotation: last asked, times asked). */
  markAsked(callId: string, personIds: string[], wave: number, at: Date): Promise<void>;
}
