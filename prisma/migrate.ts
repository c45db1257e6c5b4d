/**
 * Applies the committed migrations in `prisma/migrations/<name>/migration.sql`
 * at service start-up, without Prisma's schema-engine binary (it cannot be
 * downloaded where the service runs).
 *
 * Bookkeeping lives in Prisma's own `_prisma_migrations` table, written the way
 * `prisma migrate deploy` writes it, so the Prisma tooling agrees about the state.
 *
 * Failure policy: every migration runs in one transaction together with its
 * bookkeeping row. A failing migration is rolled back completely and is not
 * recorded, so the database is left exactly as before and the next start
 * retries it after the file has been fixed. Rows that Prisma's own tooling
 * recorded as failed (finished_at NULL) make start-up refuse, naming them.
 * Consequence: migration files must not contain their own BEGIN/COMMIT or
 * statements that refuse to run in a transaction (CREATE INDEX CONCURRENTLY).
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGliteInterface, Transaction } from '@electric-sql/pglite';
import type pg from 'pg';

/** The advisory lock key Prisma Migrate uses, so our runner and Prisma's exclude each other. */
const LOCK_KEY = 72707369;

type Row = Record<string, unknown>;

/** Runs SQL on one connection (or inside one transaction). */
export interface SqlRunner {
  query<R extends Row = Row>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  /** Runs a multi-statement script without parameters. */
  exec(sql: string): Promise<void>;
}

/** One dedicated connection, held while the migration lock is taken. */
export interface MigrationSession extends SqlRunner {
  /** Runs `fn` in a transaction; it is rolled back if `fn` throws. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
}

/** A database the runner can migrate: PGlite or PostgreSQL. */
export interface MigrationTarget extends SqlRunner {
  kind: 'pglite' | 'postgres';
  /**
   * Runs `fn` on one connection while holding the migration lock, so that
   * several instances starting at once apply each migration only once.
   * `onWait` is called when another holder makes us wait.
   */
  withLock<T>(fn: (session: MigrationSession) => Promise<T>, onWait?: () => void): Promise<T>;
}

/** A migration folder read from disk. */
export type LocalMigration = { name: string; sql: string; checksum: string };

/** How the migration folder and the `_prisma_migrations` table relate. */
export interface MigrationStatus {
  /** Finished, not rolled back, in the order they were applied. */
  applied: string[];
  /** On disk but not applied, in the order they will be applied. */
  pending: string[];
  /** Applied, but the file changed since (checksum mismatch). */
  modified: string[];
  /** Started but never finished according to the table (e.g. by the Prisma CLI). */
  failed: string[];
  /** Applied, but no longer on disk (e.g. an older release started against a newer database). */
  missing: string[];
}

export interface MigrateOptions {
  /** Defaults to the nearest `prisma/migrations` above this module. */
  migrationsDir?: string;
  /** Progress messages; silent by default. */
  log?: (msg: string, data?: object) => void;
  /** Problems that do not stop start-up; defaults to `log`, else console.warn. */
  warn?: (msg: string, data?: object) => void;
}

// Several targets can share one PGlite instance; PGlite has a single
// connection, so an in-process queue is the whole lock.
const pgliteQueues = new WeakMap<object, Promise<unknown>>();

/** Wraps a PGlite instance (in-memory or on disk) as a migration target. */
export function pgliteTarget(db: PGliteInterface): MigrationTarget {
  const runner = (conn: PGliteInterface | Transaction): SqlRunner => ({
    query: async <R extends Row>(sql: string, params?: unknown[]) => ({ rows: (await conn.query<R>(sql, params)).rows }),
    exec: async (sql: string) => {
      await conn.exec(sql);
    },
  });
  const base = runner(db);
  const session: MigrationSession = { ...base, transaction: (fn) => db.transaction((tx) => fn(runner(tx))) };
  return {
    kind: 'pglite',
    ...base,
    withLock<T>(fn: (s: MigrationSession) => Promise<T>): Promise<T> {
      const previous = pgliteQueues.get(db) ?? Promise.resolve();
      const run = previous.then(() => fn(session));
      pgliteQueues.set(
        db,
        run.catch(() => undefined),
      );
      return run;
    },
  };
}

/**
 * Wraps a `pg` Pool or Client as a migration target. With a Pool, the run takes
 * one connection of its own; a Client must not be used by anything else meanwhile.
 */
export function postgresTarget(db: pg.Pool | pg.Client): MigrationTarget {
  const runner = (conn: pg.Pool | pg.ClientBase): SqlRunner => ({
    query: async <R extends Row>(sql: string, params?: unknown[]) => ({ rows: (await conn.query<R>(sql, params)).rows }),
    // Without parameters pg uses the simple query protocol, which accepts several statements.
    exec: async (sql: string) => {
      await conn.query(sql);
    },
  });
  return {
    kind: 'postgres',
    ...runner(db),
    async withLock<T>(fn: (s: MigrationSession) => Promise<T>, onWait?: () => void): Promise<T> {
      const pooled = 'totalCount' in db;
      const client: pg.ClientBase = pooled ? await db.connect() : db;
      let broken: Error | undefined;
      try {
        const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [LOCK_KEY]);
        if (!rows[0]?.locked) {
          onWait?.();
          await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
        }
        try {
          return await fn({ ...runner(client), transaction: (body) => transaction(client, body, runner(client)) });
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch((error: Error) => {
            broken = error;
          });
        }
      } finally {
        // A connection whose unlock failed is destroyed rather than reused: closing it frees the lock.
        if (pooled) (client as pg.PoolClient).release(broken ?? false);
      }
    },
  };
}

