import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { applyMigrations, pgliteTarget, postgresTarget } from '../prisma/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string | null;
  }
}

function migrationsHash(): string {
  const hash = createHash('sha256');
  const dir = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', 'prisma', 'migrations');
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name, 'migration.sql');
    if (existsSync(file)) hash.update(name).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Migrates one database of each kind once per run; every test then starts
 * from a copy (a fresh PGlite takes seconds to create, a copy about one).
 */
export default async function setup(project: TestProject) {
  const hash = migrationsHash();
  const pgliteTemplate = join(tmpdir(), `helferruf-test-${hash}.tar`);
  if (!existsSync(pgliteTemplate)) {
    const db = new PGlite();
    await applyMigrations(pgliteTarget(db));
    const dump = await db.dumpDataDir('none');
    writeFileSync(pgliteTemplate, Buffer.from(await dump.arrayBuffer()));
    await db.close();
  }
  project.provide('pgliteTemplate', pgliteTemplate);

  const url = process.env.DATABASE_URL;
  if (!url) {
    project.provide('postgresTemplate', null);
    return;
  }
  const template = `hr_template_${hash}_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  const templateUrl = new URL(url);
  templateUrl.pathname = `/${template}`;
  const pool = new pg.Pool({ connectionString: templateUrl.toString(), max: 1 });
  await applyMigrations(postgresTarget(pool));
  await pool.end();
  project.provide('postgresTemplate', template);
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.end();
  };
}
