import type { Prisma } from '../generated/client.js';

/** A Prisma client or a transaction's client: repositories work on either. */
export type Db = Prisma.TransactionClient;
