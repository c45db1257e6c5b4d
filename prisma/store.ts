import { StoreUnavailableError, type Repositories, type Store } from '../core/index.js';
import { Prisma, type PrismaClient } from './generated/client.js';
import type { Db } from './repositories/db.js';
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

function repositories(db: Db): Repositories {
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
  };
}

/** Prisma error codes and driver errors that mean "the database is not reachable right now". */
function isUnavailable(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientInitializationError) return true;
  if (error instanceof Prisma.PrismaClientKnownRequestError) return ['P1001', 'P1002', 'P1017', 'P2024'].includes(error.code);
  const code = (error as { code?: string; cause?: { code?: string } })?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '08006', '08001', '08003'].includes(code ?? '');
}

/** The core's {@link Store} on a Prisma client (PostgreSQL or PGlite). */
export function prismaStore(prisma: PrismaClient): Store {
  return {
    ...repositories(prisma),
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
