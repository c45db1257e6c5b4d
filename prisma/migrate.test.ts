import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMigration, migrationList, pendingSchemaChanges, startSchemaEngine } from './create-migration.js';
import { PrismaClient } from './generated/client.js';
import { applyMigrations, migrationStatus, pgliteTarget, postgresTarget, type MigrationTarget } from './migrate.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const committedDir = path.join(here, 'migrations');
const committed = (await readdir(committedDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
// A fresh PGlite takes seconds to start, the schema engine more.
const DB_TIMEOUT = { timeout: 30_000 };
const ENGINE_TIMEOUT = 90_000;

const tempDirs: string[] = [];
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Writes `{ name: sql }` as a migrations folder in a temp dir. */
async function migrationsDir(migrations: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hr-migrations-'));
  tempDirs.push(dir);
  for (const [name, sql] of Object.entries(migrations)) await writeMigration(dir, name, sql);
  return dir;
}

async function writeMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(path.join(dir, name), { recursive: true });
  await writeFile(path.join(dir, name, 'migration.sql'), sql);
}

async function tableExists(target: MigrationTarget, table: string): Promise<boolean> {
  const { rows } = await target.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [`"${table}"`]);
  return rows[0]?.present === true;
}

async function recordedNames(target: MigrationTarget): Promise<string[]> {
  const { rows } = await target.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name');
  return rows.map((r) => r.migration_name);
}

const twoTables = {
  '001_first': 'CREATE TABLE "First" (id TEXT PRIMARY KEY);\n',
  '002_second': 'CREATE TABLE "Second" (id TEXT PRIMARY KEY);\nINSERT INTO "Second" VALUES (\'x\');\n',
};