async function transaction<T>(client: pg.ClientBase, fn: (tx: SqlRunner) => Promise<T>, tx: SqlRunner): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await fn(tx);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Applies all pending migrations in lexical order, each in its own transaction,
 * while holding the migration lock. Changed files of applied migrations are
 * only warned about, as Prisma does.
 *
 * @throws if a migration fails (it is rolled back and not recorded) or if the
 *   table records a failed migration that needs manual repair.
 */
export async function applyMigrations(target: MigrationTarget, opts: MigrateOptions = {}): Promise<{ applied: string[] }> {
  const dir = opts.migrationsDir ?? findMigrationsDir();
  const log = opts.log ?? (() => undefined);
  const warn = opts.warn ?? opts.log ?? consoleWarn;
  return target.withLock(
    async (session) => {
      await session.exec(CREATE_TABLE);
      const local = await readMigrations(dir);
      const status = compare(local, await readRecords(session));
      if (status.failed.length > 0) throw new Error(failedMessage(status.failed));
      for (const name of status.modified) {
        warn('migration file changed after it was applied; the change is ignored, add a new migration instead', { migration: name });
      }
      if (status.missing.length > 0) {
        warn('database has migrations this release does not know', { migrations: status.missing });
      }
      const applied: string[] = [];
      for (const migration of local.filter((m) => status.pending.includes(m.name))) {
        const started = Date.now();
        await applyOne(session, migration);
        applied.push(migration.name);
        log('applied migration', { migration: migration.name, ms: Date.now() - started });
      }
      if (applied.length === 0) log('database schema is up to date', { migrations: status.applied.length });
      return { applied };
    },
    () => log('waiting for another instance to finish migrating'),
  );
}

