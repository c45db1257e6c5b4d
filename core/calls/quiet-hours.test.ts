import { describe, expect, it } from 'vitest';
import { afterQuietHours } from './quiet-hours.js';

const night = { from: 21, to: 8 };

describe('quiet hours', () => {
  it('lets a message through in the day', () => {
    const noon = new Date('2026-12-05T11:00:00Z');
    expect(afterQuietHours(noon, 'Europe/Berlin', night)).toEqual(noon);
  });

  it('holds a message sent at night until the morning, in the person’s time zone', () => {
    expect(afterQuietHours(new Date('2026-12-05T22:10:00Z'), 'Europe/Berlin', night)).toEqual(new Date('2026-12-06T07:00:00Z'));
    expect(afterQuietHours(new Date('2026-07-05T22:10:00Z'), 'Europe/Berlin', night)).toEqual(new Date('2026-07-06T06:00:00Z'));
  });

  it('also works for quiet hours within one day', () => {
    expect(afterQuietHours(new Date('2026-12-05T12:30:00Z'), 'Europe/Berlin', { from: 13, to: 15 })).toEqual(new Date('2026-12-05T14:00:00Z'));
  });
});
