import type { LocaleInfo } from './flow.js';

/**
 * The best offered interface language for a channel's hint ("de-AT",
 * "ar_SY", "en-US,en;q=0.9"), or the default.
 */
export function pickLocale(hint: string | undefined, locales: LocaleInfo[], fallback: string): string {
  if (!hint) return fallback;
  const offered = new Set(locales.map((l) => l.code));
  for (const part of hint.split(',')) {
    const tag = part.split(';')[0]!.trim().replace('_', '-').toLowerCase();
    if (offered.has(tag)) return tag;
    const base = tag.split('-')[0]!;
    if (offered.has(base)) return base;
  }
  return fallback;
}
