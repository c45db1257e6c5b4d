import { StoreUnavailableError, type Repositories, type Store } from '../core/index.js';
import { Prisma, type PrismaClient } from './generated/client.js';
import type { Db, Sql } from './repositories/db.js';
import { auditRepository } from './repositories/audit-repository.js';
import { consentRepository } from './repositories/consent-repository.js';
import { conversationRepository } from './repositories/conversation-repository.js';
import { identityRepository } from './repositories/identity-repository.js';
import { personRepository } from './repositories/person-repository.js';
import { processedEventRepository } from './repositories/processed-event-repository.js';
import { regionRepository } from './repositories/region-repository.js';
import { organisationRepository } from './repositories/organisation-repository.js';
import { roleRepository } from './repositories/role-repository.js';
import { apiKeyRepository } from './repositories/api-key-repository.js';
import { sentMessageRepository } from './repositories/sent-message-repository.js';
import { callRepository } from './repositories/call-repository.js';
import { candidateFinder } from './repositories/candidate-finder.js';
import { jobRepository } from './repositories/job-repository.js';
import { commitmentRepository } from './repositories/commitment-repository.js';
import { roleRequestRepository } from './repositories/role-request-repository.js';
import { submissionRepository } from './repositories/submission-repository.js';
import { sanctionRepository } from './repositories/sanction-repository.js';
import { callReportRepository } from './repositories/call-report-repository.js';
import { abuseReportRepository } from './repositories/abuse-report-repository.js';
import { informationRepository } from './repositories/information-repository.js';
import { boardRepository } from './repositories/board-repository.js';
import { moderatorNoticeRepository } from './repositories/moderator-notice-repository.js';
import { attachmentRepository } from './repositories/attachment-repository.js';

function repositories(db: Db, sql?: Sql): Repositories {
  return {
    conversations: conversationRepository(db),
    events: processedEventRepository(db),
    people: personRepository(db),
    identities: identityRepository(db),
    consents: consentRepository(db),
    regions: regionRepository(db),
    audit: auditRepository(db),
    organisations: organisationRepository(db),
    roles: roleRepository(db),
    apiKeys: apiKeyRepository(db),
    sentMessages: sentMessageRepository(db),
    calls: callRepository(db, sql),
    candidates: candidateFinder(db),
    jobs: jobRepository(db),
    commitments: commitmentRepository(db),
    roleRequests: roleRequestRepository(db),
    submissions: submissionRepository(db),
    sanctions: sanctionRepository(db),
    callReports: callReportRepository(db),
    abuseReports: abuseReportRepository(db),
    moderatorNotices: moderatorNoticeRepository(db),
    information: informationRepository(db),
    board: boardRepository(db),
    attachments: attachmentRepository(db),
  };
}

/** Driver-adapter error kinds that mean the connection, not the statement, failed. */
const UNREACHABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/**
 * Whether an error means "the database is not reachable right now" (retrying
 * later can succeed), as opposed to a bug or a constraint. Prisma wraps driver
 * errors; the SQLSTATE or socket error sits in `meta.driverAdapterError.cause`.
 */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientInitializationError) return true;
  const e = error as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string; code?: string; originalCode?: string; severity?: string } } }; cause?: { code?: string } };
  if (error instanceof Prisma.PrismaClientKnownRequestError && ['P1001', 'P1002', 'P1017', 'P2024'].includes(error.code)) return true;
  const cause = e.meta?.driverAdapterError?.cause;
  if (cause) {
    if (cause.kind && UNREACHABLE_KINDS.has(cause.kind)) return true;
    const state = cause.originalCode ?? cause.code ?? '';
    // Class 08: connection exception; 57P01-03: shutdown or not yet accepting; 53300: too many connections;
    // FATAL: the server refused the session itself (e.g. the database does not accept connections).
    if (/^08|^57P0[1-3]$|^53300$/.test(state) || cause.severity === 'FATAL') return true;
  }
  const code = e.code ?? e.cause?.code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code) || /^08|^57P0[1-3]$|^53300$/.test(code)) return true;
  // node-postgres itself (the hot-path statements): the server refused the session, or dropped it.
  const raw = error as { severity?: string; message?: string };
  return raw.severity === 'FATAL' || /^Connection terminated/.test(raw.message ?? '');
}

/**
 * The core's {@link Store} on a Prisma client (PostgreSQL or PGlite); `sql`, the driver under it,
 * takes the hot-path statements outside transactions.
 */
export function prismaStore(prisma: PrismaClient, sql?: Sql): Store {
  return {
    ...unavailableAwareRepositories(repositories(prisma, sql)),
    async transaction(work) {
      try {
        return await prisma.$transaction((tx) => work(repositories(tx)), { maxWait: 10_000, timeout: 20_000 });
      } catch (error) {
        if (isUnavailable(error)) throw new StoreUnavailableError(error);
        throw error;
      }
    },
  };
}

/**
 * Repositories used outside a transaction, with "database unreachable" errors turned into the
 * core's {@link StoreUnavailableError}, as {@link Store.transaction} does: the channel then says
 * "try again" instead of reporting an unexpected error.
 */
function unavailableAwareRepositories(repos: Repositories): Repositories {
  const wrapped: Record<string, unknown> = {};
  for (const [name, repo] of Object.entries(repos)) {
    const methods: Record<string, unknown> = {};
    for (const [method, fn] of Object.entries(repo as Record<string, unknown>)) {
      methods[method] =
        typeof fn === 'function'
          ? async (...args: unknown[]) => {
              try {
                return await (fn as (...a: unknown[]) => Promise<unknown>).apply(repo, args);
              } catch (error) {
                if (isUnavailable(error)) throw new StoreUnavailableError(error);
                throw error;
              }
            }
          : fn;
    }
    wrapped[name] = methods;
  }
  return wrapped as unknown as Repositories;
}

// The worker's side of the job queue and the shared send slots, for the composition root.
export { jobQueue } from './repositories/job-repository.js';
export { rateSlots } from './repositories/rate-slots.js';
export { leases } from './repositories/lease-repository.js';
