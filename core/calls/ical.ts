/**
 * A person's commitments as an iCalendar file (RFC 5545), written by hand: the
 * format is small, and a library would be the core's only npm dependency.
 */

/** One event of the calendar: an accepted helper call. */
export interface CalendarItem {
  /** Stable across fetches, so a calendar app updates the event instead of adding another. */
  uid: string;
  title: string;
  description: string;
  placeName: string;
  lat: number;
  lon: number;
  startsAt: Date;
  endsAt: Date;
  organisation: string;
  status: 'confirmed' | 'cancelled';
  /** The last change of the event; its SEQUENCE and LAST-MODIFIED. */
  updatedAt: Date;
}

export interface CalendarOptions {
  /** Shown by calendar apps as the calendar's name (X-WR-CALNAME). */
  name: string;
  prodId?: string;
  /** When this file is made (DTSTAMP); now unless given. */
  now?: Date;
}

const CRLF = '\r\n';
/** RFC 5545 3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break. */
const MAX_OCTETS = 75;
/** SEQUENCE counts seconds from here: an integer that grows with every change and fits 32 bits until 2088. */
const SEQUENCE_EPOCH = Date.UTC(2020, 0, 1);

export function commitmentsCalendar(items: CalendarItem[], options: CalendarOptions): string {
  const stamp = utc(options.now ?? new Date());
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${text(options.prodId ?? '-//Helferruf//Commitments//EN')}`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${text(options.name)}`,
    // Subscribed calendars: how often to fetch again (RFC 7986, and Outlook's older property).
    'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
    'X-PUBLISHED-TTL:PT1H',
  ];
  for (const item of items) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${text(item.uid)}`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${utc(item.startsAt)}`,
      `DTEND:${utc(item.endsAt)}`,
      `SUMMARY:${text(item.title)}`,
      `DESCRIPTION:${text(item.description)}`,
      `LOCATION:${text(item.placeName)}`,
      `GEO:${coordinate(item.lat)};${coordinate(item.lon)}`,
      // CONTACT rather than ORGANIZER: ORGANIZER needs an address and makes apps treat the event as an invitation.
      `CONTACT:${text(item.organisation)}`,
      `STATUS:${item.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`,
      `SEQUENCE:${Math.max(0, Math.floor((item.updatedAt.getTime() - SEQUENCE_EPOCH) / 1000))}`,
      `LAST-MODIFIED:${utc(item.updatedAt)}`,
      'TRANSP:OPAQUE',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(fold).join(CRLF) + CRLF;
}

/** A DATE-TIME in UTC: `20250102T030405Z`. */
function utc(date: Date): string {
  return date.toISOString().replace(/\.\d{3}/, '').replace(/[-:]/g, '');
}

/** A FLOAT without an exponent, to the centimetre or so. */
function coordinate(value: number): string {
  return String(Number(value.toFixed(6)));
}

/**
 * A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, every
 * line break as `\n`. Other control characters are not allowed in TEXT and are dropped.
 */
export function text(value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    .replace(/[\\;,\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))
    .replace(/[\u0000-\u0008\u000A-\u001F\u007F]/g, '');
}

/**
 * Folds a content line into lines of at most 75 octets; each continuation
 * starts with a space (which counts). Splits only between code points, so a
 * multi-byte UTF-8 character is never cut in two.
 */
export function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = utf8Length(char.codePointAt(0)!);
    const limit = parts.length === 0 ? MAX_OCTETS : MAX_OCTETS - 1;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join(`${CRLF} `);
}

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}