/** The behaviour both databases must show; `fresh` gives an empty database each time. */
function sharedBehaviour(fresh: () => Promise<MigrationTarget>): void {
  it('applies pending migrations in order and nothing on the second run', async () => {
    const target = await fresh();
    const dir = await migrationsDir(twoTables);
    expect(await applyMigrations(target, { migrationsDir: dir })).toEqual({ applied: ['001_first', '002_second'] });
    expect(await applyMigrations(target, { migrationsDir: dir })).toEqual({ applied: [] });
    expect(await recordedNames(target)).toEqual(['001_first', '002_second']);
    const { rows } = await target.query('SELECT checksum, finished_at, logs, rolled_back_at, applied_steps_count FROM "_prisma_migrations"');
    expect(rows[0]).toMatchObject({ logs: null, rolled_back_at: null, applied_steps_count: 1 });
    expect(rows[0]?.['checksum']).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]?.['finished_at']).toBeInstanceOf(Date);
  });

  it('reports pending, applied, modified and missing migrations', async () => {
    const target = await fresh();
    const dir = await migrationsDir(twoTables);
    expect(await migrationStatus(target, { migrationsDir: dir })).toEqual({
      applied: [],
      pending: ['001_first', '002_second'],
      modified: [],
      failed: [],
      missing: [],
    });
    await applyMigrations(target, { migrationsDir: dir });
    await writeMigration(dir, '003_third', 'CREATE TABLE "Third" (id TEXT);\n');
    expect(await migrationStatus(target, { migrationsDir: dir })).toMatchObject({ applied: ['001_first', '002_second'], pending: ['003_third'], modified: [] });

    // Line endings changed by git do not count as a change, as with Prisma.
    await writeMigration(dir, '001_first', twoTables['001_first'].replaceAll('\n', '\r\n'));
    expect((await migrationStatus(target, { migrationsDir: dir })).modified).toEqual([]);

    await writeMigration(dir, '002_second', `${twoTables['002_second']}-- edited afterwards\n`);
    expect((await migrationStatus(target, { migrationsDir: dir })).modified).toEqual(['002_second']);
    const warn = vi.fn();
    expect(await applyMigrations(target, { migrationsDir: dir, warn })).toEqual({ applied: ['003_third'] });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('changed'), { migration: '002_second' });

    await rm(path.join(dir, '001_first'), { recursive: true });
    expect((await migrationStatus(target, { migrationsDir: dir })).missing).toEqual(['001_first']);
  });

  it('rolls a failing migration back completely and does not record it', async () => {
    const target = await fresh();
    const dir = await migrationsDir({
      '001_first': twoTables['001_first'],
      '002_broken': 'CREATE TABLE "Half" (id TEXT);\nINSERT INTO "NoSuchTable" VALUES (1);\n',
      '003_after': 'CREATE TABLE "After" (id TEXT);\n',
    });
    await expect(applyMigrations(target, { migrationsDir: dir })).rejects.toThrow(/Migration 002_broken failed \(line 2\) and was rolled back.*NoSuchTable/);
    expect(await tableExists(target, 'First')).toBe(true);
    expect(await tableExists(target, 'Half')).toBe(false);
    expect(await tableExists(target, 'After')).toBe(false);
    expect(await recordedNames(target)).toEqual(['001_first']);
    expect(await migrationStatus(target, { migrationsDir: dir })).toMatchObject({ pending: ['002_broken', '003_after'], failed: [] });

    await writeMigration(dir, '002_broken', 'CREATE TABLE "Half" (id TEXT);\n');
    expect(await applyMigrations(target, { migrationsDir: dir })).toEqual({ applied: ['002_broken', '003_after'] });
  });

  it('refuses to migrate while the table records a failed migration', async () => {
    const target = await fresh();
    const dir = await migrationsDir(twoTables);
    await applyMigrations(target, { migrationsDir: path.join(await migrationsDir({ '001_first': twoTables['001_first'] })) });
    // What `prisma migrate deploy` leaves behind when a migration fails.
    await target.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, started_at, applied_steps_count)
       VALUES ('f00d', 'x', '002_second', 'syntax error', now(), 0)`,
    );
    expect((await migrationStatus(target, { migrationsDir: dir })).failed).toEqual(['002_second']);
    await expect(applyMigrations(target, { migrationsDir: dir })).rejects.toThrow(/Migration 002_second is recorded as failed/);

    await target.query(`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '002_second'`);
    expect(await applyMigrations(target, { migrationsDir: dir })).toEqual({ applied: ['002_second'] });
  });
}

describe('applyMigrations on PGlite', DB_TIMEOUT, () => {
  const open: PGlite[] = [];
  afterAll(async () => {
    await Promise.all(open.map((db) => db.close()));
  });
  const fresh = async (): Promise<PGlite> => {
    const db = new PGlite();
    open.push(db);
    return db;
  };

  sharedBehaviour(async () => pgliteTarget(await fresh()));

  it('applies the committed migrations (found by default) so that the Prisma client can read and write', async () => {
    const db = await fresh();
    expect(await applyMigrations(pgliteTarget(db))).toEqual({ applied: committed });
    expect(await applyMigrations(pgliteTarget(db))).toEqual({ applied: [] });
    expect(await migrationStatus(pgliteTarget(db))).toMatchObject({ applied: committed, pending: [], modified: [], failed: [] });

    const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
    try {
      await prisma.region.create({ data: { id: 'r1', slug: 'leipzig', name: 'Leipzig' } });
      expect(await prisma.region.findUnique({ where: { slug: 'leipzig' } })).toMatchObject({ id: 'r1', timeZone: 'Europe/Berlin', isDefault: false });
    } finally {
      await prisma.$disconnect();
    }
  });

  it('applies each migration once when two runs share one PGlite', async () => {
    const db = await fresh();
    const dir = await migrationsDir(twoTables);
    const [a, b] = await Promise.all([applyMigrations(pgliteTarget(db), { migrationsDir: dir }), applyMigrations(pgliteTarget(db), { migrationsDir: dir })]);
    expect([...a.applied, ...b.applied].sort()).toEqual(['001_first', '002_second']);
    expect(await recordedNames(pgliteTarget(db))).toEqual(['001_first', '002_second']);
  });
});

describe('schema engine (create-migration)', () => {
  it(
    "agrees with the runner's bookkeeping, including checksums",
    async () => {
      const schemaPath = path.join(here, 'schema.prisma');
      const session = await startSchemaEngine(schemaPath, await readFile(schemaPath, 'utf8'));
      try {
        await applyMigrations(pgliteTarget(session.main), { migrationsDir: committedDir });
        const migrationsList = await migrationList(committedDir);
        const filters = { externalTables: [], externalEnums: [] };
        expect(await session.engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters })).toEqual({
          editedMigrationNames: [],
          failedMigrationNames: [],
          hasMigrationsTable: true,
          history: null,
        });
        const edited = structuredClone(migrationsList);
        const first = edited.migrationDirectories[0]?.migrationFile.content;
        if (first?.tag === 'ok') first.value += '\n-- edited\n';
        const diagnosis = await session.engine.diagnoseMigrationHistory({ migrationsList: edited, optInToShadowDatabase: false, filters });
        expect(diagnosis.editedMigrationNames).toEqual([committed[0]]);
      } finally {
        await session.close();
      }
    },
    ENGINE_TIMEOUT,
  );

  it('finds the committed migrations in line with schema.prisma', async () => {
    expect(await pendingSchemaChanges()).toBeNull();
  }, ENGINE_TIMEOUT);

  it(
    'writes the next migration for a schema change, and nothing when there is none',
    async () => {
      const root = await mkdtemp(path.join(tmpdir(), 'hr-schema-'));
      tempDirs.push(root);
      const schemaPath = path.join(root, 'schema.prisma');
      const dir = path.join(root, 'migrations');
      await cp(committedDir, dir, { recursive: true });
      await rm(path.join(dir, 'migration_lock.toml'), { force: true });
      const schema = await readFile(path.join(here, 'schema.prisma'), 'utf8');
      await writeFile(schemaPath, `${schema}\nmodel Thing {\n  id   String @id\n  note String?\n}\n`);

      const folder = await createMigration('Add thing!', { schemaPath, migrationsDir: dir }, new Date('2031-02-03T04:05:06Z'));
      expect(folder).toBe('20310203040506_add_thing');
      const sql = await readFile(path.join(dir, '20310203040506_add_thing', 'migration.sql'), 'utf8');
      expect(sql).toContain('CREATE TABLE "Thing"');
      expect(sql).not.toContain('"Region"');
      expect(await readFile(path.join(dir, 'migration_lock.toml'), 'utf8')).toContain('provider = "postgresql"');

      expect(await createMigration('again', { schemaPath, migrationsDir: dir })).toBeNull();
    },
    ENGINE_TIMEOUT,
  );

  it(
    'refuses a migration the runner could not apply, and leaves no folder behind',
    async () => {
      const root = await mkdtemp(path.join(tmpdir(), 'hr-schema-'));
      tempDirs.push(root);
      const schemaPath = path.join(root, 'schema.prisma');
      const dir = path.join(root, 'migrations');
      await cp(committedDir, dir, { recursive: true });
      const schema = await readFile(path.join(here, 'schema.prisma'), 'utf8');
      // Prisma's SQL for a new enum value plus a default using it fails inside one transaction.
      await writeFile(schemaPath, schema.replace('  staff\n}', '  staff\n  guest\n}').replace('kind            PersonKind   @default(volunteer)', 'kind            PersonKind   @default(guest)'));

      await expect(createMigration('guest', { schemaPath, migrationsDir: dir })).rejects.toThrow(/_guest failed/);
      expect((await readdir(dir)).filter((n) => n.endsWith('_guest'))).toEqual([]);
    },
    ENGINE_TIMEOUT,
  );
});

describe.skipIf(!process.env['DATABASE_URL'])('applyMigrations on PostgreSQL', DB_TIMEOUT, () => {
  const admin = new pg.Client({ connectionString: process.env['DATABASE_URL'] });
  const databases: string[] = [];
  const pools: pg.Pool[] = [];

  beforeAll(async () => {
    await admin.connect();
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.end()));
  });
  afterAll(async () => {
    for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  /** Creates an empty database on the server in DATABASE_URL and returns its URL. */
  async function freshDatabase(): Promise<string> {
    const name = `hr_mig_${randomBytes(6).toString('hex')}`;
    await admin.query(`CREATE DATABASE "${name}"`);
    databases.push(name);
    const url = new URL(process.env['DATABASE_URL'] ?? '');
    url.pathname = `/${name}`;
    return url.toString();
  }

  function pool(url: string): pg.Pool {
    const p = new pg.Pool({ connectionString: url, max: 3 });
    pools.push(p);
    return p;
  }

  sharedBehaviour(async () => postgresTarget(pool(await freshDatabase())));

  it('applies the committed migrations so that the Prisma client can read and write', async () => {
    const url = await freshDatabase();
    const target = postgresTarget(pool(url));
    expect(await applyMigrations(target)).toEqual({ applied: committed });
    expect(await applyMigrations(target)).toEqual({ applied: [] });

    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
    try {
      await prisma.region.create({ data: { id: 'r1', slug: 'leipzig', name: 'Leipzig' } });
      expect(await prisma.region.findUnique({ where: { slug: 'leipzig' } })).toMatchObject({ id: 'r1', name: 'Leipzig' });
    } finally {
      await prisma.$disconnect();
    }
  });

  it('applies each migration exactly once when two instances start at the same time', async () => {
    const url = await freshDatabase();
    // The sleeps keep the first instance busy while the second one starts.
    const dir = await migrationsDir({
      '001_a': 'SELECT pg_sleep(0.2);\nCREATE TABLE "A" (id TEXT);\n',
      '002_b': 'SELECT pg_sleep(0.2);\nCREATE TABLE "B" (id TEXT);\n',
      '003_c': 'CREATE TABLE "C" (id TEXT);\n',
    });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const logs: string[] = [];
      const log = (msg: string): void => {
        logs.push(msg);
      };
      const [a, b] = await Promise.all([
        applyMigrations(postgresTarget(pool(url)), { migrationsDir: dir, log }),
        applyMigrations(postgresTarget(client), { migrationsDir: dir, log }),
      ]);
      expect([...a.applied, ...b.applied].sort()).toEqual(['001_a', '002_b', '003_c']);
      expect(await recordedNames(postgresTarget(client))).toEqual(['001_a', '002_b', '003_c']);
      expect(logs).toContain('waiting for another instance to finish migrating');
      // The lock is released: a third run gets it at once and finds nothing to do.
      expect(await applyMigrations(postgresTarget(client), { migrationsDir: dir })).toEqual({ applied: [] });
    } finally {
      await client.end();
    }
  });
});
