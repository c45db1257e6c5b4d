import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { embedded, openDatabase, type Database } from '../../app/database.js';
import { createLogger } from '../../app/logger.js';

export interface TestDatabase {
  database: Database;
  /** The PostgreSQL URL of this database, for starting real service processes on it. */
  url?: string;
  destroy(): Promise<void>;
}

export interface Backend {
  name: 'pglite' | 'postgres';
  create(): Promise<TestDatabase>;
}

const silent = createLogger('silent');

const pgliteBackend: Backend = {
  name: 'pglite',
  async create() {
    const tar = readFileSync(inject('pgliteTemplate'));
    const db = new PGlite({ loadDataDir: new Blob([tar]) });
    await db.waitReady;
    const database = await embedded(db, null, { migrate: true, log: silent });
    return { database, destroy: () => database.close() };
  },
};

/** A fresh PostgreSQL database per test file, copied from the migrated template. */
export interface CreatedDatabase {
  url: string;
  /**
   * Takes the database away (no new connections, every open one ended) or gives it back: what a
   * restarting or unreachable server looks like to the service.
   */
  setAvailable(available: boolean): Promise<void>;
  drop(): Promise<void>;
}

export async function createPostgresDatabase(): Promise<CreatedDatabase> {
  const base = process.env.DATABASE_URL;
  const template = inject('postgresTemplate');
  if (!base || !template) throw new Error('DATABASE_URL is not set');
  const name = `hr_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        break;
      } catch (error) {
        // Two workers copying the template at the same moment: PostgreSQL refuses one; try again.
        if (attempt >= 10 || !/being accessed by other users/.test((error as Error).message)) throw error;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async setAvailable(available) {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        await client.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS ${available}`);
        if (!available) await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      } finally {
        await client.end();
      }
    },
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

const postgresBackend: Backend = {
  name: 'postgres',
  async create() {
    const { url, drop } = await createPostgresDatabase();
    const database = await openDatabase({ kind: 'postgres', url }, { migrate: true, log: silent });
    return {
      database,
      url,
      async destroy() {
        await database.close();
        await drop();
      },
    };
  },
};

/** PGlite always; PostgreSQL too when DATABASE_URL points at a server. */
export const backends: Backend[] = process.env.DATABASE_URL ? [pgliteBackend, postgresBackend] : [pgliteBackend];
