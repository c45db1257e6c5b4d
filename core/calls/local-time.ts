/** The offset of a time zone from UTC at an instant, in minutes (Berlin in winter: 60). */
function offsetMinutes(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return (Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute')) - Math.floor(at / 60_000) * 60_000) / 60_000;
}

/**
 * Reads a date and time as people type it ("5.12.2026 9:00", "05.12. 9:30",
 * "2026-12-05 09:00") as local time in a time zone. A date without a year is
 * the next such date. Returns null for anything else or an impossible date.
 */
export function parseLocalDateTime(text: string, timeZone: string, now: Date): Date | null {
  const t = text.trim();
  let y: number, mo: number, d: number, h: number, mi: number;
  const german = /^(\d{1,2})\.(\d{1,2})\.(\d{4})?\s*,?\s*(\d{1,2})[:.](\d{2})\s*(?:uhr|h)?$/i.exec(t);
  const iso = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})$/.exec(t);
  if (german) [d, mo, y, h, mi] = [Number(german[1]), Number(german[2]), german[3] ? Number(german[3]) : NaN, Number(german[4]), Number(german[5])];
  else if (iso) [y, mo, d, h, mi] = [Number(iso[1]), Number(iso[2]), Number(iso[3]), Number(iso[4]), Number(iso[5])];
  else return null;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
  const resolve = (year: number) => {
    const wall = Date.UTC(year, mo - 1, d, h, mi);
    if (new Date(wall).getUTCDate() !== d) return null;
    // Two passes: the offset at the guessed instant, then at the corrected one (daylight-saving days).
    const first = wall - offsetMinutes(wall, timeZone) * 60_000;
    return new Date(wall - offsetMinutes(first, timeZone) * 60_000);
  };
  if (!Number.isNaN(y)) return resolve(y);
  const thisYear = resolve(now.getUTCFullYear());
  return thisYear && thisYear > now ? thisYear : resolve(now.getUTCFullYear() + 1);
}