/** Compares the migration folder with the `_prisma_migrations` table without changing anything. */
export async function migrationStatus(target: MigrationTarget, opts: Pick<MigrateOptions, 'migrationsDir'> = {}): Promise<MigrationStatus> {
  const local = await readMigrations(opts.migrationsDir ?? findMigrationsDir());
  const { rows } = await target.query<{ present: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`);
  return compare(local, rows[0]?.present ? await readRecords(target) : []);
}

/** Reads `<dir>/<name>/migration.sql` for every folder, sorted by name. */
export async function readMigrations(dir: string): Promise<LocalMigration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(dir, name, 'migration.sql');
      const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
        throw new Error(`Migration folder ${name} has no readable migration.sql (${error.code ?? error.message})`);
      });
      return { name, sql: bytes.toString('utf8'), checksum: sha256(bytes) };
    }),
  );
}

/**
 * Finds `<ancestor>/<relative>` walking up from `from` (default: this module's
 * folder), so the same code works from `prisma/` and from a compiled `dist/prisma/`.
 */
export function findUp(relative: string, from = path.dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, relative);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function findMigrationsDir(): string {
  const dir = findUp(path.join('prisma', 'migrations'));
  if (!dir) throw new Error('No prisma/migrations folder found above the migration runner; pass migrationsDir');
  return dir;
}

// The same table Prisma Migrate creates for PostgreSQL.
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

type MigrationRecord = {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
  rolled_back_at: Date | string | null;
};

async function readRecords(runner: SqlRunner): Promise<MigrationRecord[]> {
  const { rows } = await runner.query<MigrationRecord>(
    'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at, migration_name',
  );
  return rows;
}

async function applyOne(session: MigrationSession, migration: LocalMigration): Promise<void> {
  try {
    await session.transaction(async (tx) => {
      await tx.exec(migration.sql);
      // started_at is the transaction start, finished_at the wall clock now: both from the database's clock.
      await tx.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
        [randomUUID(), migration.checksum, migration.name],
      );
    });
  } catch (error) {
    const { message, position } = error as { message?: string; position?: string };
    const line = position ? ` (line ${lineAt(migration.sql, Number(position))})` : '';
    throw new Error(
      `Migration ${migration.name} failed${line} and was rolled back; nothing of it was applied or recorded: ${message ?? String(error)}`,
      { cause: error },
    );
  }
}

function compare(local: LocalMigration[], records: MigrationRecord[]): MigrationStatus {
  const live = records.filter((r) => r.rolled_back_at === null);
  const finished = live.filter((r) => r.finished_at !== null);
  const applied = unique(finished.map((r) => r.migration_name));
  const failed = unique(live.filter((r) => r.finished_at === null).map((r) => r.migration_name)).filter((n) => !applied.includes(n));
  const onDisk = new Set(local.map((m) => m.name));
  return {
    applied,
    pending: local.map((m) => m.name).filter((n) => !applied.includes(n) && !failed.includes(n)),
    modified: local
      .filter((m) => applied.includes(m.name))
      .filter((m) => !finished.some((r) => r.migration_name === m.name && checksumMatches(m.sql, r.checksum)))
      .map((m) => m.name),
    failed,
    missing: applied.filter((n) => !onDisk.has(n)),
  };
}

// Same tolerance as Prisma: git may have changed the line endings, and old
// Prisma versions stored checksums without zero-padding.
function checksumMatches(sql: string, checksum: string): boolean {
  const variants = [sql, sql.replaceAll('\r\n', '\n'), sql.replace(/\r?\n/g, '\r\n')];
  return variants.some((text) => {
    const digest = createHash('sha256').update(text, 'utf8').digest();
    const padded = digest.toString('hex');
    return checksum === padded || (checksum.length !== padded.length && checksum === [...digest].map((b) => b.toString(16)).join(''));
  });
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function failedMessage(names: string[]): string {
  const quoted = names.map((n) => `'${n.replaceAll("'", "''")}'`).join(', ');
  return (
    `Migration ${names.join(', ')} is recorded as failed in _prisma_migrations; refusing to migrate. ` +
    'Repair the database by hand, then mark it rolled back so that it is applied again: ' +
    `UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE finished_at IS NULL AND rolled_back_at IS NULL AND migration_name IN (${quoted}); ` +
    '(or set finished_at = now() instead if you completed it by hand).'
  );
}

function lineAt(sql: string, position: number): number {
  return sql.slice(0, Math.max(0, position - 1)).split('\n').length;
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

function consoleWarn(msg: string, data?: object): void {
  if (data) console.warn(msg, data);
  else console.warn(msg);
}
