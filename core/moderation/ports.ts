/**
 * The moderation's storage ports: submissions with their versions and
 * decisions, and sanctions. Implemented in `prisma/`; plain data, no rules.
 */

export type SubmissionKind = 'report' | 'information' | 'comment' | 'question' | 'event' | 'training' | 'need' | 'offer';
export type SubmissionStatus = 'pending' | 'published' | 'returned' | 'rejected' | 'withdrawn';
export type Verdict = 'green' | 'yellow' | 'red';

/** A likely problem the pre-check found; it never decides, a moderator reads it. */
export interface Flag {
  code: 'word' | 'link' | 'phone' | 'email';
  /** The text that was found. */
  match: string;
  /** For `word`: the language of the list it is on. */
  list?: string;
}

export interface Submission {
  id: string;
  regionId: string;
  authorId: string | null;
  kind: SubmissionKind;
  topic: string | null;
  status: SubmissionStatus;
  callId: string | null;
  organisationId: string | null;
  parentId: string | null;
  /** The version under review or published. */
  version: number;
  placeName: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SubmissionVersion {
  submissionId: string;
  version: number;
  title: string;
  body: string;
  language: string;
  flags: Flag[];
  createdAt: Date;
}

export interface ModerationDecision {
  id: string;
  submissionId: string;
  version: number;
  reviewerId: string | null;
  verdict: Verdict;
  reason: string | null;
  createdAt: Date;
}

export type NewSubmission = Omit<Submission, 'status' | 'version' | 'createdAt' | 'updatedAt'>;

export interface SubmissionRepository {
  create(submission: NewSubmission, first: Omit<SubmissionVersion, 'submissionId' | 'version' | 'createdAt'>, at: Date): Promise<void>;
  findById(id: string): Promise<Submission | null>;
  /** The submission whose id starts with this reference (as shown to people, e.g. `3f9a2c1b`), in a region. */
  findByRef(regionId: string, ref: string): Promise<Submission | null>;
  /** Every version, oldest first. */
  versions(id: string): Promise<SubmissionVersion[]>;
  /** Every decision, oldest first. */
  decisions(id: string): Promise<ModerationDecision[]>;
  /**
   * Moves a submission from one of `from` at `version` to `to` (and to `newVersion`), in one
   * conditional update: false when somebody else changed it first.
   */
  transition(id: string, from: SubmissionStatus[], version: number, to: SubmissionStatus, at: Date, newVersion?: number): Promise<boolean>;
  addVersion(version: Omit<SubmissionVersion, 'createdAt'>, at: Date): Promise<void>;
  recordDecision(decision: Omit<ModerationDecision, 'createdAt'>, at: Date): Promise<void>;
  /** Published items of a region, newest first: top-level ones (`parentId` null) or the comments on one. */
  published(regionId: string, parentId: string | null, limit: number): Promise<Submission[]>;
  /** Items waiting for review in a region, oldest (last submitted) first. */
  queue(regionId: string, limit: number): Promise<Submission[]>;
  byAuthor(authorId: string, limit: number): Promise<Submission[]>;
  /** How many of the author's items are in each state. */
  countsByAuthor(authorId: string): Promise<Partial<Record<SubmissionStatus, number>>>;
  /** Withdraws the author's items that are not decided for good (pending, returned); returns their ids. */
  withdrawOpen(authorId: string, at: Date): Promise<string[]>;
  /** Active people in the region who follow the topic and read the language. */
  subscribers(regionId: string, topic: string, language: string): Promise<string[]>;
}

export type SanctionKind = 'warning' | 'ban' | 'lifted';

export interface Sanction {
  id: string;
  personId: string;
  kind: SanctionKind;
  reason: string;
  byId: string | null;
  createdAt: Date;
  appeal: string | null;
  appealedAt: Date | null;
  settledAt: Date | null;
}

export interface SanctionRepository {
  create(sanction: Pick<Sanction, 'id' | 'personId' | 'kind' | 'reason' | 'byId'> & { createdAt: Date }): Promise<void>;
  /** Newest first. */
  forPerson(personId: string): Promise<Sanction[]>;
  /** Records the banned person's request for review on the ban, once; false if there is nothing to appeal or it was appealed. */
  appeal(sanctionId: string, text: string, at: Date): Promise<boolean>;
  /** Bans with an open appeal, in a region, oldest appeal first. */
  openAppeals(regionId: string, limit: number): Promise<Sanction[]>;
  /** Marks an appeal answered, once: of two moderators answering at once exactly one gets true. */
  settle(sanctionId: string, at: Date): Promise<boolean>;
}

export type CallOutcome = 'good' | 'mixed' | 'bad';

/** A volunteer's report after a helper call; private to the call's organisation. */
export interface CallReport {
  id: string;
  callId: string;
  personId: string | null;
  organisationId: string;
  outcome: CallOutcome;
  hours: number;
  issues: string | null;
  submissionId: string | null;
  createdAt: Date;
}

/** A call a volunteer may report on: they were accepted, it has ended, and they have not reported yet. */
export interface ReportableCall {
  callId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  organisationId: string;
}

export interface CallReportRepository {
  /** Returns false when the person reported on this call already. */
  create(report: Omit<CallReport, 'createdAt'>, at: Date): Promise<boolean>;
  reportable(personId: string, now: Date, limit: number): Promise<ReportableCall[]>;
  /** Newest first, with the call's title. */
  forOrganisation(organisationId: string, limit: number): Promise<(CallReport & { title: string })[]>;
}

/** "Report this" on a published item. */
export interface AbuseReport {
  id: string;
  submissionId: string;
  reporterId: string | null;
  reason: string;
  createdAt: Date;
  resolvedAt: Date | null;
  resolvedById: string | null;
  resolution: 'kept' | 'removed' | null;
}

export interface AbuseReportRepository {
  create(report: Pick<AbuseReport, 'id' | 'submissionId' | 'reporterId' | 'reason'>, at: Date): Promise<void>;
  /** Whether this person has an unresolved report on the item. */
  hasOpen(submissionId: string, reporterId: string): Promise<boolean>;
  /** Items of a region with unresolved reports, the longest-waiting first. */
  openItems(regionId: string, limit: number): Promise<string[]>;
  openFor(submissionId: string): Promise<AbuseReport[]>;
  /** Resolves every open report on the item at once; returns how many (0: somebody else did first). */
  resolve(submissionId: string, byId: string, resolution: 'kept' | 'removed', at: Date): Promise<number>;
}
