import type { InformationRepository } from './information/ports.js';
import type { BoardRepository } from './board/ports.js';
import type { ModeratorNoticeRepository } from './moderation/moderator-notices.js';
import type { AttachmentRepository } from './attachments/ports.js';
import type { Person, Profile } from './people/person.js';
import type { Activity, Region } from './regions/region.js';
import type { ConversationState } from './conversation/state.js';
import type { CallRepository } from './calls/call.js';
import type { CandidateFinder } from './calls/candidates.js';
import type { JobRepository } from './jobs/job-queue.js';
import type { CommitmentRepository } from './calls/commitments.js';
import type { RoleRequestRepository } from './roles/role-request.js';
import type { AbuseReportRepository, CallReportRepository, SanctionRepository, SubmissionRepository } from './moderation/ports.js';

/**
 * The storage ports the core needs. Implementations live in `prisma/`; they
 * return plain data and hold no rules.
 */

export interface StoredConversation {
  channel: string;
  address: string;
  locale: string | null;
  state: ConversationState;
  version: number;
}

export interface ConversationRepository {
  get(channel: string, address: string): Promise<StoredConversation | null>;
  /** Creates the row; returns false when it already exists (a concurrent first message). */
  create(conversation: Omit<StoredConversation, 'version'>): Promise<boolean>;
  /** Writes only if the stored version is still `expectedVersion`; returns false otherwise. */
  update(channel: string, address: string, expectedVersion: number, patch: { locale: string | null; state: ConversationState }): Promise<boolean>;
  /** Removes drafts (which may hold personal data) of every conversation of a person. */
  resetAll(addresses: { channel: string; address: string }[], state: ConversationState): Promise<void>;
  /** Deletes conversations untouched since `before` that still hold a draft; returns how many. */
  deleteDraftsIdleSince(before: Date): Promise<number>;
}

export interface ProcessedEventRepository {
  /** Records an event id; returns false when it was recorded before (a duplicate). */
  record(channel: string, eventId: string): Promise<boolean>;
  pruneOlderThan(date: Date): Promise<number>;
}

export interface NewPerson extends Profile {
  id: string;
  regionId: string;
  locale: string;
}

export interface PersonRepository {
  create(person: NewPerson): Promise<Person>;
  findById(id: string): Promise<Person | null>;
  findByEmail(regionId: string, email: string): Promise<Person | null>;
  /** Every person with this address, in any region (for the operator CLI). */
  findAllByEmail(email: string): Promise<Person[]>;
  findByIdentity(channel: string, address: string): Promise<Person | null>;
  updateProfile(id: string, profile: Profile): Promise<Person>;
  setLocale(id: string, locale: string): Promise<void>;
  /** No helper calls until then (null: from now on again). */
  setPausedUntil(id: string, until: Date | null): Promise<void>;
  /** A ban sets `banned`; lifting it sets `active` again. */
  setStatus(id: string, status: Person['status']): Promise<void>;
  /** Topics the person follows (publications in them are sent to them). */
  setTopics(id: string, topics: string[]): Promise<void>;
  topics(id: string): Promise<string[]>;
  /** Deletes the person and, by cascade, their identities, consents, memberships and roles. */
  delete(id: string): Promise<void>;
}

export interface ChannelIdentity {
  channel: string;
  address: string;
  personId: string;
  preferred: boolean;
  unreachableSince: Date | null;
  createdAt: Date;
}

export interface IdentityRepository {
  link(identity: { channel: string; address: string; personId: string; preferred: boolean }): Promise<void>;
  listForPerson(personId: string): Promise<ChannelIdentity[]>;
  /** The channel said this address cannot be reached any more (e.g. the bot was blocked). */
  markUnreachable(channel: string, address: string, at: Date): Promise<void>;
  /** The person can be reached there again (e.g. they unblocked the bot). */
  markReachable(channel: string, address: string): Promise<void>;
}

export interface Consent {
  id: string;
  personId: string;
  kind: string;
  noticeVersion: string;
  locale: string;
  givenAt: Date;
  withdrawnAt: Date | null;
}

export interface ConsentRepository {
  record(consent: Omit<Consent, 'withdrawnAt'>): Promise<void>;
  listForPerson(personId: string): Promise<Consent[]>;
}

