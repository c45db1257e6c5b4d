/**
 * Normalises a mobile number to E.164 (`+491701234567`). Accepts the ways
 * people type numbers: spaces, dashes, dots, brackets, a leading `00`, and a
 * national German number starting with a single `0` (prefixed with +49, the
 * country this service is run in). Returns null if it cannot be a number.
 */
export function normalizePhone(input: string, defaultCountryCode = '49'): string | null {
  const compact = input.trim().replace(/[\s\-./()]/g, '');
  let digits: string;
  if (compact.startsWith('+')) digits = compact.slice(1);
  else if (compact.startsWith('00')) digits = compact.slice(2);
  else if (compact.startsWith('0')) digits = defaultCountryCode + compact.slice(1);
  else return null;
  if (!/^[1-9]\d{6,14}$/.test(digits)) return null;
  return `+${digits}`;
}
