import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../app/paths.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
}

describe('the core knows no messenger, web framework or database', () => {
  const core = projectPath('core');
  const forbidden = /^(?:(?:grammy|botbuilder|matrix-bot-sdk|express|prisma|pg|pino|i18next|zod)(?:\/|$)|botframework-|@prisma\/|@electric-sql\/|@matrix-org\/)/;

  it('core/ imports no messenger SDK, express, Prisma, database driver, logger or i18n library', () => {
    const offenders = files(core).flatMap((file) => imports(file).filter((spec) => forbidden.test(spec)).map((spec) => `${relative(core, file)} → ${spec}`));
    expect(offenders).toEqual([]);
  });

  it('core/ imports nothing from bots/, prisma/ or app/', () => {
    const offenders = files(core).flatMap((file) =>
      imports(file)
        .filter((spec) => spec.startsWith('.'))
        .filter((spec) => !join(file, '..', spec).startsWith(core))
        .map((spec) => `${relative(core, file)} → ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the rule would catch an offender', () => {
    expect(forbidden.test('grammy')).toBe(true);
    expect(forbidden.test('@prisma/client')).toBe(true);
    expect(forbidden.test('express')).toBe(true);
    expect(forbidden.test('@electric-sql/pglite')).toBe(true);
    expect(forbidden.test('pg')).toBe(true);
    expect(forbidden.test('node:crypto')).toBe(false);
    expect(forbidden.test('pgp-utils')).toBe(false);
  });

  it('no channel name is tested outside its own adapter', () => {
    const offenders = ['core', 'app', 'prisma']
      .flatMap((d) => files(projectPath(d)))
      .filter((f) => !f.includes(`${join('prisma', 'generated')}`))
      .filter((f) => /channel\s*===?\s*['"](telegram|matrix|teams|web)['"]/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
