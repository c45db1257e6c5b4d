import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.js';
import { loadWordLists } from './word-lists.js';

describe('the pre-check word lists', () => {
  it('ship a starter list for each of the eight languages', () => {
    const lists = loadWordLists();
    expect(Object.keys(lists).sort()).toEqual(['ar', 'de', 'en', 'fa', 'fr', 'ru', 'tr', 'uk']);
    for (const words of Object.values(lists)) {
      expect(words.length).toBeGreaterThan(3);
      expect(words.some((w) => w.startsWith('#'))).toBe(false);
    }
  });

  it('read an operator\'s folder: one word or phrase a line, comments and blank lines ignored', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wordlists-'));
    writeFileSync(join(dir, 'de.txt'), '# eigene Liste\n\nbeispielwort\n  zwei wörter  \n');
    writeFileSync(join(dir, 'notes.md'), 'not a list');
    expect(loadWordLists(dir)).toEqual({ de: ['beispielwort', 'zwei wörter'] });
  });

  it('stop start-up with a sentence naming the variable when the folder is missing', () => {
    expect(() => loadWordLists('/nonexistent/wordlists')).toThrow(ConfigError);
    expect(() => loadWordLists('/nonexistent/wordlists')).toThrow('MODERATION_WORDLISTS must be a folder');
  });
});
