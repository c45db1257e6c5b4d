import { createHash } from 'node:crypto';

/** Printable ASCII, 1 to 100 characters: a UUID, or the id of the request in the organisation's own system. */
const KEY = /^[\x20-\x7E]{1,100}$/;

/** The `Idempotency-Key` header: absent, a valid key, or invalid. */
export function idempotencyKey(header: string | undefined): { key: string | null } | { invalid: true } {
  if (header === undefined) return { key: null };
  const key = header.trim();
  return KEY.test(key) ? { key } : { invalid: true };
}

/**
 * The id a call posted with this key gets: a UUID (version 8, RFC 9562) from
 * SHA-256 of organisation and key. A replay finds the first call under it, and
 * two requests racing with one key collide on the primary key, so no table
 * of keys is needed. Another organisation's same key gives another id.
 */
export function callIdFor(organisationId: string, key: string): string {
  const hash = createHash('sha256').update('helferruf:api:idempotency\0').update(organisationId).update('\0').update(key).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x80;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
