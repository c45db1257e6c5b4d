import type { InfoVersion } from './ports.js';

/** The language everything is first written in here; the last fallback. */
export const SOURCE_LANGUAGE = 'de';

/** Items per page: what fits a phone screen as buttons. */
export const PAGE_SIZE = 5;

/** The languages a reader chose, in order: their own, their second one, then German. */
export function readingOrder(locale: string, secondLocale: string | null): string[] {
  return [...new Set([locale, ...(secondLocale ? [secondLocale] : []), SOURCE_LANGUAGE])];
}

/** One item as a reader gets it: the version in the first language of theirs that exists. */
export interface Reading {
  version: InfoVersion;
  /** Not the reader's own language: they are told so. */
  fallback: boolean;
}

/**
 * The version of one item (a translation group) a reader should read, or null
 * when none is in a language they chose: never silently another language.
 */
export function pickVersion(versions: InfoVersion[], order: string[]): Reading | null {
  for (const language of order) {
    const version = versions.find((v) => v.language === language);
    if (version) return { version, fallback: language !== order[0] };
  }
  return null;
}

/** Every item of a list once, in the reader's best language, newest first; optionally only those matching a word. */
export function readingsFor(versions: InfoVersion[], order: string[], word?: string): Reading[] {
  const groups = new Map<string, InfoVersion[]>();
  for (const v of versions) groups.set(v.groupId, [...(groups.get(v.groupId) ?? []), v]);
  const needle = word?.trim().toLocaleLowerCase();
  const readings: Reading[] = [];
  for (const group of groups.values()) {
    // A word matches in any language the reader chose, so a German term finds the Arabic version too.
    if (needle && !group.some((v) => order.includes(v.language) && `${v.title}\n${v.body}`.toLocaleLowerCase().includes(needle))) continue;
    const reading = pickVersion(group, order);
    if (reading) readings.push(reading);
  }
  return readings;
}
