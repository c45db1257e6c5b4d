const known = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/**
 * A language as an ISO 639 code (`de`, `ar`, `ti`, `prs`); returns the
 * lower-cased code if the platform's language data knows it, else null.
 */
export function normalizeLanguageCode(input: string): string | null {
  const code = input.trim().toLowerCase();
  if (!/^[a-z]{2,3}$/.test(code)) return null;
  try {
    return known.of(code) ? code : null;
  } catch {
    return null;
  }
}
