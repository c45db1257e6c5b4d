import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import pg from 'pg';
import { PrismaClient } from '../prisma/generated/client.js';
import { applyMigrations, migrationStatus, pgliteTarget, postgresTarget, type MigrationStatus, type MigrationTarget } from '../prisma/migrate.js';
import type { Config } from './config.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import type { Logger } from './logger.js';
import type { Sql } from '../prisma/repositories/db.js';

export interface Database {
  kind: 'pglite' | 'postgres';
  prisma: PrismaClient;
  /** The driver under Prisma, for the hot-path statements (see prisma/repositories/db.ts). */
  sql: Sql;
  migrations(): Promise<MigrationStatus>;
  /** A cheap round trip, for the readiness check. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Apply pending migrations (the service does; the CLI's status command does not). */
  migrate?: boolean;
  log: Logger;
}

/**
 * Opens the configured database: PostgreSQL when DATABASE_URL is set, else the
 * embedded PGlite in DATA_DIR (locked to this process). Pending migrations are
 * applied before anything else touches the schema.
 */
export async function openDatabase(config: Config['database'], options: OpenOptions): Promise<Database> {
  const { log } = options;
  const migrateLog = { log: (msg: string, data?: object) => log.info(data ?? {}, msg), warn: (msg: string, data?: object) => log.warn(data ?? {}, msg) };

  if (config.kind === 'postgres') {
    // One pool for Prisma, the hot-path statements, migrations and the readiness check (node-postgres's default size, 10).
    const pool = new pg.Pool({ connectionString: config.url });
    pool.on('error', (error) => log.warn({ err: { message: error.message } }, 'idle PostgreSQL connection failed'));
    const target = postgresTarget(pool);
    try {
      if (options.migrate) await applyMigrations(target, migrateLog);
    } catch (error) {
      await pool.end();
      throw error;
    }
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    return {
      kind: 'postgres',
      prisma,
      sql: { query: async <Row>(text: string, values: unknown[], name?: string) => (await pool.query({ text, values, name })).rows as Row[] },
      migrations: () => migrationStatus(target),
      ping: async () => void (await pool.query('select 1')),
      close: async () => {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }

  const lock: DataDirLock = lockDataDir(config.dataDir);
  let db: PGlite | undefined;
  try {
    db = new PGlite(join(config.dataDir, 'pgdata'));
    await db.waitReady;
    return await embedded(db, lock, options, migrateLog);
  } catch (error) {
    await db?.close().catch(() => undefined);
    lock.release();
    throw error;
  }
}

/** Opens an already created PGlite (on disk or in memory) as the service's database. */
export async function embedded(db: PGlite, lock: DataDirLock | null, options: OpenOptions, migrateLog?: Parameters<typeof applyMigrations>[1]): Promise<Database> {
  const target: MigrationTarget = pgliteTarget(db);
  if (options.migrate) await applyMigrations(target, migrateLog);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  return {
    kind: 'pglite',
    prisma,
    sql: { query: async <Row>(text: string, values: unknown[]) => (await db.query<Row>(text, values)).rows },
    migrations: () => migrationStatus(target),
    ping: async () => void (await db.query('select 1')),
    close: async () => {
      await prisma.$disconnect();
      await db.close();
      lock?.release();
    },
  };
}
