import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { commitmentsCalendar, fold, type CalendarItem } from './ical.js';

const item: CalendarItem = {
  uid: 'call-1@helferruf',
  title: 'Begleitung zur Ausländerbehörde',
  description: 'Bitte 15 Minuten vorher da sein.',
  placeName: 'Göttingen',
  lat: 51.534,
  lon: 9.932,
  startsAt: new Date('2030-03-04T08:00:00Z'),
  endsAt: new Date('2030-03-04T10:30:00Z'),
  organisation: 'DRK Göttingen',
  status: 'confirmed',
  updatedAt: new Date('2030-03-01T12:00:00Z'),
};
const now = new Date('2030-03-02T07:08:09.123Z');

// RFC 5545 3.8.8.2: a non-standard property's value is TEXT unless it says otherwise;
// ical.js reads unknown properties as raw text, so it is told about this one.
ICAL.design.icalendar.property['x-wr-calname'] = { defaultType: 'text' };

function parse(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const events = calendar.getAllSubcomponents('vevent').map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      title: event.summary,
      description: event.description,
      placeName: event.location,
      geo: vevent.getFirstPropertyValue('geo'),
      startsAt: event.startDate.toJSDate(),
      endsAt: event.endDate.toJSDate(),
      utc: event.startDate.zone?.tzid === 'UTC' && event.endDate.zone?.tzid === 'UTC',
      organisation: vevent.getFirstPropertyValue('contact'),
      status: vevent.getFirstPropertyValue('status'),
      sequence: Number(vevent.getFirstPropertyValue('sequence')),
      stamp: (vevent.getFirstPropertyValue('dtstamp') as ICAL.Time).toJSDate(),
    };
  });
  return {
    name: calendar.getFirstPropertyValue('x-wr-calname'),
    method: calendar.getFirstPropertyValue('method'),
    version: calendar.getFirstPropertyValue('version'),
    prodId: calendar.getFirstPropertyValue('prodid'),
    events,
  };
}

/** The physical lines, each decoded on its own: a line ending inside a UTF-8 sequence fails to decode. */
function physicalLines(ics: string): { text: string; octets: number }[] {
  const bytes = new TextEncoder().encode(ics);
  const lines: { text: string; octets: number }[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length - 1; i++) {
    if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) {
      const line = bytes.subarray(start, i);
      lines.push({ text: new TextDecoder('utf-8', { fatal: true }).decode(line), octets: line.length });
      start = i + 2;
    }
  }
  expect(start, 'the file ends with CRLF').toBe(bytes.length);
  return lines;
}

describe('commitmentsCalendar', () => {
  it('writes a calendar that an iCal parser reads back field by field', () => {
    const ics = commitmentsCalendar([item, { ...item, uid: 'call-2@helferruf', status: 'cancelled', title: 'Sprachcafé' }], { name: 'Meine Einsätze', now });
    const parsed = parse(ics);
    expect(parsed).toMatchObject({ name: 'Meine Einsätze', method: 'PUBLISH', version: '2.0', prodId: '-//Helferruf//Commitments//EN' });
    expect(parsed.events).toHaveLength(2);
    expect(parsed.events[0]).toEqual({
      uid: 'call-1@helferruf',
      title: item.title,
      description: item.description,
      placeName: 'Göttingen',
      geo: [51.534, 9.932],
      startsAt: item.startsAt,
      endsAt: item.endsAt,
      utc: true,
      organisation: 'DRK Göttingen',
      status: 'CONFIRMED',
      sequence: Math.floor((item.updatedAt.getTime() - Date.UTC(2020, 0, 1)) / 1000),
      stamp: new Date('2030-03-02T07:08:09Z'),
    });
    expect(parsed.events[1]).toMatchObject({ uid: 'call-2@helferruf', title: 'Sprachcafé', status: 'CANCELLED' });
  });

  it('writes times in UTC and a later change with a higher SEQUENCE', () => {
    const ics = commitmentsCalendar([item], { name: 'x', now });
    expect(ics).toContain('\r\nDTSTART:20300304T080000Z\r\n');
    expect(ics).toContain('\r\nDTEND:20300304T103000Z\r\n');
    expect(ics).toContain('\r\nDTSTAMP:20300302T070809Z\r\n');
    const later = parse(commitmentsCalendar([{ ...item, updatedAt: new Date(item.updatedAt.getTime() + 1000) }], { name: 'x', now }));
    expect(later.events[0]!.sequence).toBeGreaterThan(parse(ics).events[0]!.sequence);
  });

  it('keeps Arabic, emoji, commas, semicolons, backslashes and line breaks intact', () => {
    const tricky = {
      ...item,
      title: 'مرافقة إلى الطبيب 🚑, بسرعة; شكراً',
      description: 'Zeile 1\nZeile 2, mit Komma; und Semikolon\r\nC:\\Pfad\\datei 👩‍👩‍👧',
      placeName: 'Göttingen, Weender Str. 1; Hinterhof',
      organisation: 'Café „Willkommen“ – 🤝',
    };
    const ics = commitmentsCalendar([tricky], { name: 'تقويمي, 📅; نعم', now });
    const parsed = parse(ics);
    expect(parsed.name).toBe('تقويمي, 📅; نعم');
    expect(parsed.events[0]).toMatchObject({
      title: tricky.title,
      description: 'Zeile 1\nZeile 2, mit Komma; und Semikolon\nC:\\Pfad\\datei 👩‍👩‍👧',
      placeName: tricky.placeName,
      organisation: tricky.organisation,
    });
    expect(ics).toContain('SUMMARY:مرافقة إلى الطبيب 🚑\\, بسرعة\\; شكراً');
  });

  it('folds a 300-character description into lines of at most 75 octets, never inside a character', () => {
    // Two-, three- and four-octet characters at every offset, so some fall on a fold.
    const description = 'ä€😀a'.repeat(75);
    expect([...description]).toHaveLength(300);
    const ics = commitmentsCalendar([{ ...item, description }], { name: 'x', now });
    const lines = physicalLines(ics);
    expect(Math.max(...lines.map((l) => l.octets))).toBeLessThanOrEqual(75);
    const start = lines.findIndex((l) => l.text.startsWith('DESCRIPTION:'));
    const end = lines.findIndex((l, i) => i > start && !l.text.startsWith(' '));
    const continuations = lines.slice(start + 1, end);
    expect(continuations.length).toBeGreaterThanOrEqual(10);
    expect(lines[start]!.text + continuations.map((l) => l.text.slice(1)).join('')).toBe(`DESCRIPTION:${description}`);
    expect(parse(ics).events[0]!.description).toBe(description);
  });

  it('uses CRLF line endings only', () => {
    const ics = commitmentsCalendar([{ ...item, description: 'a\nb\rc' }], { name: 'x', now });
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
  });

  it('fills every folded line of ASCII up to exactly 75 octets', () => {
    const folded = fold(`DESCRIPTION:${'x'.repeat(200)}`).split('\r\n');
    expect(folded.map((l) => l.length)).toEqual([75, 75, 64]);
    expect(folded.slice(1).every((l) => l.startsWith(' '))).toBe(true);
  });

  it('writes an empty calendar that still parses', () => {
    expect(parse(commitmentsCalendar([], { name: 'Leer', now }))).toMatchObject({ name: 'Leer', events: [] });
  });
});
