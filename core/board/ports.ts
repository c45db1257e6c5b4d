/**
 * Storage of the board: events, trainings, donation needs and offers. Each is
 * a moderation submission (title, text, topic, review, versions) plus one row
 * of kind-specific fields, and events and trainings have sign-ups.
 * Implemented in `prisma/`; plain data, no rules.
 */
import type { SubmissionStatus } from '../moderation/ports.js';

export const BOARD_KINDS = ['event', 'training', 'need', 'offer'] as const;
export type BoardKind = (typeof BOARD_KINDS)[number];

/** Kinds people sign up for, up to a capacity. */
export const SIGN_UP_KINDS: readonly BoardKind[] = ['event', 'training'];

export const isBoardKind = (value: unknown): value is BoardKind => (BOARD_KINDS as readonly unknown[]).includes(value);

/** The kind-specific fields; which are set depends on the kind. */
export interface BoardFields {
  startsAt: Date | null;
  endsAt: Date | null;
  placeName: string | null;
  lat: number | null;
  lon: number | null;
  organiser: string | null;
  capacity: number | null;
  quantity: string | null;
  until: Date | null;
}

/** One board item as readers see it: its current version with the kind's fields. */
export interface BoardEntry extends BoardFields {
  submissionId: string;
  kind: BoardKind;
  regionId: string;
  authorId: string | null;
  organisationId: string | null;
  status: SubmissionStatus;
  topic: string | null;
  title: string;
  body: string;
  language: string;
  taken: number;
  metAt: Date | null;
  updatedAt: Date;
}

export type SignUpOutcome = 'signed-up' | 'already' | 'full';

export interface BoardRepository {
  create(submissionId: string, fields: BoardFields): Promise<void>;
  find(submissionId: string): Promise<BoardEntry | null>;
  /**
   * Published items of a kind in a region that are still current at `now`: events and
   * trainings that have not ended, needs that are neither met nor past their date, offers.
   * Events and trainings soonest first, needs by their date, offers newest first.
   */
  current(regionId: string, kind: BoardKind, now: Date, limit: number): Promise<BoardEntry[]>;
  /**
   * Takes a place: records the sign-up (a second one of the same person is 'already') and
   * counts it with one conditional UPDATE (`taken < capacity`), on whose row lock concurrent
   * sign-ups queue, so exactly `capacity` succeed. Part of the caller's transaction.
   */
  signUp(submissionId: string, personId: string, at: Date): Promise<SignUpOutcome>;
  /** Removes the sign-up and frees its place; false when there was none. */
  cancel(submissionId: string, personId: string): Promise<boolean>;
  isSignedUp(submissionId: string, personId: string): Promise<boolean>;
  /** The person's sign-ups with what they signed up for, for their data export and their calendar. */
  signupsOf(personId: string): Promise<{ submissionId: string; kind: BoardKind; title: string; startsAt: Date | null; endsAt: Date | null; placeName: string | null; createdAt: Date }[]>;
  /** The events and trainings the person signed up for that end after `from`, earliest first (for their calendar). */
  signedUpFor(personId: string, from: Date): Promise<BoardEntry[]>;
  /** Frees the places of every sign-up of a person (before they are deleted). */
  releaseAll(personId: string): Promise<number>;
  /** Marks a need met, once: of two people at once exactly one gets true. */
  markMet(submissionId: string, byId: string, at: Date): Promise<boolean>;
}
