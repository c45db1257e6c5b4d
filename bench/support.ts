/** What every benchmark needs: throw-away databases of both kinds, a silent logger, percentiles. */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { embedded, type Database } from '../app/database.js';
import { createLogger } from '../app/logger.js';
import { applyMigrations, pgliteTarget } from '../prisma/migrate.js';

export const silent = createLogger('silent');

/** A fresh, empty PostgreSQL database next to DATABASE_URL's, dropped afterwards. */
export async function createBenchDatabase(base: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `hr_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** An in-memory PGlite, migrated, opened as the service opens it. */
export async function openPglite(): Promise<Database & { pglite: PGlite }> {
  const db = new PGlite();
  await db.waitReady;
  await applyMigrations(pgliteTarget(db));
  return Object.assign(await embedded(db, null, { migrate: false, log: silent }), { pglite: db });
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
