import type { Prisma } from '../generated/client.js';

/** A Prisma client or a transaction's client: repositories work on either. */
export type Db = Prisma.TransactionClient;

/**
 * The driver under Prisma (a pg pool or PGlite), for the few statements on the hot path where the
 * Prisma client's own work per query (about a millisecond of CPU) is most of the cost: an accept
 * when hundreds tap at once. Parameters are numbered ($1, $2, …); timestamps go in as {@link utc}
 * text. Outside transactions only: inside one, repositories use the transaction's client.
 */
export interface Sql {
  /** `name` makes it a prepared statement where the driver keeps them (pg: planned once per connection). */
  query<Row>(text: string, values: unknown[], name?: string): Promise<Row[]>;
}

/** The same statements through Prisma, where no driver is at hand (in a transaction, in tests). */
export function prismaSql(db: Db): Sql {
  return { query: <Row>(text: string, values: unknown[]) => db.$queryRawUnsafe<Row[]>(text, ...values) };
}

/** A timestamp as `timestamp(3)` columns hold it: UTC, without zone, as Prisma writes it. */
export function utc(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** The SQLSTATE of a failed statement, from node-postgres, PGlite or Prisma's wrapping of either. */
export function sqlState(error: unknown): string | undefined {
  const e = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: string; code?: string } } } } | null;
  const cause = e?.meta?.driverAdapterError?.cause;
  const code = cause?.originalCode ?? cause?.code ?? e?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
