/**
 * A personal name in any script: letters and marks, with spaces, hyphens,
 * apostrophes and dots between them. No digits, no markup. Returns the name
 * with whitespace collapsed, or null.
 */
export function normalizeName(input: string): string | null {
  const text = input.trim().replace(/\s+/g, ' ');
  if (text.length === 0 || text.length > 80) return null;
  return /^[\p{L}\p{M}][\p{L}\p{M}'’ .-]*$/u.test(text) ? text : null;
}
