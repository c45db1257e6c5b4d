import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { WordLists } from '../../core/index.js';
import { ConfigError } from '../config.js';
import { projectPath } from '../paths.js';

/** The starter lists shipped with the service, one file per language. */
export const DEFAULT_WORDLISTS_DIR = projectPath('app/moderation/wordlists');

/**
 * Reads the pre-check's word lists: `<language>.txt` in a folder, one word or
 * phrase a line, `#` starts a comment. A folder that is missing stops start-up
 * with a sentence that names the variable.
 */
export function loadWordLists(dir: string = DEFAULT_WORDLISTS_DIR): WordLists {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError(`MODERATION_WORDLISTS must be a folder with one <language>.txt per language (got "${dir}").`);
  const lists: WordLists = {};
  for (const file of readdirSync(dir).filter((f) => /^[a-z]{2,3}\.txt$/.test(f))) {
    lists[file.slice(0, -4)] = readFileSync(join(dir, file), 'utf8')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
  }
  return lists;
}