export interface RegionRepository {
  getDefault(): Promise<Region | null>;
  findById(id: string): Promise<Region | null>;
  findBySlug(slug: string): Promise<Region | null>;
  list(): Promise<Region[]>;
  /** Creates the region with its activity catalogue; returns false if the slug exists. */
  create(region: Region, activities: string[]): Promise<boolean>;
  /** The activities offered in a region (active ones), in catalogue order. */
  activities(regionId: string): Promise<Activity[]>;
  /** Every activity of the region, including those no longer offered. */
  allActivities(regionId: string): Promise<(Activity & { active: boolean })[]>;
  /** Adds an activity at the end of the catalogue, or offers it again with new labels. */
  upsertActivity(regionId: string, activity: Activity): Promise<void>;
  /** Returns false if the region has no such activity. */
  setActivityActive(regionId: string, key: string, active: boolean): Promise<boolean>;
}

export interface AuditEntry {
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  /** Ids and codes only, never personal data. */
  details?: Record<string, string | number | boolean | null>;
}

export interface AuditRepository {
  append(entry: AuditEntry): Promise<void>;
}

export interface Organisation {
  id: string;
  regionId: string;
  slug: string;
  name: string;
  createdAt: Date;
}

export interface OrganisationRepository {
  /** Returns false if the slug is taken. */
  create(organisation: Omit<Organisation, 'createdAt'>): Promise<boolean>;
  findBySlug(slug: string): Promise<Organisation | null>;
  list(regionId?: string): Promise<Organisation[]>;
  addMember(organisationId: string, personId: string): Promise<void>;
  findById(id: string): Promise<Organisation | null>;
}

export type RoleName = 'reader' | 'commenter' | 'writer' | 'coordinator' | 'moderator' | 'admin';

export interface RoleGrant {
  id: string;
  personId: string;
  role: RoleName;
  regionId: string | null;
  organisationId: string | null;
  grantedById: string | null;
  reason: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface RoleRepository {
  grant(grant: Omit<RoleGrant, 'createdAt' | 'revokedAt'>): Promise<void>;
  /** Revokes matching active grants; returns how many. */
  revoke(personId: string, role: RoleName, organisationId: string | null, at: Date): Promise<number>;
  active(personId: string): Promise<RoleGrant[]>;
}

export interface ApiKey {
  id: string;
  organisationId: string;
  prefix: string;
  label: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface ApiKeyRepository {
  create(key: Omit<ApiKey, 'createdAt' | 'revokedAt'> & { hash: string }): Promise<void>;
  findActiveByHash(hash: string): Promise<ApiKey | null>;
  list(organisationId: string): Promise<ApiKey[]>;
  /** Returns the key if it existed and was active. */
  revoke(id: string, at: Date): Promise<ApiKey | null>;
}

export interface SentMessageRepository {
  /** Forgets every message sent to these addresses (they may hold personal data). */
  deleteForAddresses(addresses: { channel: string; address: string }[]): Promise<number>;
  /** Messages sent about something (e.g. `call:<id>`), to edit them when it changes. */
  bySubject(subject: string, addresses?: { channel: string; address: string }[]): Promise<{ channel: string; address: string; id: string }[]>;
}

export interface Repositories {
  conversations: ConversationRepository;
  events: ProcessedEventRepository;
  people: PersonRepository;
  identities: IdentityRepository;
  consents: ConsentRepository;
  regions: RegionRepository;
  audit: AuditRepository;
  organisations: OrganisationRepository;
  roles: RoleRepository;
  apiKeys: ApiKeyRepository;
  sentMessages: SentMessageRepository;
  calls: CallRepository;
  candidates: CandidateFinder;
  jobs: JobRepository;
  commitments: CommitmentRepository;
  roleRequests: RoleRequestRepository;
  submissions: SubmissionRepository;
  sanctions: SanctionRepository;
  callReports: CallReportRepository;
  abuseReports: AbuseReportRepository;
  information: InformationRepository;
  board: BoardRepository;
  moderatorNotices: ModeratorNoticeRepository;
  attachments: AttachmentRepository;
}

/** The repositories plus a unit of work: everything inside `transaction` commits or nothing does. */
export interface Store extends Repositories {
  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T>;
}
