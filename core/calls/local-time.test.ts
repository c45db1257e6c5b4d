import { describe, expect, it } from 'vitest';
import { parseLocalDateTime } from './local-time.js';

const now = new Date('2026-11-22T10:00:00Z');

describe('a date and time as people type it, in the region’s time zone', () => {
  it.each([
    ['5.12.2026 9:00', '2026-12-05T08:00:00.000Z'],
    ['05.12.2026, 09:30 Uhr', '2026-12-05T08:30:00.000Z'],
    ['2026-12-05 09:00', '2026-12-05T08:00:00.000Z'],
    ['1.7.2027 18:15', '2027-07-01T16:15:00.000Z'],
    ['5.12. 9:00', '2026-12-05T08:00:00.000Z'],
    ['3.1. 9:00', '2027-01-03T08:00:00.000Z'],
  ])('reads %j', (text, iso) => expect(parseLocalDateTime(text, 'Europe/Berlin', now)?.toISOString()).toBe(iso));

  it.each(['tomorrow', '31.2.2027 10:00', '5.12.2026', '25:00', '5.13.2026 9:00'])('rejects %j', (text) => expect(parseLocalDateTime(text, 'Europe/Berlin', now)).toBeNull());
});
