/**
 * Checks an e-mail address the way a sign-up form should: one @, a local part
 * without spaces, a domain with a dot and a plausible top-level label. It does
 * not try to implement RFC 5322; a confirmation mail is the real test.
 * Returns the address with its domain lower-cased, or null.
 */
export function normalizeEmail(input: string): string | null {
  const text = input.trim();
  if (text.length > 254) return null;
  const match = /^([^\s@"<>(),;:\\[\]]{1,64})@([^\s@"<>(),;:\\[\]]+)$/u.exec(text);
  if (!match) return null;
  const [, local, rawDomain] = match as unknown as [string, string, string];
  const domain = rawDomain.toLowerCase();
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return null;
  const labels = domain.split('.');
  if (labels.length < 2) return null;
  if (labels.some((l) => l.length === 0 || l.length > 63 || l.startsWith('-') || l.endsWith('-'))) return null;
  if (!/^(\p{L}{2,63}|xn--[a-z0-9-]+)$/u.test(labels[labels.length - 1]!)) return null;
  return `${local}@${domain}`;
}
