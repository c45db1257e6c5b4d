import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadResources } from '../app/i18n.js';
import { projectPath } from '../app/paths.js';
import { CALL_FORM_FIELDS, DEFAULT_ACTIVITIES, ErrorCode, moderationMessageKeys } from '../core/index.js';
import { MENU_ENTRIES } from '../core/menu/menu-flow.js';
import { EDITABLE_FIELDS } from '../core/registration/draft.js';
import { MENU_COMMANDS } from '../bots/telegram/index.js';

const resources = loadResources();
const languages = Object.keys(resources);

function flatten(value: unknown, prefix = ''): Record<string, string> {
  if (typeof value === 'string') return { [prefix]: value };
  return Object.assign({}, ...Object.entries(value as object).map(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k)));
}

const keys = Object.fromEntries(
  languages.map((lang) => [lang, Object.fromEntries(Object.entries(resources[lang]!).flatMap(([ns, tree]) => Object.entries(flatten(tree)).map(([k, v]) => [`${ns}:${k}`, v])))]),
) as Record<string, Record<string, string>>;

const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'generated' || name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|js)$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('locales', () => {
  it('offer at least the eight languages of the brief', () => {
    expect(languages).toEqual(expect.arrayContaining(['de', 'en', 'ar', 'fa', 'uk', 'ru', 'tr', 'fr']));
    expect(keys.ar!['common:language.dir']).toBe('rtl');
    expect(keys.fa!['common:language.dir']).toBe('rtl');
  });

  it.each(languages)('%s has every key another language has, and no other', (lang) => {
    const all = new Set(languages.flatMap((l) => Object.keys(keys[l]!)));
    expect([...all].filter((k) => !(k in keys[lang]!))).toEqual([]);
  });

  it.each(languages)('%s uses the same placeholders as English in every text', (lang) => {
    const wrong = Object.entries(keys.en!).filter(([k, v]) => JSON.stringify(placeholders(v)) !== JSON.stringify(placeholders(keys[lang]![k] ?? '')));
    expect(wrong.map(([k]) => k)).toEqual([]);
  });

  it('contain every key the code uses', () => {
    // Every namespace there is a file for: a key of a namespace nobody added here cannot slip through.
    const namespaces = readdirSync(projectPath('locales/en')).map((f) => f.replace(/\.json$/, ''));
    const keyPattern = new RegExp(`['"\`]((?:${namespaces.join('|')}):[A-Za-z][A-Za-z0-9_.]*)['"\`]`, 'g');
    const used = new Set<string>();
    for (const file of ['core', 'bots', 'app'].flatMap((d) => sourceFiles(projectPath(d)))) {
      for (const m of readFileSync(file, 'utf8').matchAll(keyPattern)) used.add(m[1]!);
    }
    // Keys built from values: every value they can take.
    for (const code of Object.values(ErrorCode)) used.add(`errors:${code}`);
    for (const key of DEFAULT_ACTIVITIES) used.add(`activities:${key}`);
    for (const key of moderationMessageKeys()) used.add(key);
    for (const entry of MENU_ENTRIES) used.add(`menu:entry.${entry}`);
    for (const field of EDITABLE_FIELDS) used.add(`registration:field.${field}`);
    for (const field of CALL_FORM_FIELDS) used.add(`coordination:form.field.${field}`);
    for (const action of ['cancel', 'extend', 'add']) used.add(`coordination:statusCard.${action}`);
    for (const command of MENU_COMMANDS) used.add(`telegram:command.${command}`);
    for (const m of readFileSync(projectPath('core/calls/post-call.ts'), 'utf8').matchAll(/problem\('\w+', '(\w+)'/g)) used.add(`calls:invalid.${m[1]}`);
    for (const key of readFileSync(projectPath('bots/web/web-view.ts'), 'utf8').match(/UI_KEYS = \[([^\]]+)\]/)![1]!.matchAll(/'(\w+)'/g)) used.add(`web:${key[1]}`);
    expect(used.size).toBeGreaterThan(80);
    for (const lang of languages) expect([...used].filter((k) => !(k in keys[lang]!)), lang).toEqual([]);
  });
});
