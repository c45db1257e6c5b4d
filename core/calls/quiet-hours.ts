export interface QuietHours {
  /** Local hour (0-23) from which nobody is disturbed... */
  from: number;
  /** ...until this local hour. */
  to: number;
}

function localHour(at: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone }).format(at));
}

function isQuiet(hour: number, quiet: QuietHours): boolean {
  return quiet.from > quiet.to ? hour >= quiet.from || hour < quiet.to : hour >= quiet.from && hour < quiet.to;
}

/**
 * The earliest moment from `at` outside the quiet hours in a time zone. Steps
 * in quarter hours, so daylight-saving changes need no special case.
 */
export function afterQuietHours(at: Date, timeZone: string, quiet: QuietHours): Date {
  let t = new Date(at);
  for (let i = 0; i < 24 * 4 && isQuiet(localHour(t, timeZone), quiet); i++) {
    t = new Date(Math.floor(t.getTime() / 900_000) * 900_000 + 900_000);
  }
  return t;
}
